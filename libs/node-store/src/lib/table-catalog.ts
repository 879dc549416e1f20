import type { EntityManager } from 'typeorm';
import { indexesFromStatistics } from '@kbinlog/innodb-memcache';
import { dialectOf } from './sql-dialect';

/** What the applier needs to know about a table. */
export interface TableShape {
  /**
   * The columns that identify a row: the primary key, else a unique key over NOT NULL columns,
   * else none (then the whole before image identifies the row, as MySQL does for keyless tables).
   */
  readonly key: readonly string[];
  /** Declared character limits, for a store that does not enforce them itself (SQLite). */
  readonly lengthLimits: ReadonlyMap<string, number>;
  /** Integer columns of a store whose integers are signed 64-bit (SQLite), where larger values would round. */
  readonly int64Columns: ReadonlySet<string>;
}

/** Table shapes, cached per table; statement events (DDL) invalidate the cache. */
export class TableCatalog {
  private readonly shapes = new Map<string, TableShape>();

  async shape(manager: EntityManager, schema: string, table: string): Promise<TableShape> {
    const name = `${schema}.${table}`;
    const cached = this.shapes.get(name);
    if (cached) return cached;
    const dialect = dialectOf(manager);
    // One read of the table's metadata gives both its key and its limits.
    const metadata = await dialect.tableMetadata(manager, schema, table);
    const columns = metadata?.columns ?? [];
    const notNull = new Set(columns.filter((column) => column.IS_NULLABLE === 'NO').map((column) => column.COLUMN_NAME));
    const unique = indexesFromStatistics(metadata?.statistics ?? [])
      .filter((index) => index.unique)
      .sort((a, b) => Number(b.name === 'PRIMARY') - Number(a.name === 'PRIMARY') || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const lengthLimits = new Map<string, number>();
    const int64Columns = new Set<string>();
    if (dialect.needsLimitChecks) {
      for (const column of columns) {
        if (column.CHARACTER_MAXIMUM_LENGTH !== null) lengthLimits.set(column.COLUMN_NAME, Number(column.CHARACTER_MAXIMUM_LENGTH));
        if (/int$/.test(column.DATA_TYPE.toLowerCase())) int64Columns.add(column.COLUMN_NAME);
      }
    }
    const shape = { key: unique.find((index) => index.columns.every((column) => notNull.has(column)))?.columns ?? [], lengthLimits, int64Columns };
    this.shapes.set(name, shape);
    return shape;
  }

  forget(): void {
    this.shapes.clear();
  }
}
