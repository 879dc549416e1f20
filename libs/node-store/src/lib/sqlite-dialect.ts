import type { ColumnMetadata, StatisticsRow } from '@kbinlog/innodb-memcache';
import type { EntityManager } from 'typeorm';
import { type MysqlError, type SqlDialect, type TextRow, valueLists } from './sql-dialect';

/**
 * SQLite, the embedded store (`--store sqlite`): one file per node. SQLite has no schemas that
 * commit atomically together (ATTACHed files in WAL mode commit one by one), so MySQL's
 * `schema`.`table` becomes one table named "schema.table" in the node's single file, and a
 * group's rows and the applier position still commit in one transaction (invariant 5).
 */
function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function sqliteTableName(schema: string, table: string): string {
  return `${schema}.${table}`;
}

/** MySQL's text types and how many characters they hold. */
const TEXT_LIMITS: Record<string, number> = { tinytext: 255, text: 65_535, mediumtext: 16_777_215, longtext: 4_294_967_295 };

/** MySQL's view of a column declared in SQLite, read back from its declared type. */
export function columnMetadataOf(column: { name: string; type: string; notnull: string; pk: string; hidden: string }): ColumnMetadata {
  const declared = column.type.trim().toLowerCase().replace(/\s+/g, ' ');
  const dataType = /^[a-z]+/.exec(declared)?.[0] ?? '';
  const length = /^(?:var)?(?:char|binary)\s*\((\d+)\)/.exec(declared)?.[1];
  const maximum = length !== undefined ? Number(length) : (TEXT_LIMITS[dataType] ?? null);
  const generated = column.hidden === '2' ? 'VIRTUAL GENERATED' : column.hidden === '3' ? 'STORED GENERATED' : '';
  return {
    COLUMN_NAME: column.name,
    DATA_TYPE: dataType,
    COLUMN_TYPE: declared,
    // MySQL primary key columns are NOT NULL whatever their declaration says.
    IS_NULLABLE: column.notnull === '1' || column.pk !== '0' ? 'NO' : 'YES',
    CHARACTER_MAXIMUM_LENGTH: maximum,
    EXTRA: generated,
  };
}

/** The values of `columns` in `image`, joined as MySQL prints a duplicate composite key. */
function keyText(columns: readonly string[], image: TextRow | undefined): string {
  return columns.map((column) => image?.[column] ?? 'NULL').join('-');
}

/** A statement event this store can run: TRUNCATE is the only one memcached writes log. */
const TRUNCATE = /^\s*TRUNCATE\s+(?:TABLE\s+)?(?:`((?:[^`]|``)+)`|(\w+))\.(?:`((?:[^`]|``)+)`|(\w+))\s*;?\s*$/i;

/** MySQL ER_NOT_SUPPORTED_YET, for statements only MariaDB runs. */
export const ER_NOT_SUPPORTED_YET = 1235;

export class UnsupportedStatementError extends Error {
  readonly errno = ER_NOT_SUPPORTED_YET;
  constructor(readonly sqlMessage: string) {
    super(sqlMessage);
    this.name = 'UnsupportedStatementError';
  }
}

interface TableInfoRow {
  name: string;
  type: string;
  notnull: string;
  pk: string;
  hidden: string;
}

async function tableInfo(manager: EntityManager, name: string): Promise<TableInfoRow[]> {
  const rows = (await manager.query('SELECT name, type, "notnull", pk, hidden FROM pragma_table_xinfo(?) ORDER BY cid', [name])) as Record<string, unknown>[];
  return rows.map((row) => ({ name: String(row['name']), type: String(row['type']), notnull: String(row['notnull']), pk: String(row['pk']), hidden: String(row['hidden']) }));
}

/** Unique indexes as MySQL names them: the primary key is PRIMARY (SQLite may hold it in the rowid). */
async function indexes(manager: EntityManager, name: string, columns: readonly TableInfoRow[]): Promise<StatisticsRow[]> {
  const statistics: StatisticsRow[] = columns
    .filter((column) => column.pk !== '0')
    .sort((a, b) => Number(a.pk) - Number(b.pk))
    .map((column, index) => ({ INDEX_NAME: 'PRIMARY', NON_UNIQUE: 0, SEQ_IN_INDEX: index + 1, COLUMN_NAME: column.name }));
  const list = (await manager.query('SELECT name, "unique", origin FROM pragma_index_list(?)', [name])) as Record<string, unknown>[];
  for (const index of list) {
    if (String(index['origin']) === 'pk') continue;
    const parts = (await manager.query('SELECT seqno, name FROM pragma_index_info(?) ORDER BY seqno', [String(index['name'])])) as Record<string, unknown>[];
    parts.forEach((part, position) =>
      statistics.push({
        INDEX_NAME: String(index['name']),
        NON_UNIQUE: String(index['unique']) === '1' ? 0 : 1,
        SEQ_IN_INDEX: position + 1,
        COLUMN_NAME: part['name'] === null ? null : String(part['name']),
      }),
    );
  }
  return statistics;
}

export const SQLITE_DIALECT: SqlDialect = {
  store: 'sqlite',
  quoteIdentifier,
  qualifiedTable: (schema, table) => quoteIdentifier(sqliteTableName(schema, table)),
  nullSafeEquals: 'IS',
  // One writer at a time: the write transaction already excludes every other writer.
  lockingRead: '',
  needsLimitChecks: true,

  insert(table, columns, overwrite, rows = 1) {
    const list = columns.map(quoteIdentifier).join(', ');
    const upsert = overwrite ? ` ON CONFLICT DO UPDATE SET ${columns.map((c) => `${quoteIdentifier(c)} = excluded.${quoteIdentifier(c)}`).join(', ')}` : '';
    return `INSERT INTO ${table} (${list}) VALUES ${valueLists(columns.length, rows)}${upsert}`;
  },

  insertIgnore(table, columns) {
    return `INSERT OR IGNORE INTO ${table} (${columns.map(quoteIdentifier).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
  },

  upsert(table, columns, key) {
    const updated = columns.filter((column) => !key.includes(column));
    return `${this.insert(table, columns, false)} ON CONFLICT (${key.map(quoteIdentifier).join(', ')}) DO UPDATE SET ${updated
      .map((c) => `${quoteIdentifier(c)} = excluded.${quoteIdentifier(c)}`)
      .join(', ')}`;
  },

  // SQLite's UPDATE/DELETE take no LIMIT (unless compiled so): pick the one row by rowid.
  updateOne: (table, set, where) => `UPDATE ${table} SET ${set} WHERE rowid = (SELECT rowid FROM ${table} WHERE ${where} LIMIT 1)`,
  deleteOne: (table, where) => `DELETE FROM ${table} WHERE rowid = (SELECT rowid FROM ${table} WHERE ${where} LIMIT 1)`,

  statementEvent(_schema, sql) {
    const match = TRUNCATE.exec(sql);
    if (!match) {
      throw new UnsupportedStatementError(`the sqlite store runs only TRUNCATE TABLE statements; this one needs --store mariadb: ${sql.slice(0, 200)}`);
    }
    const schema = (match[1] ?? match[2]).replace(/``/g, '`');
    const table = (match[3] ?? match[4]).replace(/``/g, '`');
    return [`DELETE FROM ${quoteIdentifier(sqliteTableName(schema, table))}`];
  },

  async tableMetadata(manager, schema, table) {
    const columns = await tableInfo(manager, sqliteTableName(schema, table));
    if (columns.length === 0) return null;
    return { columns: columns.map(columnMetadataOf), statistics: await indexes(manager, sqliteTableName(schema, table), columns) };
  },

  mysqlError(error, context): MysqlError | undefined {
    if (error instanceof UnsupportedStatementError) return { errno: error.errno, message: error.sqlMessage };
    const driver = (error as { driverError?: { code?: string; message?: string } }).driverError ?? (error as { code?: string; message?: string });
    const code = driver.code;
    if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return undefined;
    const text = driver.message ?? String(error);
    // "UNIQUE constraint failed: test.demo_test.c1, test.demo_test.c2"
    const columns = (/constraint failed: (.*)$/.exec(text)?.[1] ?? '').split(', ').map((name) => name.slice(name.lastIndexOf('.') + 1));
    switch (code) {
      case 'SQLITE_CONSTRAINT_PRIMARYKEY':
      case 'SQLITE_CONSTRAINT_UNIQUE': {
        const key = code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ? 'PRIMARY' : columns.join('_');
        return { errno: 1062, message: `Duplicate entry '${keyText(columns, context.image)}' for key '${key}'` };
      }
      case 'SQLITE_CONSTRAINT_NOTNULL':
        return { errno: 1048, message: `Column '${columns[0]}' cannot be null` };
      case 'SQLITE_BUSY':
        return { errno: 1205, message: 'Lock wait timeout exceeded; try restarting transaction' };
      default:
        // ER_UNKNOWN_ERROR, with SQLite's own words.
        return { errno: 1105, message: `${code}: ${text}` };
    }
  },
};
