import { INNODB_MEMCACHE_BOOTSTRAP, tableWasCreated, type WarningRow } from '@kbinlog/innodb-memcache';
import type { DataSource } from 'typeorm';

/**
 * Runs innodb_memcached_config.sql's equivalent on a node's database, source and replicas alike:
 * MySQL replicas need the schema too, and DDL does not replicate yet. The demo row is seeded only
 * by the CREATE that created test.demo_test (see DEMO_TABLE's contract), so a restart never
 * resurrects a row that a client or replication deleted.
 */
export async function bootstrapInnodbMemcache(database: DataSource): Promise<{ demoTableCreated: boolean }> {
  // CREATE and SHOW WARNINGS must share a connection: warnings belong to the session.
  const runner = database.createQueryRunner();
  await runner.connect();
  try {
    for (const statement of INNODB_MEMCACHE_BOOTSTRAP.always) await runner.query(statement.sql);
    const { create, seed } = INNODB_MEMCACHE_BOOTSTRAP.demoTable;
    await runner.query(create.sql);
    const demoTableCreated = tableWasCreated((await runner.query('SHOW WARNINGS')) as WarningRow[]);
    if (demoTableCreated) await runner.query(seed.sql);
    return { demoTableCreated };
  } finally {
    await runner.release();
  }
}
