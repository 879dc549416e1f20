import { type BinlogGroup, parseGtid } from '@kbinlog/binlog';
import type { DataSource } from 'typeorm';
import { type AppliedPosition, writeAppliedPosition } from './applier-position';
import { applyRowEvent, applyStatementEvent, type ReplicaExecMode } from './row-applier';
import type { TableCatalog } from './table-catalog';

/** The position after applying (or skipping) the group at `offset`. */
export function positionAfter(position: AppliedPosition, offset: bigint, group: BinlogGroup): AppliedPosition {
  return {
    topic: position.topic,
    nextOffset: offset + 1n,
    executedGtids: position.executedGtids.add(parseGtid(group.gtid)),
    lastCommitTimeUs: group.commitTimeUs,
  };
}

/**
 * Applies one binlog group atomically with the new position (invariant 5) and returns that
 * position. A group whose GTID was already executed is skipped, its position still recorded
 * (MySQL's GTID auto-skip): that is how a source re-reads its own log at start.
 *
 * Statement events (TRUNCATE, DDL) commit implicitly in MySQL, so they run before the
 * transaction that records the position; a crash in between re-runs them at restart, which is
 * why only statements that are safe to repeat travel alone in a group.
 */
export async function applyGroup(
  database: DataSource,
  catalog: TableCatalog,
  position: AppliedPosition,
  offset: bigint,
  group: BinlogGroup,
  mode: ReplicaExecMode,
): Promise<AppliedPosition> {
  const next = positionAfter(position, offset, group);
  const alreadyExecuted = position.executedGtids.contains(parseGtid(group.gtid));
  if (!alreadyExecuted) {
    for (const event of group.events) {
      if (event.type === 'statement') await applyStatementEvent(database.manager, catalog, event);
    }
  }
  await database.transaction(async (manager) => {
    if (!alreadyExecuted) {
      for (const event of group.events) {
        if (event.type !== 'statement') await applyRowEvent(manager, catalog, event, mode);
      }
    }
    await writeAppliedPosition(manager, next);
  });
  return next;
}
