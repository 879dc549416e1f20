import type { EntityManager } from 'typeorm';

/**
 * Which columns identify a row of a table: the primary key, else a unique key over NOT NULL
 * columns, else none (then the whole before image identifies the row, as MySQL does for tables
 * without keys). Cached per table; statement events (DDL) invalidate it.
 */
export class TableCatalog {
  private readonly keys = new Map<string, readonly string[]>();

  async identifyingColumns(manager: EntityManager, schema: string, table: string): Promise<readonly string[]> {
    const name = `${schema}.${table}`;
    const cached = this.keys.get(name);
    if (cached) return cached;
    const rows = (await manager.query(
      `SELECT s.INDEX_NAME AS index_name, s.COLUMN_NAME AS column_name, c.IS_NULLABLE AS nullable
         FROM information_schema.STATISTICS s
         JOIN information_schema.COLUMNS c
           ON c.TABLE_SCHEMA = s.TABLE_SCHEMA AND c.TABLE_NAME = s.TABLE_NAME AND c.COLUMN_NAME = s.COLUMN_NAME
        WHERE s.TABLE_SCHEMA = ? AND s.TABLE_NAME = ? AND s.NON_UNIQUE = '0'
        ORDER BY s.INDEX_NAME = 'PRIMARY' DESC, s.INDEX_NAME, s.SEQ_IN_INDEX`,
      [schema, table],
    )) as { index_name: string; column_name: string; nullable: string }[];
    const byIndex = new Map<string, { columns: string[]; nullable: boolean }>();
    for (const row of rows) {
      const index = byIndex.get(row.index_name) ?? { columns: [], nullable: false };
      index.columns.push(row.column_name);
      index.nullable ||= row.nullable === 'YES';
      byIndex.set(row.index_name, index);
    }
    const key = [...byIndex.values()].find((index) => !index.nullable)?.columns ?? [];
    this.keys.set(name, key);
    return key;
  }

  forget(): void {
    this.keys.clear();
  }
}
