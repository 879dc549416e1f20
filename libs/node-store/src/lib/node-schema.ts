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
     channel VARCHAR(64) NOT NULL PRIMARY KEY,
     topic VARCHAR(255) NOT NULL,
     next_offset BIGINT UNSIGNED NOT NULL,
     executed_gtid_set LONGTEXT NOT NULL,
     last_commit_time_us BIGINT UNSIGNED NOT NULL,
     applied_at_us BIGINT UNSIGNED NOT NULL
   ) ENGINE=InnoDB`,
  `CREATE TABLE IF NOT EXISTS ${KBINLOG_SCHEMA}.statement_in_flight (
     channel VARCHAR(64) NOT NULL PRIMARY KEY,
     gtid VARCHAR(100) NULL
   ) ENGINE=InnoDB`,
];

const SQLITE_STATEMENTS = [
  `CREATE TABLE IF NOT EXISTS "${KBINLOG_SCHEMA}.node_identity" (
     id INTEGER NOT NULL PRIMARY KEY,
     server_uuid TEXT NOT NULL
   )`,
  `CREATE TABLE IF NOT EXISTS "${KBINLOG_SCHEMA}.applier_position" (
     channel TEXT NOT NULL PRIMARY KEY,
     topic TEXT NOT NULL,
     next_offset INTEGER NOT NULL,
     executed_gtid_set TEXT NOT NULL,
     last_commit_time_us INTEGER NOT NULL,
     applied_at_us INTEGER NOT NULL
   )`,
  `CREATE TABLE IF NOT EXISTS "${KBINLOG_SCHEMA}.statement_in_flight" (
     channel TEXT NOT NULL PRIMARY KEY,
     gtid TEXT NULL
   )`,
];

export async function ensureNodeSchema(database: DataSource): Promise<void> {
  const statements = dialectOf(database).store === 'sqlite' ? SQLITE_STATEMENTS : MARIADB_STATEMENTS;
  for (const statement of statements) await database.query(statement);
}

/** The node's server_uuid, created on first start and kept in its database (MySQL: auto.cnf). */
export async function nodeServerUuid(database: DataSource): Promise<string> {
  const dialect = dialectOf(database);
  const table = dialect.qualifiedTable(KBINLOG_SCHEMA, 'node_identity');
  await database.query(dialect.insertIgnore(table, ['id', 'server_uuid']), ['1', randomUUID()]);
  const [row] = await queryRows<{ server_uuid: string }>(database.manager, `SELECT server_uuid FROM ${table} WHERE id = 1`);
  return row.server_uuid;
}
