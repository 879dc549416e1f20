import { type SqlTextOptions, systemVariableRefs } from '@kbinlog/sql-statement';
import type { StatementResult } from './backend-connection';

/** System variables the node answers itself (its server_id, server_uuid, executed GTID set…), by lower-case name. */
export type NodeVariables = ReadonlyMap<string, string | number>;

function literal(value: string | number): string {
  // Doubling quotes is the one escape both sql_modes read alike; the values carry no backslash.
  return typeof value === 'number' ? String(value) : `'${value.replace(/'/g, "''")}'`;
}

/**
 * The statement with the node's own system variables as literals, so the database answers
 * kbinlog's values (a replica's server_id is kbinlog's, not its MariaDB's, and MariaDB has no
 * server_uuid or gtid_executed). A variable that is a whole select item keeps the column name
 * it would have had (`SELECT @@server_id` → a column named `@@server_id`), as tools read it.
 */
export function withNodeVariables(sql: string, variablesOf: () => NodeVariables, options: SqlTextOptions): string {
  // Most SELECTs name no system variable: no tokenizing, no variable map for them.
  if (!sql.includes('@@')) return sql;
  const found = systemVariableRefs(sql, options);
  if (found.length === 0) return sql;
  const variables = variablesOf();
  const refs = found.filter((ref) => variables.has(ref.name));
  let text = sql;
  for (const ref of refs.reverse()) {
    const value = literal(variables.get(ref.name) as string | number);
    const written = sql.slice(ref.start, ref.end);
    text = text.slice(0, ref.start) + (ref.item ? `${value} AS \`${written.replace(/`/g, '``')}\`` : value) + text.slice(ref.end);
  }
  return text;
}

/** `SHOW [GLOBAL | SESSION] VARIABLES | STATUS [LIKE 'pattern' | WHERE …]`, as tools send it. */
const SHOW_VARIABLES = /^\s*SHOW\s+(?:(?:GLOBAL|SESSION|LOCAL)\s+)?(VARIABLES|STATUS)\b\s*(?:(LIKE)\s+'((?:[^'\\]|\\.|'')*)'|(WHERE)\b)?/i;

export interface ShowVariables {
  readonly kind: 'variables' | 'status';
  /** Which names the statement asks for: all, those LIKE a pattern, or a WHERE only the database can judge. */
  readonly filter: { readonly like: RegExp } | 'all' | 'where';
}

/** What a SHOW … VARIABLES / STATUS statement asks for; undefined for any other statement. */
export function showVariablesOf(sql: string): ShowVariables | undefined {
  const match = SHOW_VARIABLES.exec(sql);
  if (!match) return undefined;
  const kind = match[1].toUpperCase() === 'VARIABLES' ? 'variables' : 'status';
  if (match[4]) return { kind, filter: 'where' };
  if (!match[2]) return { kind, filter: 'all' };
  return { kind, filter: { like: likePattern(match[3].replace(/''/g, "'")) } };
}

/** SQL LIKE as a case-insensitive regular expression: `%`, `_`, and `\` escaping either. */
function likePattern(pattern: string): RegExp {
  let source = '';
  for (let k = 0; k < pattern.length; k++) {
    const char = pattern[k];
    if (char === '\\' && k + 1 < pattern.length) source += escapeRegExp(pattern[++k]);
    else if (char === '%') source += '.*';
    else if (char === '_') source += '.';
    else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`, 'is');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The database's SHOW VARIABLES / STATUS rows with the node's own values: rows it has get
 * kbinlog's value, and rows it lacks (gtid_executed, server_uuid on MariaDB) join in name order
 * when the statement asks for them by name or pattern. A WHERE is the database's to judge: its
 * rows keep their place and get kbinlog's values, and none are added.
 */
export function withNodeVariableRows(result: StatementResult, show: ShowVariables, values: NodeVariables): StatementResult {
  if (result.kind !== 'rows' || result.columns.length !== 2 || result.columns[0].name.toLowerCase() !== 'variable_name') return result;
  const byName = new Map([...values].map(([name, value]) => [name.toLowerCase(), { name, value: String(value) }]));
  const rows = result.rows.map((row) => {
    const own = byName.get(String(row[0]).toLowerCase());
    if (!own) return row;
    byName.delete(own.name.toLowerCase());
    return [row[0], own.value];
  });
  if (show.filter === 'where') return { ...result, rows };
  const { filter } = show;
  const missing = [...byName.values()].filter(({ name }) => filter === 'all' || filter.like.test(name));
  if (missing.length === 0) return { ...result, rows };
  const key = (row: readonly unknown[]) => String(row[0]).toLowerCase();
  const merged = [...rows, ...missing.map(({ name, value }) => [name, value])];
  return { ...result, rows: merged.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)) };
}
