import type { BinlogEvent, BinlogGroup, RowEvent } from './binlog-group';
import { parseGtid } from './gtid';

/**
 * One row of MySQL 8.0's SHOW BINLOG EVENTS, for one event of a binlog group. A Kafka record is
 * not split into bytes, so every event of a group carries the group's offset as `Pos` and the
 * fetch position after it as `End_log_pos` (docs/binlog-format.md, "As MySQL's events").
 */
export interface BinlogEventRow {
  readonly Log_name: string;
  readonly Pos: bigint;
  readonly Event_type: 'Gtid' | 'Query' | 'Table_map' | 'Write_rows' | 'Update_rows' | 'Delete_rows' | 'Xid';
  readonly Server_id: number;
  readonly End_log_pos: bigint;
  readonly Info: string;
}

/** Where a group is in the log: its topic-partition, its offset, and the position after it. */
export interface GroupPlace {
  readonly logName: string;
  readonly offset: bigint;
  readonly nextOffset: bigint;
}

const ROWS_EVENT = { insert: 'Write_rows', update: 'Update_rows', delete: 'Delete_rows' } as const;

const quoteName = (name: string) => `\`${name.replace(/`/g, '``')}\``;

/** Consecutive row events of one kind on one table: what MySQL writes as one Table_map and one rows event. */
function rowRuns(events: readonly RowEvent[]): RowEvent[][] {
  const runs: RowEvent[][] = [];
  for (const event of events) {
    const last = runs[runs.length - 1]?.[0];
    if (last && last.type === event.type && last.schema === event.schema && last.table === event.table) runs[runs.length - 1].push(event);
    else runs.push([event]);
  }
  return runs;
}

/**
 * The group as MySQL prints a transaction in SHOW BINLOG EVENTS: `Gtid`, then for row changes
 * `Query BEGIN`, a `Table_map` and a `Write_rows` / `Update_rows` / `Delete_rows` per run of
 * changes to one table, and `Xid COMMIT`; a statement (DDL, flush_all's TRUNCATE) is a `Query`
 * with its default database, as MySQL logs DDL. Table ids number the group's tables from 1 (a
 * kbinlog group has no server-wide table ids); the Xid is the GTID's transaction number.
 */
export function binlogEventRows(group: BinlogGroup, place: GroupPlace): BinlogEventRow[] {
  const row = (Event_type: BinlogEventRow['Event_type'], Info: string): BinlogEventRow => ({
    Log_name: place.logName,
    Pos: place.offset,
    Event_type,
    Server_id: group.serverId,
    End_log_pos: place.nextOffset,
    Info,
  });
  const rows = [row('Gtid', `SET @@SESSION.GTID_NEXT= '${group.gtid}'`)];
  const hasRows = group.events.some((event) => event.type !== 'statement');
  // A group of statements only is DDL, which MySQL logs without BEGIN / COMMIT; an empty one (a heartbeat) is an empty transaction.
  const transactional = hasRows || group.events.length === 0;
  if (transactional) rows.push(row('Query', 'BEGIN'));
  const tableIds = new Map<string, number>();
  const tableId = (event: RowEvent) => {
    const key = `${event.schema}.${event.table}`;
    if (!tableIds.has(key)) tableIds.set(key, tableIds.size + 1);
    return tableIds.get(key) as number;
  };
  for (const part of segments(group.events)) {
    if (!Array.isArray(part)) {
      const statement = part as Extract<BinlogEvent, { type: 'statement' }>;
      rows.push(row('Query', `use ${quoteName(statement.schema)}; ${statement.sql}`));
      continue;
    }
    for (const run of rowRuns(part)) {
      const first = run[0];
      const id = tableId(first);
      rows.push(row('Table_map', `table_id: ${id} (${first.schema}.${first.table})`));
      rows.push(row(ROWS_EVENT[first.type], `table_id: ${id} flags: STMT_END_F`));
    }
  }
  if (hasRows) rows.push(row('Xid', `COMMIT /* xid=${parseGtid(group.gtid).transaction} */`));
  else if (transactional) rows.push(row('Query', 'COMMIT'));
  return rows;
}

/** The events in order, consecutive row events grouped together. */
function segments(events: readonly BinlogEvent[]): (RowEvent[] | BinlogEvent)[] {
  const parts: (RowEvent[] | BinlogEvent)[] = [];
  for (const event of events) {
    if (event.type === 'statement') {
      parts.push(event);
      continue;
    }
    const last = parts[parts.length - 1];
    if (Array.isArray(last)) last.push(event);
    else parts.push([event]);
  }
  return parts;
}
