export * from './lib/coordinates';
