export * from './lib/wait-for';
export * from './lib/test-infra';
export * from './lib/start-test-infra';
export * from './lib/kafka';
export * from './lib/mariadb';
export * from './lib/service-process';
export * from './lib/memcached-client';
export * from './lib/binlog-replay';
