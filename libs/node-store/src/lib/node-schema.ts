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
     batch_first_offset BIGINT UNSIGNED NOT NULL,
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
     batch_first_offset INTEGER NOT NULL,
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
  if (sqlite) await migratePositionSqlite(database);
  else {
    await addLanesMariadb(database);
    await addBatchFirstOffsetMariadb(database);
  }
}

/*
 * Older shapes of applier_position, migrated at start:
 * - before group commit, one row per channel: the row becomes lane 0;
 * - before parallel commits, no batch_first_offset: each row becomes a batch of one at its own
 *   group (batch_first_offset = next_offset - 1). Those rows were written under the rule that a
 *   batch commits in log order, so the committed part of a batch was a prefix and the lane with
 *   the greatest next_offset, L, was the position: every group below L's next_offset was
 *   applied, and so for each row every group below its own next_offset (at most L's). As a batch
 *   of one, each row states just that (see readAppliedPosition), and its executed set (the chain
 *   through its place in a committed prefix) was applied; so the position read afterwards is
 *   L's next_offset, as before, and the executed set the union, which is L's set.
 * A position of 0 (set by hand) has no group below it: it records none (batch_first_offset 0).
 */

/** An older table gets the lane column, its row becoming lane 0. */
async function addLanesMariadb(database: DataSource): Promise<void> {
  if (await mariadbColumn(database, 'lane')) return;
  await database.query(
    `ALTER TABLE ${KBINLOG_SCHEMA}.applier_position ADD COLUMN lane SMALLINT UNSIGNED NOT NULL DEFAULT 0 AFTER channel, DROP PRIMARY KEY, ADD PRIMARY KEY (channel, lane)`,
  );
}

/**
 * Three steps, each safe to repeat: the column comes nullable, the rows get their value, then
 * NOT NULL; a crash between two steps resumes at the next start.
 */
async function addBatchFirstOffsetMariadb(database: DataSource): Promise<void> {
  const column = await mariadbColumn(database, 'batch_first_offset');
  if (column?.IS_NULLABLE === 'NO') return;
  const table = `${KBINLOG_SCHEMA}.applier_position`;
  if (!column) await database.query(`ALTER TABLE ${table} ADD COLUMN batch_first_offset BIGINT UNSIGNED NULL AFTER topic`);
  await database.query(`UPDATE ${table} SET batch_first_offset = GREATEST(next_offset, 1) - 1 WHERE batch_first_offset IS NULL`);
  await database.query(`ALTER TABLE ${table} MODIFY batch_first_offset BIGINT UNSIGNED NOT NULL`);
}

async function mariadbColumn(database: DataSource, name: string): Promise<{ IS_NULLABLE: string } | undefined> {
  const [column] = await queryRows<{ IS_NULLABLE: string }>(
    database.manager,
    "SELECT IS_NULLABLE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'applier_position' AND COLUMN_NAME = ?",
    [KBINLOG_SCHEMA, name],
  );
  return column;
}

/** SQLite cannot change a primary key in place: copy the rows into the new shape, in one transaction. */
async function migratePositionSqlite(database: DataSource): Promise<void> {
  const table = `${KBINLOG_SCHEMA}.applier_position`;
  const found = await queryRows<{ name: string }>(database.manager, 'SELECT name FROM pragma_table_info(?)', [table]);
  const present = new Set(found.map(({ name }) => name));
  if (present.has('lane') && present.has('batch_first_offset')) return;
  const staging = `"${table}.migrating"`;
  const columns = 'channel, topic, next_offset, executed_gtid_set, last_commit_time_us, applied_at_us';
  const lane = present.has('lane') ? 'lane' : '0';
  await database.transaction(async (manager) => {
    await manager.query(`DROP TABLE IF EXISTS ${staging}`);
    await manager.query(sqlitePositionTable(staging));
    await manager.query(`INSERT INTO ${staging} (${columns}, lane, batch_first_offset) SELECT ${columns}, ${lane}, MAX(next_offset, 1) - 1 FROM "${table}"`);
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
