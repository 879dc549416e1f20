import type { Connection } from 'mysql2/promise';
import type { SqlEndpoint } from '../clients/mariadb';
import { sleep } from './clock';
import { installStampProbe, NOW_US, removeStampProbe, type StampProbe } from './stamp-triggers';

/** A replica's applied position as one of its transactions wrote it, and when. */
export interface AppliedStamp {
  /** next_offset: every group below it is applied. */
  readonly nextOffset: bigint;
  /** The server's clock (SYSDATE(6)) as the applier wrote the position, µs since the epoch. */
  readonly atUs: number;
}

const PROBE_SCHEMA = 'kbinlog_bench_probe';
const PROBE: StampProbe = {
  schema: PROBE_SCHEMA,
  table: 'apply_stamps',
  tableDdl: `CREATE TABLE IF NOT EXISTS ${PROBE_SCHEMA}.apply_stamps (id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, next_offset BIGINT UNSIGNED NOT NULL, at_us BIGINT UNSIGNED NOT NULL) ENGINE=InnoDB`,
  triggers: ['kbinlog.kbinlog_bench_stamp_insert', 'kbinlog.kbinlog_bench_stamp_update'],
  trigger: (event, name) =>
    `CREATE OR REPLACE TRIGGER ${name} AFTER ${event} ON kbinlog.applier_position FOR EACH ROW
       INSERT INTO ${PROBE_SCHEMA}.apply_stamps (next_offset, at_us) VALUES (NEW.next_offset, ${NOW_US})`,
};

/**
 * Stamps, in microseconds, every position write of a replica's applier. A replica writes its
 * position row (`kbinlog.applier_position`) as the last statement of each group's transaction;
 * AFTER INSERT/UPDATE triggers on that row copy the new position with SYSDATE(6) (the time the
 * statement runs, read from the same host clock the source stamps commit_time_us with) into a
 * table of the bench's own. The stamp therefore lands inside the group's transaction, right
 * before its COMMIT, and becomes visible with it.
 *
 * Instrumentation, not product: the product keeps no per-group apply time (applied_at_us is in
 * ms and overwritten by each group), so the bench adds one row insert to each applied
 * transaction while it measures, and removes the triggers afterwards.
 */
export class ApplyStamps {
  private constructor(private readonly connection: Connection) {}

  static async install(endpoint: SqlEndpoint): Promise<ApplyStamps> {
    return new ApplyStamps(await installStampProbe(endpoint, PROBE));
  }

  /** The furthest position stamped so far. */
  async nextOffset(): Promise<bigint> {
    const [rows] = await this.connection.query(`SELECT MAX(next_offset) AS next_offset FROM ${PROBE_SCHEMA}.apply_stamps`);
    const value = (rows as { next_offset: string | null }[])[0]?.next_offset;
    return value === null || value === undefined ? -1n : BigInt(value);
  }

  async waitFor(nextOffset: bigint, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.nextOffset()) < nextOffset) {
      if (Date.now() > deadline) return false;
      await sleep(100);
    }
    return true;
  }

  /** Every stamp, in the order the applier wrote them. */
  async read(): Promise<AppliedStamp[]> {
    const [rows] = await this.connection.query(`SELECT next_offset, at_us FROM ${PROBE_SCHEMA}.apply_stamps ORDER BY id`);
    return (rows as { next_offset: string; at_us: string }[]).map((row) => ({ nextOffset: BigInt(row.next_offset), atUs: Number(row.at_us) }));
  }

  /** Drops the triggers and the stamps. */
  async remove(): Promise<void> {
    await removeStampProbe(this.connection, PROBE);
  }
}
