import type { Connection } from 'mysql2/promise';
import type { SqlEndpoint } from '../clients/mariadb';
import { REFERENCE_SCHEMA, REFERENCE_TABLE } from '../env/mariadb-replication';
import { Samples } from './histogram';
import { installStampProbe, NOW_US, removeStampProbe, type StampProbe } from './stamp-triggers';


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
const PROBE: StampProbe = {
  schema: PROBE_SCHEMA,
  table: 'stamps',
  tableDdl: `CREATE TABLE IF NOT EXISTS ${PROBE_SCHEMA}.stamps (id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, source_us BIGINT UNSIGNED NOT NULL, replica_us BIGINT UNSIGNED NOT NULL) ENGINE=InnoDB`,
  triggers: [`${REFERENCE_SCHEMA}.bench_ref_stamp_insert`, `${REFERENCE_SCHEMA}.bench_ref_stamp_update`],
  trigger: (event, name) =>
    `CREATE OR REPLACE TRIGGER ${name} AFTER ${event} ON ${REFERENCE_TABLE} FOR EACH ROW
       INSERT INTO ${PROBE_SCHEMA}.stamps (source_us, replica_us) VALUES (NEW.stamp_us, ${NOW_US})`,
};

/**
 * Stamps each row a MariaDB replica applies, as ApplyStamps does kbinlog's: AFTER INSERT/UPDATE
 * triggers on the replica's copy of the table (it runs them for row events:
 * slave_run_triggers_for_rbr) record the row's source stamp and the replica's SYSDATE(6), inside
 * the applying transaction, before its COMMIT. Created on the replica only, removed afterwards.
 */
export class ReferenceApplyStamps {
  private constructor(private readonly connection: Connection) {}

  static async install(replica: SqlEndpoint): Promise<ReferenceApplyStamps> {
    return new ReferenceApplyStamps(await installStampProbe(replica, PROBE));
  }

  /** Replica stamp − source stamp of every stamped row applied since install, µs. */
  async delays(): Promise<Samples> {
    const [rows] = await this.connection.query(`SELECT source_us, replica_us FROM ${PROBE_SCHEMA}.stamps WHERE source_us > 0 ORDER BY id`);
    const samples = new Samples();
    for (const row of rows as { source_us: string; replica_us: string }[]) samples.add(Number(row.replica_us) - Number(row.source_us));
    return samples;
  }

  async remove(): Promise<void> {
    await removeStampProbe(this.connection, PROBE);
  }
}
