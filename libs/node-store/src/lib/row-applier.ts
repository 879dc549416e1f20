import type { BinlogEvent, RowEvent, RowImage } from '@kbinlog/binlog';
import type { EntityManager } from 'typeorm';
import { dialectOf, executeWrite, type SqlDialect } from './sql-dialect';
import type { TableCatalog, TableShape } from './table-catalog';

/** MySQL's replica_exec_mode. */
export type ReplicaExecMode = 'STRICT' | 'IDEMPOTENT';

/** MySQL's names for the row events, used in error messages operators search for. */
const EVENT_NAMES = { insert: 'Write_rows', update: 'Update_rows', delete: 'Delete_rows' } as const;

export const ER_KEY_NOT_FOUND = 1032;

/** An event that could not be applied: the applier stops with this as Last_Error. */
export class ApplyError extends Error {
  constructor(
    readonly errno: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApplyError';
  }
}

function rowEventError(event: RowEvent, errno: number, reason: string): ApplyError {
  return new ApplyError(
    errno,
    `Could not execute ${EVENT_NAMES[event.type]} event on table ${event.schema}.${event.table}; ${reason}, Error_code: ${errno}`,
  );
}

function whereRow(dialect: SqlDialect, key: readonly string[], before: RowImage): { sql: string; values: (string | null)[] } {
  const columns = key.length > 0 ? key : Object.keys(before);
  for (const column of columns) {
    if (!(column in before)) throw new ApplyError(ER_KEY_NOT_FOUND, `before image lacks key column ${column}`);
  }
  // NULL-safe equality: a keyless table's before image may hold NULLs.
  return {
    sql: columns.map((column) => `${dialect.quoteIdentifier(column)} ${dialect.nullSafeEquals} ?`).join(' AND '),
    values: columns.map((column) => before[column]),
  };
}

/** MySQL ER_DATA_TOO_LONG, raised here too for stores that do not enforce declared lengths. */
export const ER_DATA_TOO_LONG = 1406;

/** MySQL ER_WARN_DATA_OUT_OF_RANGE (strict mode): a value its column cannot hold. */
export const ER_WARN_DATA_OUT_OF_RANGE = 1264;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function outOfInt64(value: string): boolean {
  if (!/^[+-]?\d+$/.test(value.trim())) return false;
  const number = BigInt(value.trim());
  return number < INT64_MIN || number > INT64_MAX;
}

/** Limits MySQL enforces and a store may not (needsLimitChecks): refuse rather than truncate or round. */
function checkLimits(shape: TableShape, image: RowImage): void {
  for (const column of shape.int64Columns) {
    const value = image[column];
    if (value !== null && value !== undefined && outOfInt64(value)) {
      throw new ApplyError(ER_WARN_DATA_OUT_OF_RANGE, `Out of range value for column '${column}' at row 1`);
    }
  }
  for (const [column, limit] of shape.lengthLimits) {
    const value = image[column];
    // MySQL counts characters, not UTF-16 units.
    if (value !== null && value !== undefined && value.length > limit && [...value].length > limit) {
      throw new ApplyError(ER_DATA_TOO_LONG, `Data too long for column '${column}' at row 1`);
    }
  }
}

/**
 * Applies row events exactly as logged: inserts with the after image, updates and deletes of
 * the row the before image identifies. The source applies its own writes through the same code,
 * so source and replicas execute the same statements.
 */
export async function applyRowEvent(manager: EntityManager, catalog: TableCatalog, event: RowEvent, mode: ReplicaExecMode): Promise<void> {
  const dialect = dialectOf(manager);
  const table = dialect.qualifiedTable(event.schema, event.table);
  const shape = await catalog.shape(manager, event.schema, event.table);
  try {
    switch (event.type) {
      case 'insert': {
        checkLimits(shape, event.after);
        const columns = Object.keys(event.after);
        // IDEMPOTENT: a row already there is overwritten with the logged image (MySQL does the same).
        await executeWrite(manager, dialect.insert(table, columns, mode === 'IDEMPOTENT'), columns.map((c) => event.after[c]));
        return;
      }
      case 'update': {
        checkLimits(shape, event.after);
        const where = whereRow(dialect, shape.key, event.before);
        const columns = Object.keys(event.after);
        const set = columns.map((column) => `${dialect.quoteIdentifier(column)} = ?`).join(', ');
        const changed = await executeWrite(manager, dialect.updateOne(table, set, where.sql), [...columns.map((column) => event.after[column]), ...where.values]);
        if (changed === 0 && mode === 'STRICT') throw rowEventError(event, ER_KEY_NOT_FOUND, `Can't find record in '${event.table}'`);
        return;
      }
      case 'delete': {
        const where = whereRow(dialect, shape.key, event.before);
        const changed = await executeWrite(manager, dialect.deleteOne(table, where.sql), where.values);
        if (changed === 0 && mode === 'STRICT') throw rowEventError(event, ER_KEY_NOT_FOUND, `Can't find record in '${event.table}'`);
        return;
      }
    }
  } catch (error) {
    if (error instanceof ApplyError) {
      if (error.errno === ER_DATA_TOO_LONG || error.errno === ER_WARN_DATA_OUT_OF_RANGE) throw rowEventError(event, error.errno, error.message);
      throw error;
    }
    const image = event.type === 'delete' ? event.before : event.after;
    const mysql = dialect.mysqlError(error, { table: event.table, key: shape.key, image });
    if (mysql) throw rowEventError(event, mysql.errno, mysql.message);
    throw error;
  }
}

/** Most rows in one multi-row INSERT, and most placeholders (MariaDB allows 65,535, SQLite 32,766). */
export const INSERT_RUN_MAX_ROWS = 1000;
const INSERT_RUN_MAX_VALUES = 30_000;

/** The end of the run of inserts starting at `start` that one multi-row INSERT can carry: same table, same columns. */
function insertRunEnd(events: readonly RowEvent[], start: number): number {
  const first = events[start];
  if (first.type !== 'insert') return start + 1;
  const columns = Object.keys(first.after).join('\0');
  const width = Math.max(1, Object.keys(first.after).length);
  const limit = Math.min(events.length, start + INSERT_RUN_MAX_ROWS, start + Math.floor(INSERT_RUN_MAX_VALUES / width));
  let end = start + 1;
  while (end < limit) {
    const next = events[end];
    if (next.type !== 'insert' || next.schema !== first.schema || next.table !== first.table || Object.keys(next.after).join('\0') !== columns) break;
    end++;
  }
  return end;
}

/** Most rows in one multi-row UPDATE (two values per row and column, one per row for the key). */
export const UPDATE_RUN_MAX_ROWS = 200;

type UpdateEvent = RowEvent & { type: 'update' };

/**
 * The end of the run of updates starting at `start` that one multi-row UPDATE can carry: same
 * table, same columns, each found by the table's one key column (unchanged by the update), no
 * key twice.
 */
function updateRunEnd(events: readonly RowEvent[], start: number, key: string): number {
  const first = events[start];
  if (first.type !== 'update') return start + 1;
  const columns = Object.keys(first.after).join('\0');
  const keys = new Set<string | null>();
  let end = start;
  while (end < events.length && end - start < UPDATE_RUN_MAX_ROWS) {
    const next = events[end];
    if (next.type !== 'update' || next.schema !== first.schema || next.table !== first.table || Object.keys(next.after).join('\0') !== columns) break;
    const value = next.before[key];
    if (value === null || value === undefined || next.after[key] !== value || keys.has(value)) break;
    keys.add(value);
    end++;
  }
  return Math.max(end, start + 1);
}

/**
 * A run of updates as one statement: each column set with a CASE on the key, the rows found by
 * the key (IN, the column's own comparison). When it does not change exactly the run's rows
 * (one missing, a collation that makes two keys one row, an error), the run is applied again
 * event by event, which reports the exact error or, IDEMPOTENT, passes over the missing row;
 * setting a row to its after image twice changes nothing.
 */
async function applyUpdateRun(manager: EntityManager, catalog: TableCatalog, shape: TableShape, run: readonly UpdateEvent[], mode: ReplicaExecMode): Promise<void> {
  const dialect = dialectOf(manager);
  const { schema, table } = run[0];
  const key = shape.key[0];
  const quotedKey = dialect.quoteIdentifier(key);
  const columns = Object.keys(run[0].after).filter((column) => column !== key);
  for (const event of run) checkLimits(shape, event.after);
  const cases = run.map(() => 'WHEN ? THEN ?').join(' ');
  const set = columns.map((column) => `${dialect.quoteIdentifier(column)} = CASE ${quotedKey} ${cases} END`).join(', ');
  const values: (string | null)[] = [];
  for (const column of columns) for (const event of run) values.push(event.before[key], event.after[column]);
  for (const event of run) values.push(event.before[key]);
  const sql = `UPDATE ${dialect.qualifiedTable(schema, table)} SET ${set} WHERE ${quotedKey} IN (${run.map(() => '?').join(', ')})`;
  const changed = columns.length === 0 ? -1 : await executeWrite(manager, sql, values).catch(() => -1);
  if (changed === run.length) return;
  for (const event of run) await applyRowEvent(manager, catalog, event, mode);
}

/**
 * Applies row events in order: a run of inserts into one table as one multi-row INSERT, a run of
 * updates of distinct rows of a table with a one-column key as one multi-row UPDATE (one round
 * trip for the run). The rows land as the single events would: in order, an IDEMPOTENT
 * overwrite of an earlier row by a later one included. A failing run does not say which row
 * failed: callers that need the exact error re-apply event by event (applyRowEvent).
 */
export async function applyRowEvents(manager: EntityManager, catalog: TableCatalog, events: readonly RowEvent[], mode: ReplicaExecMode): Promise<void> {
  for (let start = 0; start < events.length; ) {
    const event = events[start];
    let end = insertRunEnd(events, start);
    if (end - start > 1) await applyInsertRun(manager, catalog, events.slice(start, end) as (RowEvent & { type: 'insert' })[], mode);
    else if (event.type === 'update') {
      const shape = await catalog.shape(manager, event.schema, event.table);
      end = shape.key.length === 1 ? updateRunEnd(events, start, shape.key[0]) : start + 1;
      if (end - start > 1) await applyUpdateRun(manager, catalog, shape, events.slice(start, end) as UpdateEvent[], mode);
      else await applyRowEvent(manager, catalog, event, mode);
    } else await applyRowEvent(manager, catalog, event, mode);
    start = end;
  }
}

async function applyInsertRun(manager: EntityManager, catalog: TableCatalog, run: readonly (RowEvent & { type: 'insert' })[], mode: ReplicaExecMode): Promise<void> {
  const dialect = dialectOf(manager);
  const { schema, table } = run[0];
  const shape = await catalog.shape(manager, schema, table);
  const columns = Object.keys(run[0].after);
  const values: (string | null)[] = [];
  for (const event of run) {
    checkLimits(shape, event.after);
    for (const column of columns) values.push(event.after[column]);
  }
  await executeWrite(manager, dialect.insert(dialect.qualifiedTable(schema, table), columns, mode === 'IDEMPOTENT', run.length), values);
}

/** Runs a statement event (DDL, TRUNCATE) with its schema as the default database. */
export async function applyStatementEvent(manager: EntityManager, catalog: TableCatalog, event: BinlogEvent & { type: 'statement' }): Promise<void> {
  const dialect = dialectOf(manager);
  // One session for all of it: USE sets the default database of the session that runs the statement.
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    for (const sql of dialect.statementEvent(event.schema, event.sql)) await runner.query(sql);
  } catch (error) {
    const mysql = dialect.mysqlError(error, {});
    throw new ApplyError(mysql?.errno ?? 0, `Error '${mysql?.message ?? String(error)}' on query. Default database: '${event.schema}'. Query: '${event.sql}'`);
  } finally {
    catalog.forget();
    if (!manager.queryRunner) await runner.release();
  }
}
