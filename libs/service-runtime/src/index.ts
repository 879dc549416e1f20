export * from './lib/config/options';
export * from './lib/config/load-config';
export * from './lib/run-service';
export * from './lib/service-identity';
export * from './lib/http-endpoint';
