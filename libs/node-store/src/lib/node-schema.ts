import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';

/**
 * kbinlog's own tables in a node's database, like MySQL's auto.cnf (server_uuid) and
 * mysql.slave_relay_log_info (the applier's position, written in the same transaction as the
 * rows it applied: invariant 5).
 */
export const KBINLOG_SCHEMA = 'kbinlog';

const STATEMENTS = [
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
];

export async function ensureNodeSchema(database: DataSource): Promise<void> {
  for (const statement of STATEMENTS) await database.query(statement);
}

/** The node's server_uuid, created on first start and kept in its database (MySQL: auto.cnf). */
export async function nodeServerUuid(database: DataSource): Promise<string> {
  await database.query(`INSERT IGNORE INTO ${KBINLOG_SCHEMA}.node_identity (id, server_uuid) VALUES (1, ?)`, [randomUUID()]);
  const [row] = (await database.query(`SELECT server_uuid FROM ${KBINLOG_SCHEMA}.node_identity WHERE id = 1`)) as { server_uuid: string }[];
  return row.server_uuid;
}
