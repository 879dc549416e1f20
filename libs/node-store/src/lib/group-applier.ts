import { type BinlogEvent, type BinlogGroup, parseGtid, type RowEvent } from '@kbinlog/binlog';
import type { DataSource } from 'typeorm';
import { aloneAt, type AppliedPosition, writeAppliedPosition } from './applier-position';
import { ApplyError, applyRowEvent, applyRowEvents, applyStatementEvent, type ReplicaExecMode } from './row-applier';
import { markStatementInFlight, readStatementInFlight } from './statement-in-flight';
import type { TableCatalog } from './table-catalog';

/**
 * The position after applying (or skipping) the group at `offset`; `executedGtids` when the
 * caller already holds the set with the group's GTID (a batch adds its GTIDs as it goes).
 */
export function positionAfter(position: AppliedPosition, offset: bigint, group: BinlogGroup, executedGtids = position.executedGtids.add(parseGtid(group.gtid))): AppliedPosition {
  return {
    topic: position.topic,
    nextOffset: offset + 1n,
    executedGtids,
    lastCommitTimeUs: group.commitTimeUs,
  };
}

/**
 * Replication filters (a replica's `--replicate-*` settings) as the applier sees them: the event
 * as this node applies it (e.g. its database rewritten), or null to skip it.
 */
export type EventFilter = (event: BinlogEvent) => BinlogEvent | null;

/**
 * Applies one binlog group atomically with the new position (invariant 5) and returns that
 * position. A group whose GTID was already executed is skipped, its position still recorded
 * (MySQL's GTID auto-skip): that is how a source re-reads its own log at start.
 *
 * Statement events (TRUNCATE, DDL) commit implicitly in MySQL, so they run before the
 * transaction that records the position; a crash in between re-runs them at restart, and the
 * re-run tolerates finding its work done (see DDL_EXIST_ERRORS).
 *
 * With a `filter`, only the events it passes are applied (still in one transaction); a group it
 * filters out entirely is still executed: the position and the executed GTID set advance, as
 * MySQL adds a filtered transaction's GTID to gtid_executed. Without one, every event applies.
 */
export async function applyGroup(
  database: DataSource,
  catalog: TableCatalog,
  position: AppliedPosition,
  offset: bigint,
  group: BinlogGroup,
  mode: ReplicaExecMode,
  filter?: EventFilter,
): Promise<AppliedPosition> {
  const next = positionAfter(position, offset, group);
  const alreadyExecuted = position.executedGtids.contains(parseGtid(group.gtid));
  const events = alreadyExecuted ? [] : filter ? passing(group.events, filter) : group.events;
  const statements = events.filter((event) => event.type === 'statement');
  if (statements.length > 0) {
    // A statement commits implicitly, before the position: mark it in flight, so that after a
    // crash in between its re-run may find its own work done (MySQL's ddl_exist_errors).
    const rerun = (await readStatementInFlight(database.manager)) === group.gtid;
    if (!rerun) await markStatementInFlight(database.manager, group.gtid);
    for (const event of statements) {
      try {
        await applyStatementEvent(database.manager, catalog, event);
      } catch (error) {
        if (rerun && error instanceof ApplyError && DDL_EXIST_ERRORS.has(error.errno)) continue;
        // It failed, so it did not run (MariaDB's DDL is atomic): a retry is a first run again.
        await markStatementInFlight(database.manager, null);
        throw error;
      }
    }
  }
  await database.transaction(async (manager) => {
    for (const event of events) {
      if (event.type !== 'statement') await applyRowEvent(manager, catalog, event, mode);
    }
    await writeAppliedPosition(manager, next, aloneAt(offset));
    if (statements.length > 0) await markStatementInFlight(manager, null);
  });
  return next;
}

/** A group fetched from the binlog at `offset`. */
export interface FetchedGroup {
  readonly offset: bigint;
  readonly group: BinlogGroup;
}

/** Whether a group may share a database transaction with others: statements commit implicitly, so not those. */
export function isRowGroup(group: BinlogGroup): boolean {
  return group.events.every((event) => event.type !== 'statement');
}

/**
 * Applies consecutive row groups (isRowGroup) in one database transaction, with the position
 * after the last, and returns that position. Each group is still applied whole or not at all
 * (invariant 5): the transaction holds whole groups, so a reader or a crash sees the log up to
 * one of them, never part of one. One position write and one commit serve the batch, and runs of
 * inserts become multi-row INSERTs. Skipping and filtering are applyGroup's. A failure rolls the
 * whole batch back and does not say which group failed: re-apply its groups one by one with
 * applyGroup for the exact error.
 */
export async function applyGroups(
  database: DataSource,
  catalog: TableCatalog,
  position: AppliedPosition,
  batch: readonly FetchedGroup[],
  mode: ReplicaExecMode,
  filter?: EventFilter,
): Promise<AppliedPosition> {
  if (batch.length === 0) return position;
  let executed = position.executedGtids;
  const events: RowEvent[] = [];
  for (const { group } of batch) {
    if (!isRowGroup(group)) throw new Error(`group ${group.gtid} holds a statement: it must be applied alone`);
    const gtid = parseGtid(group.gtid);
    if (!executed.contains(gtid)) {
      for (const event of filter ? passing(group.events, filter) : group.events) events.push(event as RowEvent);
    }
    executed = executed.add(gtid);
  }
  const last = batch[batch.length - 1];
  const next = positionAfter(position, last.offset, last.group, executed);
  await database.transaction(async (manager) => {
    await applyRowEvents(manager, catalog, events, mode);
    // One row for the batch, as for its last group alone: every group before that one is applied too.
    await writeAppliedPosition(manager, next, aloneAt(last.offset));
  });
  return next;
}

/**
 * Errors a statement re-run after a crash gets when its first run completed: MySQL's
 * `--replica-skip-errors=ddl_exist_errors` (database/table/column/key exists or is missing).
 */
export const DDL_EXIST_ERRORS: ReadonlySet<number> = new Set([1007, 1008, 1050, 1051, 1054, 1060, 1061, 1068, 1091, 1146]);

function passing(events: readonly BinlogEvent[], filter: EventFilter): BinlogEvent[] {
  return events.map((event) => filter(event)).filter((event): event is BinlogEvent => event !== null);
}
