import type { GroupPlace } from './binlog-events';
import type { BinlogGroup, ColumnValue, RowImage } from './binlog-group';

const quoteName = (name: string) => `\`${name.replace(/`/g, '``')}\``;

const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u0000': '\\0', '\u001a': '\\Z' };

/** A value as `mysqlbinlog -v` prints one: NULL, or a quoted string with its control characters escaped, one line each. */
function literal(value: ColumnValue): string {
  if (value === null) return 'NULL';
  let escaped = '';
  for (const char of value) escaped += ESCAPES[char] ?? char;
  return `'${escaped}'`;
}

function image(keyword: 'SET' | 'WHERE', row: RowImage): string[] {
  return [`### ${keyword}`, ...Object.entries(row).map(([column, value]) => `###   ${quoteName(column)}=${literal(value)}`)];
}

/** `#261203 17:04:05`: mysqlbinlog's event time, in UTC. */
function eventTime(commitTimeUs: number): string {
  const iso = new Date(Math.floor(commitTimeUs / 1000)).toISOString();
  return `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)} ${iso.slice(11, 19)}`;
}

/**
 * A group as `mysqlbinlog -v` prints a transaction: its position and header, the GTID, then
 * each row change decoded as `### INSERT INTO …` pseudo-SQL (with column names, which kbinlog's
 * row images carry, where mysqlbinlog has only @1, @2 …), or a statement as it runs.
 */
export function binlogGroupText(group: BinlogGroup, place: GroupPlace): string {
  const lines = [
    `# at ${place.offset}`,
    `#${eventTime(group.commitTimeUs)} server id ${group.serverId}  end_log_pos ${place.nextOffset}  GTID ${group.gtid}  commit_time_us=${group.commitTimeUs}`,
    `SET @@SESSION.GTID_NEXT= '${group.gtid}'/*!*/;`,
  ];
  const hasRows = group.events.some((event) => event.type !== 'statement');
  if (hasRows || group.events.length === 0) lines.push('BEGIN', '/*!*/;');
  for (const event of group.events) {
    const table = event.type === 'statement' ? '' : `${quoteName(event.schema)}.${quoteName(event.table)}`;
    switch (event.type) {
      case 'insert':
        lines.push(`### INSERT INTO ${table}`, ...image('SET', event.after));
        break;
      case 'update':
        lines.push(`### UPDATE ${table}`, ...image('WHERE', event.before), ...image('SET', event.after));
        break;
      case 'delete':
        lines.push(`### DELETE FROM ${table}`, ...image('WHERE', event.before));
        break;
      case 'statement':
        lines.push(`use ${quoteName(event.schema)}/*!*/;`, event.sql, '/*!*/;');
        break;
    }
  }
  if (hasRows || group.events.length === 0) lines.push('COMMIT/*!*/;');
  return `${lines.join('\n')}\n`;
}
