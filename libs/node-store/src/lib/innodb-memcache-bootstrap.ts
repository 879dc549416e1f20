import {
  CACHE_POLICIES_TABLE,
  CACHE_POLICY_VALUES,
  CONFIG_OPTIONS_TABLE,
  CONFIG_SCHEMA,
  CONTAINERS_TABLE,
  DEFAULT_CACHE_POLICIES,
  DEFAULT_CONFIG_OPTION_ROWS,
  DEMO_CONTAINER_ROW,
  DEMO_ROW,
  DEMO_TABLE,
  INNODB_MEMCACHE_BOOTSTRAP,
  tableWasCreated,
  type WarningRow,
} from '@kbinlog/innodb-memcache';
import type { DataSource } from 'typeorm';
import { dialectOf } from './sql-dialect';
import { sqliteTableName } from './sqlite-dialect';

/**
 * Runs innodb_memcached_config.sql's equivalent on a node's database, source and replicas alike:
 * MySQL replicas need the schema too, and DDL does not replicate yet. The demo row is seeded only
 * by the CREATE that created test.demo_test (see DEMO_TABLE's contract), so a restart never
 * resurrects a row that a client or replication deleted.
 */
export async function bootstrapInnodbMemcache(database: DataSource): Promise<{ demoTableCreated: boolean }> {
  return dialectOf(database).store === 'sqlite' ? bootstrapSqlite(database) : bootstrapMariadb(database);
}

async function bootstrapMariadb(database: DataSource): Promise<{ demoTableCreated: boolean }> {
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

/** The same tables in SQLite's words: ENUMs become CHECKed text; declared types keep MySQL's names. */
const policy = (column: string) => `"${column}" TEXT NOT NULL CHECK ("${column}" IN (${CACHE_POLICY_VALUES.map((value) => `'${value}'`).join(', ')}))`;
const config = (table: string) => `"${sqliteTableName(CONFIG_SCHEMA, table)}"`;
const SQLITE_CONFIG_TABLES = [
  `CREATE TABLE IF NOT EXISTS ${config(CACHE_POLICIES_TABLE)} (
     policy_name VARCHAR(40) NOT NULL PRIMARY KEY,
     ${policy('get_policy')}, ${policy('set_policy')}, ${policy('delete_policy')}, ${policy('flush_policy')}
   )`,
  `CREATE TABLE IF NOT EXISTS ${config(CONTAINERS_TABLE)} (
     name VARCHAR(50) NOT NULL PRIMARY KEY,
     db_schema VARCHAR(250) NOT NULL,
     db_table VARCHAR(250) NOT NULL,
     key_columns VARCHAR(250) NOT NULL,
     value_columns VARCHAR(250),
     flags VARCHAR(250) NOT NULL DEFAULT '0',
     cas_column VARCHAR(250),
     expire_time_column VARCHAR(250),
     unique_idx_name_on_key VARCHAR(250) NOT NULL
   )`,
  `CREATE TABLE IF NOT EXISTS ${config(CONFIG_OPTIONS_TABLE)} (
     name VARCHAR(50) NOT NULL PRIMARY KEY,
     value VARCHAR(50)
   )`,
];

async function bootstrapSqlite(database: DataSource): Promise<{ demoTableCreated: boolean }> {
  const dialect = dialectOf(database);
  return database.transaction(async (manager) => {
    const insertIgnore = async (table: string, row: Readonly<Record<string, string | number | null>>) => {
      const columns = Object.keys(row);
      await manager.query(dialect.insertIgnore(table, columns), columns.map((column) => (row[column] === null ? null : String(row[column]))));
    };
    for (const statement of SQLITE_CONFIG_TABLES) await manager.query(statement);
    await insertIgnore(config(CACHE_POLICIES_TABLE), {
      policy_name: DEFAULT_CACHE_POLICIES.name,
      get_policy: DEFAULT_CACHE_POLICIES.get,
      set_policy: DEFAULT_CACHE_POLICIES.set,
      delete_policy: DEFAULT_CACHE_POLICIES.delete,
      flush_policy: DEFAULT_CACHE_POLICIES.flush,
    });
    await insertIgnore(config(CONTAINERS_TABLE), { ...DEMO_CONTAINER_ROW });
    for (const row of DEFAULT_CONFIG_OPTION_ROWS) await insertIgnore(config(CONFIG_OPTIONS_TABLE), { name: row.name, value: row.value });
    // SQLite's DDL is transactional: the table and its demo row appear together or not at all.
    const demo = sqliteTableName(DEMO_TABLE.schema, DEMO_TABLE.table);
    const existing = (await manager.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [demo])) as unknown[];
    if (existing.length > 0) return { demoTableCreated: false };
    await manager.query(`CREATE TABLE "${demo}" (c1 VARCHAR(32) NOT NULL PRIMARY KEY, c2 VARCHAR(1024), c3 INT, c4 BIGINT UNSIGNED, c5 INT)`);
    await insertIgnore(`"${demo}"`, { ...DEMO_ROW });
    return { demoTableCreated: true };
  });
}
