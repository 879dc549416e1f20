import type { BinlogEvent, RowEvent, RowImage } from '@kbinlog/binlog';
import type { EntityManager } from 'typeorm';
import { qualifiedTable, quoteIdentifier } from './node-database';
import type { TableCatalog } from './table-catalog';

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

function whereRow(key: readonly string[], before: RowImage): { sql: string; values: (string | null)[] } {
  const columns = key.length > 0 ? key : Object.keys(before);
  for (const column of columns) {
    if (!(column in before)) throw new ApplyError(ER_KEY_NOT_FOUND, `before image lacks key column ${column}`);
  }
  // <=> is NULL-safe: a keyless table's before image may hold NULLs.
  return { sql: columns.map((column) => `${quoteIdentifier(column)} <=> ?`).join(' AND '), values: columns.map((column) => before[column]) };
}

interface WriteResult {
  affectedRows: number;
}

async function execute(manager: EntityManager, sql: string, values: (string | null)[]): Promise<WriteResult> {
  return (await manager.query(sql, values)) as WriteResult;
}

/**
 * Applies row events exactly as logged: inserts with the after image, updates and deletes of
 * the row the before image identifies. The source applies its own writes through the same code,
 * so source and replicas execute the same statements.
 */
export async function applyRowEvent(manager: EntityManager, catalog: TableCatalog, event: RowEvent, mode: ReplicaExecMode): Promise<void> {
  const table = qualifiedTable(event.schema, event.table);
  try {
    switch (event.type) {
      case 'insert': {
        const columns = Object.keys(event.after);
        const list = columns.map(quoteIdentifier).join(', ');
        const placeholders = columns.map(() => '?').join(', ');
        // IDEMPOTENT: a row already there is overwritten with the logged image (MySQL does the same).
        const upsert = mode === 'IDEMPOTENT' ? ` ON DUPLICATE KEY UPDATE ${columns.map((c) => `${quoteIdentifier(c)} = VALUES(${quoteIdentifier(c)})`).join(', ')}` : '';
        await execute(manager, `INSERT INTO ${table} (${list}) VALUES (${placeholders})${upsert}`, columns.map((c) => event.after[c]));
        return;
      }
      case 'update': {
        const where = whereRow(await catalog.identifyingColumns(manager, event.schema, event.table), event.before);
        const columns = Object.keys(event.after);
        const set = columns.map((column) => `${quoteIdentifier(column)} = ?`).join(', ');
        const result = await execute(manager, `UPDATE ${table} SET ${set} WHERE ${where.sql} LIMIT 1`, [
          ...columns.map((column) => event.after[column]),
          ...where.values,
        ]);
        if (result.affectedRows === 0 && mode === 'STRICT') {
          throw rowEventError(event, ER_KEY_NOT_FOUND, `Can't find record in '${event.table}'`);
        }
        return;
      }
      case 'delete': {
        const where = whereRow(await catalog.identifyingColumns(manager, event.schema, event.table), event.before);
        const result = await execute(manager, `DELETE FROM ${table} WHERE ${where.sql} LIMIT 1`, where.values);
        if (result.affectedRows === 0 && mode === 'STRICT') {
          throw rowEventError(event, ER_KEY_NOT_FOUND, `Can't find record in '${event.table}'`);
        }
        return;
      }
    }
  } catch (error) {
    if (error instanceof ApplyError) throw error;
    const { errno, sqlMessage } = error as { errno?: number; sqlMessage?: string };
    if (errno !== undefined) throw rowEventError(event, errno, sqlMessage ?? String(error));
    throw error;
  }
}

/** Runs a statement event (DDL, TRUNCATE) with its schema as the default database. */
export async function applyStatementEvent(manager: EntityManager, catalog: TableCatalog, event: BinlogEvent & { type: 'statement' }): Promise<void> {
  try {
    if (event.schema) await manager.query(`USE ${quoteIdentifier(event.schema)}`);
    await manager.query(event.sql);
  } catch (error) {
    const { errno, sqlMessage } = error as { errno?: number; sqlMessage?: string };
    throw new ApplyError(errno ?? 0, `Error '${sqlMessage ?? String(error)}' on query. Default database: '${event.schema}'. Query: '${event.sql}'`);
  } finally {
    catalog.forget();
  }
}
