import { GtidSet } from '@kbinlog/binlog';
import type { EntityManager } from 'typeorm';
import { KBINLOG_SCHEMA } from './node-schema';
import { dialectOf, executeWrite, queryRows, type SqlDialect } from './sql-dialect';

export const DEFAULT_CHANNEL = 'default';

/**
 * Where a node's applier stands in the binlog. `nextOffset` is the Kafka fetch position after the
 * last applied group (MySQL's Exec_Source_Log_Pos is likewise the position after the last
 * executed event); it is a fetch position, not a count — the offset after a group may be a
 * transaction marker, which a read_committed fetch from there simply passes over.
 */
export interface AppliedPosition {
  readonly topic: string;
  readonly nextOffset: bigint;
  readonly executedGtids: GtidSet;
  /** commit_time_us of the last applied group, 0 if none. */
  readonly lastCommitTimeUs: number;
}

interface PositionRow {
  topic: string;
  next_offset: string;
  executed_gtid_set: string;
  last_commit_time_us: string;
}

/**
 * The position is kept in lanes: rows (channel, lane). A replica's applier writes lane 0. The
 * source's group commit gives the i-th transaction of a batch lane i, so the batch's
 * transactions, committed on their own connections, never wait for each other's row lock; each
 * lane holds the position after its own group (its offset, the executed set through its GTID).
 *
 * The position is the lane with the greatest next_offset. This holds after a crash because the
 * batch's database transactions commit one after another in log order, each only after the
 * previous one committed: whatever committed is a prefix of the batch, and the max-offset lane is
 * that prefix's last group. Lanes further on hold older positions (smaller offsets) from earlier
 * batches. Catch-up then re-applies from the log exactly what the log holds past the prefix and
 * the store lacks, and nothing twice (invariant 2's recovery). Without the order a crash could
 * leave a later lane committed and an earlier one not, and the earlier group would be skipped.
 */
export async function readAppliedPosition(
  manager: EntityManager,
  topic: string,
  channel = DEFAULT_CHANNEL,
): Promise<AppliedPosition> {
  const table = dialectOf(manager).qualifiedTable(KBINLOG_SCHEMA, 'applier_position');
  const rows = await queryRows<PositionRow>(manager, `SELECT topic, next_offset, executed_gtid_set, last_commit_time_us FROM ${table} WHERE channel = ? ORDER BY next_offset DESC LIMIT 1`,
    [channel],
  );
  const row = rows[0];
  if (!row) return { topic, nextOffset: 0n, executedGtids: GtidSet.EMPTY, lastCommitTimeUs: 0 };
  if (row.topic !== topic) {
    throw new Error(`this database applied ${row.topic}, not ${topic}: a node belongs to one cluster; use a fresh database`);
  }
  return {
    topic,
    nextOffset: BigInt(row.next_offset),
    executedGtids: GtidSet.parse(row.executed_gtid_set),
    lastCommitTimeUs: Number(row.last_commit_time_us),
  };
}

/** The statement that records `position` in `lane` in the dialect's words, for a caller with its own connection. */
export function appliedPositionWrite(dialect: SqlDialect, position: AppliedPosition, lane = 0, channel = DEFAULT_CHANNEL): { sql: string; values: string[] } {
  return {
    sql: dialect.upsert(
      dialect.qualifiedTable(KBINLOG_SCHEMA, 'applier_position'),
      ['channel', 'lane', 'topic', 'next_offset', 'executed_gtid_set', 'last_commit_time_us', 'applied_at_us'],
      ['channel', 'lane'],
    ),
    values: [
      channel,
      String(lane),
      position.topic,
      position.nextOffset.toString(),
      position.executedGtids.toString(),
      String(position.lastCommitTimeUs),
      String(Date.now() * 1000),
    ],
  };
}

/** Writes the position in `lane` (see readAppliedPosition); call it inside the transaction that applied the group. */
export async function writeAppliedPosition(manager: EntityManager, position: AppliedPosition, lane = 0, channel = DEFAULT_CHANNEL): Promise<void> {
  const { sql, values } = appliedPositionWrite(dialectOf(manager), position, lane, channel);
  await executeWrite(manager, sql, values);
}
