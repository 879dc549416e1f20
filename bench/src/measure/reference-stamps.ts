import type { Connection } from 'mysql2/promise';
import { connectSql, type SqlEndpoint } from '../clients/mariadb';
import { REFERENCE_SCHEMA, REFERENCE_TABLE } from '../env/mariadb-replication';
import { Samples } from './histogram';

const NOW_US = 'CAST(UNIX_TIMESTAMP(SYSDATE(6)) * 1000000 AS UNSIGNED)';

/**
 * A memcached set's row as autocommit SQL. With `stamped`, the row carries the source's clock as
 * the statement runs (SYSDATE(6), in the row image that replicates): where kbinlog stamps
 * commit_time_us, just before its commit.
 */
export function referenceSetSql(stamped: boolean): string {
  const stamp = stamped ? NOW_US : '0';
  return `INSERT INTO ${REFERENCE_TABLE} (c1, c2, c3, c4, c5, stamp_us) VALUES (?, ?, 0, ?, 0, ${stamp})
    ON DUPLICATE KEY UPDATE c2 = VALUES(c2), c3 = VALUES(c3), c4 = VALUES(c4), c5 = VALUES(c5), stamp_us = VALUES(stamp_us)`;
}

const PROBE_SCHEMA = 'bench_ref_probe';
const TRIGGERS = ['bench_ref_stamp_insert', 'bench_ref_stamp_update'];

/**
 * Stamps each row a MariaDB replica applies, as ApplyStamps does kbinlog's: AFTER INSERT/UPDATE
 * triggers on the replica's copy of the table (it runs them for row events:
 * slave_run_triggers_for_rbr) record the row's source stamp and the replica's SYSDATE(6), inside
 * the applying transaction, before its COMMIT. Created on the replica only, removed afterwards.
 */
export class ReferenceApplyStamps {
  private constructor(private readonly connection: Connection) {}

  static async install(replica: SqlEndpoint): Promise<ReferenceApplyStamps> {
    const connection = await connectSql(replica);
    const trigger = (event: 'INSERT' | 'UPDATE', name: string): string =>
      `CREATE OR REPLACE TRIGGER ${REFERENCE_SCHEMA}.${name} AFTER ${event} ON ${REFERENCE_TABLE} FOR EACH ROW
         INSERT INTO ${PROBE_SCHEMA}.stamps (source_us, replica_us) VALUES (NEW.stamp_us, ${NOW_US})`;
    try {
      await connection.query(`CREATE DATABASE IF NOT EXISTS ${PROBE_SCHEMA}`);
      await connection.query(
        `CREATE TABLE IF NOT EXISTS ${PROBE_SCHEMA}.stamps (id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, source_us BIGINT UNSIGNED NOT NULL, replica_us BIGINT UNSIGNED NOT NULL) ENGINE=InnoDB`,
      );
      await connection.query(`TRUNCATE TABLE ${PROBE_SCHEMA}.stamps`);
      await connection.query(trigger('INSERT', TRIGGERS[0]));
      await connection.query(trigger('UPDATE', TRIGGERS[1]));
    } catch (error) {
      await connection.end();
      throw error;
    }
    return new ReferenceApplyStamps(connection);
  }

  /** Replica stamp − source stamp of every stamped row applied since install, µs. */
  async delays(): Promise<Samples> {
    const [rows] = await this.connection.query(`SELECT source_us, replica_us FROM ${PROBE_SCHEMA}.stamps WHERE source_us > 0 ORDER BY id`);
    const samples = new Samples();
    for (const row of rows as { source_us: string; replica_us: string }[]) samples.add(Number(row.replica_us) - Number(row.source_us));
    return samples;
  }

  async remove(): Promise<void> {
    try {
      for (const trigger of TRIGGERS) await this.connection.query(`DROP TRIGGER IF EXISTS ${REFERENCE_SCHEMA}.${trigger}`);
      await this.connection.query(`DROP DATABASE IF EXISTS ${PROBE_SCHEMA}`);
    } finally {
      await this.connection.end();
    }
  }
}
