import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { dialectOf, queryRows } from './sql-dialect';

/**
 * kbinlog's own tables in a node's database, like MySQL's auto.cnf (server_uuid) and
 * mysql.slave_relay_log_info (the applier's position, written in the same transaction as the
 * rows it applied: invariant 5).
 */
export const KBINLOG_SCHEMA = 'kbinlog';

const MARIADB_STATEMENTS = [
  `CREATE DATABASE IF NOT EXISTS ${KBINLOG_SCHEMA} CHARACTER SET utf8mb4`,
  `CREATE TABLE IF NOT EXISTS ${KBINLOG_SCHEMA}.node_identity (
     id TINYINT UNSIGNED NOT NULL PRIMARY KEY,
     server_uuid CHAR(36) NOT NULL
   ) ENGINE=InnoDB`,
  `CREATE TABLE IF NOT EXISTS ${KBINLOG_SCHEMA}.applier_position (
     channel VARCHAR(64) NOT NULL,
     lane SMALLINT UNSIGNED NOT NULL DEFAULT 0,
     topic VARCHAR(255) NOT NULL,
     next_offset BIGINT UNSIGNED NOT NULL,
     executed_gtid_set LONGTEXT NOT NULL,
     last_commit_time_us BIGINT UNSIGNED NOT NULL,
     applied_at_us BIGINT UNSIGNED NOT NULL,
     PRIMARY KEY (channel, lane)
   ) ENGINE=InnoDB`,
  `CREATE TABLE IF NOT EXISTS ${KBINLOG_SCHEMA}.statement_in_flight (
     channel VARCHAR(64) NOT NULL PRIMARY KEY,
     gtid VARCHAR(100) NULL
   ) ENGINE=InnoDB`,
];

function sqlitePositionTable(name: string): string {
  return `CREATE TABLE IF NOT EXISTS ${name} (
     channel TEXT NOT NULL,
     lane INTEGER NOT NULL DEFAULT 0,
     topic TEXT NOT NULL,
     next_offset INTEGER NOT NULL,
     executed_gtid_set TEXT NOT NULL,
     last_commit_time_us INTEGER NOT NULL,
     applied_at_us INTEGER NOT NULL,
     PRIMARY KEY (channel, lane)
   )`;
}

const SQLITE_STATEMENTS = [
  `CREATE TABLE IF NOT EXISTS "${KBINLOG_SCHEMA}.node_identity" (
     id INTEGER NOT NULL PRIMARY KEY,
     server_uuid TEXT NOT NULL
   )`,
  sqlitePositionTable(`"${KBINLOG_SCHEMA}.applier_position"`),
  `CREATE TABLE IF NOT EXISTS "${KBINLOG_SCHEMA}.statement_in_flight" (
     channel TEXT NOT NULL PRIMARY KEY,
     gtid TEXT NULL
   )`,
];

export async function ensureNodeSchema(database: DataSource): Promise<void> {
  const sqlite = dialectOf(database).store === 'sqlite';
  for (const statement of sqlite ? SQLITE_STATEMENTS : MARIADB_STATEMENTS) await database.query(statement);
  await (sqlite ? addLanesSqlite(database) : addLanesMariadb(database));
}

/**
 * Before group commit the position was one row per channel; now it is one row per (channel,
 * lane) (see readAppliedPosition). An older table gets the column, its row becoming lane 0.
 */
async function addLanesMariadb(database: DataSource): Promise<void> {
  const found = await queryRows(
    database.manager,
    "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'applier_position' AND COLUMN_NAME = 'lane'",
    [KBINLOG_SCHEMA],
  );
  if (found.length > 0) return;
  await database.query(
    `ALTER TABLE ${KBINLOG_SCHEMA}.applier_position ADD COLUMN lane SMALLINT UNSIGNED NOT NULL DEFAULT 0 AFTER channel, DROP PRIMARY KEY, ADD PRIMARY KEY (channel, lane)`,
  );
}

/** SQLite cannot change a primary key in place: copy the rows into the new shape, in one transaction. */
async function addLanesSqlite(database: DataSource): Promise<void> {
  const table = `${KBINLOG_SCHEMA}.applier_position`;
  const found = await queryRows(database.manager, "SELECT name FROM pragma_table_info(?) WHERE name = 'lane'", [table]);
  if (found.length > 0) return;
  const staging = `"${table}.lanes"`;
  const columns = 'channel, topic, next_offset, executed_gtid_set, last_commit_time_us, applied_at_us';
  await database.transaction(async (manager) => {
    await manager.query(`DROP TABLE IF EXISTS ${staging}`);
    await manager.query(sqlitePositionTable(staging));
    await manager.query(`INSERT INTO ${staging} (${columns}, lane) SELECT ${columns}, 0 FROM "${table}"`);
    await manager.query(`DROP TABLE "${table}"`);
    await manager.query(`ALTER TABLE ${staging} RENAME TO "${table}"`);
  });
}

/** The node's server_uuid, created on first start and kept in its database (MySQL: auto.cnf). */
export async function nodeServerUuid(database: DataSource): Promise<string> {
  const dialect = dialectOf(database);
  const table = dialect.qualifiedTable(KBINLOG_SCHEMA, 'node_identity');
  await database.query(dialect.insertIgnore(table, ['id', 'server_uuid']), ['1', randomUUID()]);
  const [row] = await queryRows<{ server_uuid: string }>(database.manager, `SELECT server_uuid FROM ${table} WHERE id = 1`);
  return row.server_uuid;
}
