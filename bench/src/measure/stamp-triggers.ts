import type { Connection } from 'mysql2/promise';
import { connectSql, type SqlEndpoint } from '../clients/mariadb';

/** The server's clock as a trigger or a statement reads it: SYSDATE(6) in µs since the epoch. */
export const NOW_US = 'CAST(UNIX_TIMESTAMP(SYSDATE(6)) * 1000000 AS UNSIGNED)';

/** Where a probe keeps its stamps, and the AFTER INSERT/UPDATE triggers that write them. */
export interface StampProbe {
  /** The bench's own schema for the stamps, dropped with them. */
  readonly schema: string;
  /** `CREATE TABLE IF NOT EXISTS <schema>.<table> (…)` of the stamps. */
  readonly tableDdl: string;
  readonly table: string;
  /** Qualified names of the two triggers (insert, update). */
  readonly triggers: readonly [string, string];
  /** The CREATE OR REPLACE TRIGGER statement for one event. */
  trigger(event: 'INSERT' | 'UPDATE', name: string): string;
}

/** Creates the probe's schema, an empty stamps table and its triggers; returns the connection that reads them. */
export async function installStampProbe(endpoint: SqlEndpoint, probe: StampProbe): Promise<Connection> {
  const connection = await connectSql(endpoint);
  try {
    await connection.query(`CREATE DATABASE IF NOT EXISTS ${probe.schema}`);
    await connection.query(probe.tableDdl);
    await connection.query(`TRUNCATE TABLE ${probe.schema}.${probe.table}`);
    await connection.query(probe.trigger('INSERT', probe.triggers[0]));
    await connection.query(probe.trigger('UPDATE', probe.triggers[1]));
  } catch (error) {
    await connection.end();
    throw error;
  }
  return connection;
}

/** Drops the triggers and the stamps, and closes the connection. */
export async function removeStampProbe(connection: Connection, probe: StampProbe): Promise<void> {
  try {
    for (const trigger of probe.triggers) await connection.query(`DROP TRIGGER IF EXISTS ${trigger}`);
    await connection.query(`DROP DATABASE IF EXISTS ${probe.schema}`);
  } finally {
    await connection.end();
  }
}
