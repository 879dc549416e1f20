import { MARIADB_DIALECT } from '@kbinlog/node-store';
import { CAPTURE_TABLE, type CaptureConnection, CAPTURE_TABLE_DDL, type CapturedColumn, captureTriggers, triggerName, UNCAPTURED_SCHEMAS, uncapturableReason } from './row-capture';

const quote = MARIADB_DIALECT.quoteIdentifier;
const inList = (values: readonly string[]) => values.map((value) => `'${value}'`).join(', ');

/**
 * Keeps a capture trigger set on every table of the source's database: all of them at start
 * (a promoted replica has none), and each table again after DDL that creates, reshapes or
 * renames it. Tables whose columns cannot be captured get no triggers and refuse SQL writes.
 */
export class CaptureTriggers {
  private readonly refusals = new Map<string, string>();

  /** Creates kbinlog.row_capture, empties it, and sets triggers on every table; returns how many tables. */
  async installAll(backend: CaptureConnection): Promise<{ tables: number; uncapturable: number }> {
    // Made by an earlier version with an AUTO_INCREMENT seq: remade (it holds nothing between starts).
    const [shape] = await backend.rows<{ extra: string | null }>(
      "SELECT EXTRA AS extra FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'kbinlog' AND TABLE_NAME = 'row_capture' AND COLUMN_NAME = 'seq'",
    );
    if (shape?.extra?.includes('auto_increment')) await backend.query(`DROP TABLE ${CAPTURE_TABLE}`);
    await backend.query(CAPTURE_TABLE_DDL);
    // What writers left before this start (the catch-up applier, a crash): no session reads it.
    await backend.query(`DELETE FROM ${CAPTURE_TABLE}`);
    const tables = await backend.rows<{ TABLE_SCHEMA: string; TABLE_NAME: string }>(
      `SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES
        WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA NOT IN (${inList(UNCAPTURED_SCHEMAS)}) ORDER BY 1, 2`,
    );
    for (const { TABLE_SCHEMA, TABLE_NAME } of tables) await this.refresh(backend, TABLE_SCHEMA, TABLE_NAME);
    return { tables: tables.length, uncapturable: this.refusals.size };
  }

  /**
   * Drops every capture trigger and empties the capture: a replica takes no SQL writes, and its
   * applier must not fill kbinlog.row_capture with rows nobody reads. Promotion installs them again.
   */
  async removeAll(backend: CaptureConnection): Promise<number> {
    const triggers = await backend.rows<{ TRIGGER_SCHEMA: string; TRIGGER_NAME: string }>(
      `SELECT TRIGGER_SCHEMA, TRIGGER_NAME FROM information_schema.TRIGGERS
        WHERE TRIGGER_NAME LIKE 'kbinlog\\_%' AND TRIGGER_SCHEMA NOT IN (${inList(UNCAPTURED_SCHEMAS)})`,
    );
    for (const { TRIGGER_SCHEMA, TRIGGER_NAME } of triggers) await backend.query(`DROP TRIGGER IF EXISTS ${quote(TRIGGER_SCHEMA)}.${quote(TRIGGER_NAME)}`);
    await backend.query(CAPTURE_TABLE_DDL);
    await backend.query(`DELETE FROM ${CAPTURE_TABLE}`);
    this.refusals.clear();
    return triggers.length;
  }

  /** Why SQL writes to the table are refused, or undefined when they are captured. */
  uncapturable(schema: string, table: string): string | undefined {
    return this.refusals.get(`${schema}.${table}`);
  }

  forgetSchema(schema: string): void {
    for (const key of [...this.refusals.keys()]) if (key.startsWith(`${schema}.`)) this.refusals.delete(key);
  }

  /** Makes the table's triggers match its current columns (or removes them, if it is gone). */
  async refresh(backend: CaptureConnection, schema: string, table: string): Promise<void> {
    const key = `${schema}.${table}`;
    if ((UNCAPTURED_SCHEMAS as readonly string[]).includes(schema)) return;
    const columns = await backend.rows<{ COLUMN_NAME: string; DATA_TYPE: string; EXTRA: string | null }>(
      'SELECT COLUMN_NAME, DATA_TYPE, EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
      [schema, table],
    );
    const shape: CapturedColumn[] = columns.map((column) => ({
      name: column.COLUMN_NAME,
      dataType: column.DATA_TYPE,
      generated: /GENERATED/i.test(column.EXTRA ?? ''),
    }));
    // A rename moves triggers with the table; whatever does not carry this name goes.
    const existing = await backend.rows<{ TRIGGER_NAME: string }>(
      "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = ? AND EVENT_OBJECT_TABLE = ? AND TRIGGER_NAME LIKE 'kbinlog\\_%'",
      [schema, table],
    );
    const reason = shape.length === 0 ? undefined : uncapturableReason(shape);
    const wanted = shape.length > 0 && !reason ? new Set((['insert', 'update', 'delete'] as const).map((change) => triggerName(change, table))) : new Set<string>();
    for (const { TRIGGER_NAME } of existing) {
      if (!wanted.has(TRIGGER_NAME)) await backend.query(`DROP TRIGGER IF EXISTS ${quote(schema)}.${quote(TRIGGER_NAME)}`);
    }
    if (shape.length === 0) {
      this.refusals.delete(key);
      return;
    }
    if (reason) {
      this.refusals.set(key, reason);
      return;
    }
    this.refusals.delete(key);
    for (const statement of captureTriggers(schema, table, shape)) await backend.query(statement);
  }
}
