export * from './lib/replication-channel';
export * from './lib/replication-metrics';
