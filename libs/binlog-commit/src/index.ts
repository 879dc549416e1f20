export * from './lib/binlog-committer';
export * from './lib/capture-triggers';
export * from './lib/fault-injection';
export * from './lib/keyed-write';
export * from './lib/node-writes';
export * from './lib/read-only';
export { type CaptureConnection, openSessionCapture, takeOwnCapture, takeSessionCapture } from './lib/row-capture';
export * from './lib/commit-metrics';
