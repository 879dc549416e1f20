import type { ColumnMetadata, StatisticsRow } from '@kbinlog/innodb-memcache';
import type { DataSource, EntityManager } from 'typeorm';

/** Which database a node keeps its data in (`--store`). */
export type StoreKind = 'mariadb' | 'sqlite';

/** A row in MySQL's text form: every value a string, NULL as null (what row images carry). */
export type TextRow = Record<string, string | null>;

/** A database error in MySQL's terms, so appliers and clients see MySQL's numbers and texts. */
export interface MysqlError {
  readonly errno: number;
  readonly message: string;
}

/**
 * What differs between the stores a node may use. Everything else is written once against this:
 * row events are store-neutral (text images), so a SQLite replica can follow a MariaDB source and
 * the other way round.
 */
export interface SqlDialect {
  readonly store: StoreKind;
  quoteIdentifier(name: string): string;
  qualifiedTable(schema: string, table: string): string;
  /** NULL-safe equality for a WHERE that identifies a row by its image. */
  readonly nullSafeEquals: string;
  /** Appended to a SELECT that reads a row it will change. */
  readonly lockingRead: string;
  /** INSERT of `rows` rows (default 1), their values in row order; `overwrite` replaces a row with the same key. */
  insert(table: string, columns: readonly string[], overwrite: boolean, rows?: number): string;
  insertIgnore(table: string, columns: readonly string[]): string;
  /** Insert, or update every non-key column of the row with the same `key`. */
  upsert(table: string, columns: readonly string[], key: readonly string[]): string;
  /** UPDATE/DELETE of at most one row matching `where` (whose placeholders follow SET's). */
  updateOne(table: string, set: string, where: string): string;
  deleteOne(table: string, where: string): string;
  /** The statements that run a logged statement event here, in order. */
  statementEvent(schema: string | undefined, sql: string): readonly string[];
  /** information_schema.COLUMNS and STATISTICS for a table, or null when it does not exist. */
  tableMetadata(manager: EntityManager, schema: string, table: string): Promise<{ columns: ColumnMetadata[]; statistics: StatisticsRow[] } | null>;
  /** The store's error in MySQL's terms (errno and message), when it has one. */
  mysqlError(error: unknown, context: { table?: string; key?: readonly string[]; image?: TextRow }): MysqlError | undefined;
  /** MySQL enforces declared lengths and integer ranges; a store that does not (SQLite) has them checked before writing. */
  readonly needsLimitChecks: boolean;
}

/** The dialect of the store behind a manager or data source. */
export function dialectOf(source: EntityManager | DataSource): SqlDialect {
  const connection = 'connection' in source ? source.connection : source;
  const dialect = (connection as DataSource & { kbinlogDialect?: SqlDialect }).kbinlogDialect;
  if (!dialect) throw new Error('not a node database: open it with openNodeDatabase');
  return dialect;
}

/** Text form of one value as the store returned it. */
function textValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint' || typeof value === 'number') return String(value);
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return String(value);
}

/** Runs a query and returns its rows in MySQL's text form, whichever store answers. */
export async function queryRows<T extends object = TextRow>(manager: EntityManager, sql: string, values: readonly (string | null)[] = []): Promise<T[]> {
  const rows = (await manager.query(sql, [...values])) as Record<string, unknown>[];
  if (dialectOf(manager).store === 'mariadb') return rows as T[];
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([name, value]) => [name, textValue(value)])) as T);
}

/** Runs a write and returns how many rows it changed. */
export async function executeWrite(manager: EntityManager, sql: string, values: readonly (string | null)[] = []): Promise<number> {
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const result = (await runner.query(sql, [...values], true)) as { affected?: number };
    return result.affected ?? 0;
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}

/** `(?, ?), (?, ?)`: the VALUES lists of a `rows`-row insert of `columns` columns. */
export function valueLists(columns: number, rows: number): string {
  const list = `(${Array.from({ length: columns }, () => '?').join(', ')})`;
  return Array.from({ length: rows }, () => list).join(', ');
}
