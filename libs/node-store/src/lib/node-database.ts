import { DataSource } from 'typeorm';

/**
 * A node's own MySQL-compatible database (every node owns one; design.md). Values come back in
 * MySQL's text form (strings, null) — the form row images carry — so what a node reads, logs and
 * applies is byte-for-byte what `SELECT` prints.
 */
export async function openNodeDatabase(url: string, poolSize = 10): Promise<DataSource> {
  const parsed = new URL(url);
  if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'mariadb:') {
    throw new Error(`database URL must be mysql://user:password@host:port/, got ${parsed.protocol}//…`);
  }
  const database = new DataSource({
    type: 'mariadb',
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 3306,
    username: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    // No default schema: every statement names its schema, as binlog events do.
    poolSize,
    charset: 'utf8mb4',
    dateStrings: true,
    extra: {
      // Every column as MySQL's text form; NULL stays null.
      typeCast: (field: { string(): string | null }) => field.string(),
    },
  });
  return database.initialize();
}

/** Backtick-quotes an identifier; callers pass names already checked against a safe alphabet. */
export function quoteIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

export function qualifiedTable(schema: string, table: string): string {
  return `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`;
}
