import type { ColumnMetadata, StatisticsRow } from '@kbinlog/innodb-memcache';
import { type MysqlError, type SqlDialect, valueLists } from './sql-dialect';

function quoteIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/** MariaDB and MySQL: the reference, where SQL runs as it does on a MySQL replica. */
export const MARIADB_DIALECT: SqlDialect = {
  store: 'mariadb',
  quoteIdentifier,
  qualifiedTable: (schema, table) => `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`,
  nullSafeEquals: '<=>',
  lockingRead: ' FOR UPDATE',
  needsLimitChecks: false,

  insert(table, columns, overwrite, rows = 1) {
    const list = columns.map(quoteIdentifier).join(', ');
    const upsert = overwrite ? ` ON DUPLICATE KEY UPDATE ${columns.map((c) => `${quoteIdentifier(c)} = VALUES(${quoteIdentifier(c)})`).join(', ')}` : '';
    return `INSERT INTO ${table} (${list}) VALUES ${valueLists(columns.length, rows)}${upsert}`;
  },

  insertIgnore(table, columns) {
    return `INSERT IGNORE INTO ${table} (${columns.map(quoteIdentifier).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
  },

  upsert(table, columns, key) {
    const updated = columns.filter((column) => !key.includes(column));
    return `${this.insert(table, columns, false)} ON DUPLICATE KEY UPDATE ${updated.map((c) => `${quoteIdentifier(c)} = VALUES(${quoteIdentifier(c)})`).join(', ')}`;
  },

  updateOne: (table, set, where) => `UPDATE ${table} SET ${set} WHERE ${where} LIMIT 1`,
  deleteOne: (table, where) => `DELETE FROM ${table} WHERE ${where} LIMIT 1`,

  statementEvent: (schema, sql) => (schema ? [`USE ${quoteIdentifier(schema)}`, sql] : [sql]),

  async tableMetadata(manager, schema, table) {
    const columns = (await manager.query(
      `SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, CHARACTER_MAXIMUM_LENGTH, EXTRA
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
      [schema, table],
    )) as ColumnMetadata[];
    if (columns.length === 0) return null;
    const statistics = (await manager.query(
      `SELECT INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME
         FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX`,
      [schema, table],
    )) as StatisticsRow[];
    return { columns, statistics };
  },

  mysqlError(error): MysqlError | undefined {
    const { errno, sqlMessage } = error as { errno?: number; sqlMessage?: string };
    return errno === undefined ? undefined : { errno, message: sqlMessage ?? String(error) };
  },
};
