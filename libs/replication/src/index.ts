export * from './lib/replication-channel';
