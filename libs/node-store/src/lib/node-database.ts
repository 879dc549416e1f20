import type BetterSqlite3 from 'better-sqlite3';
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { MARIADB_DIALECT } from './mariadb-dialect';
import type { SqlDialect, StoreKind } from './sql-dialect';
import { SQLITE_DIALECT } from './sqlite-dialect';

/**
 * A node's own database (every node owns one; design.md): MariaDB/MySQL, or a SQLite file.
 * Values come back in MySQL's text form (strings, null), the form row images carry, so what a
 * node reads, logs and applies is byte-for-byte what `SELECT` prints.
 */
export interface NodeDatabase {
  readonly store: StoreKind;
  readonly dialect: SqlDialect;
  /** The URL with its password hidden, for logs and status. */
  readonly location: string;
  /** Transactions and every write. */
  readonly writer: DataSource;
  /**
   * Reads that must see committed data only. MariaDB's pool gives each query its own session;
   * SQLite's writer is one connection, where a read would see an open transaction's rows, so
   * reads go through a second connection (WAL lets it read while the writer writes).
   */
  readonly reader: DataSource;
  close(): Promise<void>;
}

/** The dialect travels with the data source so code holding a manager can find it. */
function withDialect(source: DataSource, dialect: SqlDialect): DataSource {
  Object.defineProperty(source, 'kbinlogDialect', { value: dialect, enumerable: false });
  return source;
}

/** A URL with its password replaced, safe to log. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/** The file a `sqlite:` URL names: `sqlite:///absolute/path.db` or `sqlite:relative/path.db`. */
export function sqliteFileOf(url: URL): string {
  const path = decodeURIComponent(url.host ? `${url.host}${url.pathname}` : url.pathname);
  if (!path || path === '/') throw new Error('sqlite URL needs a file: sqlite:///path/to/node.db');
  return resolve(path);
}

async function openMariadb(url: URL, poolSize: number): Promise<NodeDatabase> {
  const source = new DataSource({
    type: 'mariadb',
    host: url.hostname,
    port: url.port ? Number(url.port) : 3306,
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    // No default schema: every statement names its schema, as binlog events do.
    poolSize,
    charset: 'utf8mb4',
    dateStrings: true,
    extra: {
      // Every column as MySQL's text form; NULL stays null.
      typeCast: (field: { string(): string | null }) => field.string(),
    },
  });
  const writer = withDialect(await source.initialize(), MARIADB_DIALECT);
  return { store: 'mariadb', dialect: MARIADB_DIALECT, location: redactUrl(url.toString()), writer, reader: writer, close: () => writer.destroy() };
}

async function openSqlite(url: URL): Promise<NodeDatabase> {
  const file = sqliteFileOf(url);
  const prepare = (connection: BetterSqlite3.Database) => {
    // Integers as bigint: unsigned 64-bit values (cas) must not round through a double.
    connection.defaultSafeIntegers(true);
    // A commit acknowledged to a client survives power loss, as with InnoDB's default flush.
    connection.pragma('synchronous = FULL');
  };
  const writer = withDialect(
    await new DataSource({ type: 'better-sqlite3', database: file, enableWAL: true, timeout: 10_000, prepareDatabase: prepare }).initialize(),
    SQLITE_DIALECT,
  );
  const reader = withDialect(
    await new DataSource({ type: 'better-sqlite3', database: file, fileMustExist: true, timeout: 10_000, prepareDatabase: prepare }).initialize(),
    SQLITE_DIALECT,
  );
  return {
    store: 'sqlite',
    dialect: SQLITE_DIALECT,
    location: `sqlite://${file}`,
    writer,
    reader,
    close: async () => {
      await reader.destroy();
      await writer.destroy();
    },
  };
}

/** Opens `mysql://user:password@host:port/` (also `mariadb://`) or `sqlite:///path/to/node.db`. */
export async function openNodeDatabase(url: string, poolSize = 10): Promise<NodeDatabase> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('database URL must be mysql://user:password@host:port/ or sqlite:///path/to/node.db');
  }
  switch (parsed.protocol) {
    case 'mysql:':
    case 'mariadb:':
      return openMariadb(parsed, poolSize);
    case 'sqlite:':
      return openSqlite(parsed);
    default:
      throw new Error(`database URL must be mysql://user:password@host:port/ or sqlite:///path/to/node.db, got ${parsed.protocol}//…`);
  }
}

/** A MySQL-quoted `schema`.`table`: how logged statements (store-neutral MySQL SQL) name tables. */
export function mysqlQualifiedTable(schema: string, table: string): string {
  return MARIADB_DIALECT.qualifiedTable(schema, table);
}
