export * from './lib/coordinates';
export * from './lib/gtid';
export * from './lib/binlog-group';
export * from './lib/binlog-codec';
export * from './lib/binlog-events';
export * from './lib/binlog-text';
