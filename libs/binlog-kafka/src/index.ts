export * from './lib/kafka-names';
export * from './lib/kafka-client';
export * from './lib/binlog-topic';
export * from './lib/binlog-writer';
export * from './lib/binlog-reader';
export * from './lib/log-range';
export * from './lib/fencing';
export * from './lib/binlog-writer-metrics';
