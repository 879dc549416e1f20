export * from './lib/coordinates';
export * from './lib/gtid';
export * from './lib/binlog-group';
export * from './lib/binlog-codec';
