export * from './lib/node-database';
export * from './lib/node-schema';
export * from './lib/applier-position';
export * from './lib/table-catalog';
export * from './lib/row-applier';
export * from './lib/group-applier';
export * from './lib/innodb-memcache-bootstrap';
