import type { EntityManager } from 'typeorm';
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
    const byIndex = new Map<string, { columns: string[]; nullable: boolean }>();
    for (const row of await dialect.uniqueIndexes(manager, schema, table)) {
      const index = byIndex.get(row.index_name) ?? { columns: [], nullable: false };
      index.columns.push(row.column_name);
      index.nullable ||= row.nullable;
      byIndex.set(row.index_name, index);
    }
    const lengthLimits = new Map<string, number>();
    const int64Columns = new Set<string>();
    if (dialect.needsLimitChecks) {
      for (const column of (await dialect.tableMetadata(manager, schema, table))?.columns ?? []) {
        if (column.CHARACTER_MAXIMUM_LENGTH !== null) lengthLimits.set(column.COLUMN_NAME, Number(column.CHARACTER_MAXIMUM_LENGTH));
        if (/int$/.test(column.DATA_TYPE.toLowerCase())) int64Columns.add(column.COLUMN_NAME);
      }
    }
    const shape = { key: [...byIndex.values()].find((index) => !index.nullable)?.columns ?? [], lengthLimits, int64Columns };
    this.shapes.set(name, shape);
    return shape;
  }

  forget(): void {
    this.shapes.clear();
  }
}
