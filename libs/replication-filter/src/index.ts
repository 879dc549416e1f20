export * from './lib/filter-settings';
export * from './lib/like-pattern';
export * from './lib/replication-filter';
