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

/**
 * A write's place in its batch (see readAppliedPosition): the offset of the batch's first group,
 * and the write's lane (its place in the batch, from 0).
 */
export interface BatchPlace {
  readonly firstOffset: bigint;
  readonly lane: number;
}

/** A write of one group, at `offset` (a replica's applier, a heartbeat, a statement): a batch of one, in lane 0. */
export function aloneAt(offset: bigint): BatchPlace {
  return { firstOffset: offset, lane: 0 };
}

/** One lane's row, as recovery reads it. */
export interface LaneRecord {
  readonly batchFirstOffset: bigint;
  /** The position after the row's own group, its executed set the set before its batch plus that group's GTID. */
  readonly position: AppliedPosition;
}

interface PositionRow {
  topic: string;
  batch_first_offset: string;
  next_offset: string;
  executed_gtid_set: string;
  last_commit_time_us: string;
}

/**
 * The position is kept in lanes: rows (channel, lane). A write of one group (a replica's applier,
 * a heartbeat, a statement) writes lane 0; the source's group commit gives the i-th transaction
 * of a batch lane i, so the batch's transactions, committed side by side on their own
 * connections, never wait for each other's row lock. Each row holds:
 * - `next_offset`: the position after its own group;
 * - `batch_first_offset`: the offset of its batch's first group. A write of one group is a batch
 *   of one, at its own offset: next_offset = batch_first_offset + 1. A position set by hand
 *   (CHANGE REPLICATION SOURCE TO) records no group: batch_first_offset = next_offset;
 * - `executed_gtid_set`: the executed set before its batch and its own group's GTID, not the
 *   other members' GTIDs: whether they committed is not its to say.
 *
 * A batch's transactions commit in any order, so a crash may leave any subset of a batch
 * committed. Every committed row states facts that hold whatever else committed:
 * - (a) every group below its batch_first_offset was applied. A batch starts only once every
 *   earlier write committed (the committer runs one batch at a time; a failed database commit
 *   after the log's stops it for good; a source catches up to the log end before its first
 *   write). An applier starts from a position below which every group was applied and applies
 *   or skips every group from there in log order, so each group it records has every group below
 *   it applied. A position set by hand holds it on the operator's word, as in MySQL.
 * - (b) its own group, at next_offset - 1 when batch_first_offset < next_offset, was applied:
 *   by the transaction that wrote the row.
 * - (c) every GTID of its executed_gtid_set was applied: the set before the batch by (a)'s
 *   reason, its own by (b).
 * - (d) every applied GTID is in some row's set: the transaction that applied it wrote it in its
 *   lane, and whoever writes that lane later writes a superset, since every writer's executed
 *   set holds every row's set (it starts from this recovery's union and only grows).
 *
 * The position read back:
 * - executedGtids: the union of every row's set, exactly the applied GTIDs by (c) and (d);
 * - nextOffset: the greatest batch_first_offset, carried on while some row's own group lies at
 *   it (to that row's next_offset): every group below it was applied, by (a), then (b) at each
 *   step;
 * - lastCommitTimeUs: that of the row with the greatest next_offset, the last group applied.
 *
 * Resuming there applies every group exactly once: nothing below nextOffset is missing, and each
 * group at or past it is read again and applied unless its GTID is executed (applyGroup's skip,
 * MySQL's GTID auto-skip), which by (c) and (d) is exactly when it was applied. A source takes
 * writes only once it caught up to the log end, when its executed set holds every GTID of the
 * log, so its next GTID (lastTransaction + 1) is a new one.
 *
 * Who resumes from it, at or below where the store truly stands: a replica's channel (its
 * fetcher reads from nextOffset, its applier drops only records below it and skips executed
 * GTIDs, and Exec_Source_Log_Pos shows it until the skipped groups pass), and a source at start
 * and at promotion, which catches up through that same channel to the log end before it writes
 * (and refuses a position outside the log: one whose first missing group the log no longer
 * holds cannot be brought up to date).
 *
 * Rows of older batches, still in lanes the newest batch did not reach, cannot be taken for the
 * newest: nothing here asks which batch a row belongs to, and each row only states facts that
 * still hold. An older batch's first group precedes the newest batch's in the log, so its
 * batch_first_offset is the smaller (offsets grow along the log, and a batch's first offset is
 * its own first group's); its own group was applied; its set is a subset of what was applied. It
 * can neither carry nextOffset past a group the store lacks nor add a GTID it did not apply.
 *
 * How close it is: with no crash the newest batch's rows carry nextOffset from its first offset
 * through its last group (one produce request gives a batch's groups consecutive offsets), to
 * the exact position after it. After a crash it stops at the newest batch's first group the store
 * lacks, with the later committed members' GTIDs in the executed set: the low-water mark a MySQL
 * replica with parallel appliers shows as Exec_Source_Log_Pos, beside gtid_executed.
 */
export async function readAppliedPosition(
  manager: EntityManager,
  topic: string,
  channel = DEFAULT_CHANNEL,
): Promise<AppliedPosition> {
  const table = dialectOf(manager).qualifiedTable(KBINLOG_SCHEMA, 'applier_position');
  const rows = await queryRows<PositionRow>(
    manager,
    `SELECT topic, batch_first_offset, next_offset, executed_gtid_set, last_commit_time_us FROM ${table} WHERE channel = ?`,
    [channel],
  );
  const other = rows.find((row) => row.topic !== topic);
  if (other) throw new Error(`this database applied ${other.topic}, not ${topic}: a node belongs to one cluster; use a fresh database`);
  return recoverPosition(
    topic,
    rows.map((row) => ({
      batchFirstOffset: BigInt(row.batch_first_offset),
      position: { topic, nextOffset: BigInt(row.next_offset), executedGtids: GtidSet.parse(row.executed_gtid_set), lastCommitTimeUs: Number(row.last_commit_time_us) },
    })),
  );
}

/** The position a channel's lane rows prove (see readAppliedPosition for the rule and why it holds). */
export function recoverPosition(topic: string, lanes: readonly LaneRecord[]): AppliedPosition {
  if (lanes.length === 0) return { topic, nextOffset: 0n, executedGtids: GtidSet.EMPTY, lastCommitTimeUs: 0 };
  // Rows that record a group, by the offset of that group: the position after it.
  const afterOwnGroup = new Map<bigint, bigint>();
  for (const { batchFirstOffset, position } of lanes) {
    if (batchFirstOffset < position.nextOffset) afterOwnGroup.set(position.nextOffset - 1n, position.nextOffset);
  }
  let nextOffset = lanes.reduce((greatest, lane) => (lane.batchFirstOffset > greatest ? lane.batchFirstOffset : greatest), 0n);
  for (let after = afterOwnGroup.get(nextOffset); after !== undefined; after = afterOwnGroup.get(nextOffset)) nextOffset = after;
  const last = lanes.reduce((newest, lane) => (lane.position.nextOffset > newest.position.nextOffset ? lane : newest));
  return {
    topic,
    nextOffset,
    executedGtids: lanes.reduce((union, lane) => union.union(lane.position.executedGtids), GtidSet.EMPTY),
    lastCommitTimeUs: last.position.lastCommitTimeUs,
  };
}

const POSITION_COLUMNS = ['channel', 'lane', 'topic', 'batch_first_offset', 'next_offset', 'executed_gtid_set', 'last_commit_time_us', 'applied_at_us'];

/** The statement that records `position` at `place` in the dialect's words, for a caller with its own connection. */
export function appliedPositionWrite(dialect: SqlDialect, position: AppliedPosition, place: BatchPlace, channel = DEFAULT_CHANNEL): { sql: string; values: string[] } {
  return {
    sql: dialect.upsert(dialect.qualifiedTable(KBINLOG_SCHEMA, 'applier_position'), POSITION_COLUMNS, ['channel', 'lane']),
    values: [
      channel,
      String(place.lane),
      position.topic,
      place.firstOffset.toString(),
      position.nextOffset.toString(),
      position.executedGtids.toString(),
      String(position.lastCommitTimeUs),
      String(Date.now() * 1000),
    ],
  };
}

/**
 * Writes the position after a write's own group at its `place` (see readAppliedPosition); call it
 * inside the transaction that applied the group.
 */
export async function writeAppliedPosition(manager: EntityManager, position: AppliedPosition, place: BatchPlace, channel = DEFAULT_CHANNEL): Promise<void> {
  const { sql, values } = appliedPositionWrite(dialectOf(manager), position, place, channel);
  await executeWrite(manager, sql, values);
}

/**
 * CHANGE REPLICATION SOURCE TO SOURCE_LOG_POS: `position` becomes the channel's whole position,
 * one row in lane 0 that records no group (batch_first_offset = next_offset); the other lanes
 * go, or an older batch's row could outweigh a position set backwards.
 */
export async function setAppliedPosition(manager: EntityManager, position: AppliedPosition, channel = DEFAULT_CHANNEL): Promise<void> {
  const dialect = dialectOf(manager);
  await executeWrite(manager, `DELETE FROM ${dialect.qualifiedTable(KBINLOG_SCHEMA, 'applier_position')} WHERE channel = ? AND lane <> 0`, [channel]);
  await writeAppliedPosition(manager, position, { firstOffset: position.nextOffset, lane: 0 }, channel);
}
