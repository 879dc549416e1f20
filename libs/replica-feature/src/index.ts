export * from './lib/replica-host';
export * from './lib/replica-control-error';
export * from './lib/replica-control';
export * from './lib/replica-controls';
export * from './lib/http/replica-problems';
export * from './lib/http/replica-requests';
export * from './lib/http/replica.controller';
