export * from './lib/topology-records';
export * from './lib/topology-topic';
export * from './lib/topology-view';
export * from './lib/node-announcer';
export * from './lib/topology-writer';
export * from './lib/pod-labels';
