import { type SqlTextOptions, systemVariableRefs } from '@kbinlog/sql-statement';

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
export function withNodeVariables(sql: string, variables: NodeVariables, options: SqlTextOptions): string {
  const refs = systemVariableRefs(sql, options).filter((ref) => variables.has(ref.name));
  let text = sql;
  for (const ref of refs.reverse()) {
    const value = literal(variables.get(ref.name) as string | number);
    const written = sql.slice(ref.start, ref.end);
    text = text.slice(0, ref.start) + (ref.item ? `${value} AS \`${written.replace(/`/g, '``')}\`` : value) + text.slice(ref.end);
  }
  return text;
}
