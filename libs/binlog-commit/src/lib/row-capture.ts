import type { RowEvent, RowImage } from '@kbinlog/binlog';
import { MARIADB_DIALECT, queryRows } from '@kbinlog/node-store';
import type { EntityManager } from 'typeorm';
import { createHash } from 'node:crypto';

/**
 * How SQL writes become row events: AFTER INSERT/UPDATE/DELETE triggers on every table of the
 * source's database append each changed row's whole before/after image (text form, as JSON) to
 * kbinlog.row_capture, keyed by the connection. Triggers see exactly what the server did, for
 * every DML form (multi-row, INSERT … SELECT, ON DUPLICATE KEY UPDATE, REPLACE, multi-table
 * UPDATE/DELETE) with the values it stored (AUTO_INCREMENT, NOW(), UUID(), RAND()). The capture
 * rows belong to the session's transaction: a ROLLBACK, a ROLLBACK TO SAVEPOINT, a failed
 * statement or a dropped connection takes them away with the rows they describe.
 *
 * Triggers record every change, whoever makes it: no session state can switch them off, so no
 * client can write a row the log misses. Memcached writes log the events their connection
 * captured, as SQL sessions do (TAKE_OWN_CAPTURE); the catch-up applier's captures are
 * removed at the next start (CaptureTriggers.installAll).
 */
export const CAPTURE_TABLE = '`kbinlog`.`row_capture`';

/**
 * Takes what the connection's changes captured: deletes the rows and returns them in execution
 * order, in one round trip. Run inside the transaction, before it commits.
 */
export const TAKE_OWN_CAPTURE = `DELETE FROM ${CAPTURE_TABLE} WHERE connection_id = CONNECTION_ID() ORDER BY seq RETURNING schema_name, table_name, change_type, before_image, after_image`;

/** TAKE_OWN_CAPTURE on a pooled connection's transaction: the row events it captured, in order. */
export async function takeOwnCapture(manager: EntityManager): Promise<RowEvent[]> {
  return rowEventsOf(await queryRows<CaptureRow>(manager, TAKE_OWN_CAPTURE));
}

/** A connection kbinlog runs its own statements on: a SQL session's, the one that sets up the capture. */
export interface CaptureConnection {
  rows<T>(sql: string, values?: readonly (string | null)[]): Promise<T[]>;
  query(sql: string, values?: readonly (string | null)[]): Promise<unknown>;
}

/** Gives a SQL session's connection its own capture table (SESSION_CAPTURE_TABLE_DDL): once, before its first statement. */
export async function openSessionCapture(connection: CaptureConnection): Promise<void> {
  await connection.query(SESSION_CAPTURE_TABLE_DDL);
}

/** TAKE_OWN_CAPTURE on a SQL session's connection, inside its transaction: the row events it captured, in order. */
export async function takeSessionCapture(connection: CaptureConnection): Promise<RowEvent[]> {
  return rowEventsOf(await connection.rows<CaptureRow>(TAKE_OWN_CAPTURE));
}

/**
 * No AUTO_INCREMENT: a trigger firing inside a bulk insert (INSERT … SELECT holds its table's
 * AUTO-INC lock) that also needed this table's AUTO-INC lock could fail with error 1467. Rows
 * are ordered by UUID_SHORT() instead: a server-wide counter that only grows, takes no lock,
 * and no session setting can change.
 */
const CAPTURE_COLUMNS = `(
  connection_id BIGINT UNSIGNED NOT NULL,
  seq BIGINT UNSIGNED NOT NULL,
  schema_name VARCHAR(64) NOT NULL,
  table_name VARCHAR(64) NOT NULL,
  change_type ENUM('insert', 'update', 'delete') NOT NULL,
  before_image LONGTEXT NULL,
  after_image LONGTEXT NULL,
  PRIMARY KEY (connection_id, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`;

export const CAPTURE_TABLE_DDL = `CREATE TABLE IF NOT EXISTS ${CAPTURE_TABLE} ${CAPTURE_COLUMNS}`;

/**
 * Each SQL session's own capture: a temporary table of the same name, which shadows the shared
 * one for its session only, so the triggers its statements fire write there. A session runs at
 * the client's isolation level (REPEATABLE READ by default), where TAKE_OWN_CAPTURE's range
 * delete on the shared table would also lock the gap after the connection's rows until the
 * commit: every session whose capture falls in it (a larger connection id) would wait for this
 * one's group to be logged, and SQL transactions would reach the log one at a time. A session's
 * own table is locked by nobody else, and, temporary, costs no redo. Pooled connections (the
 * memcached writes, at READ COMMITTED: no gap locks) keep the shared table.
 */
export const SESSION_CAPTURE_TABLE_DDL = `CREATE TEMPORARY TABLE ${CAPTURE_TABLE} ${CAPTURE_COLUMNS}`;

/** Schemas whose tables are never captured: the server's own and kbinlog's. */
export const UNCAPTURED_SCHEMAS = ['mysql', 'information_schema', 'performance_schema', 'sys', 'kbinlog'] as const;

/** Column types whose bytes the text form (JSON strings) cannot carry exactly. */
const BINARY_TYPES = new Set(['binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob', 'bit', 'geometry', 'point', 'linestring', 'polygon', 'multipoint', 'multilinestring', 'multipolygon', 'geometrycollection']);

export interface CapturedColumn {
  readonly name: string;
  readonly dataType: string;
  /** Generated columns are computed on each replica, not carried. */
  readonly generated: boolean;
}

/** Why a table's changes cannot be captured, or undefined when they can. */
export function uncapturableReason(columns: readonly CapturedColumn[]): string | undefined {
  const binary = columns.filter((column) => BINARY_TYPES.has(column.dataType.toLowerCase()));
  if (binary.length === 0) return undefined;
  return `column ${binary.map((column) => column.name).join(', ')} holds bytes (${[...new Set(binary.map((column) => column.dataType.toLowerCase()))].join(', ')}), which kbinlog does not replicate from SQL writes yet`;
}

const quote = MARIADB_DIALECT.quoteIdentifier;
const literal = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/** Trigger names fit MySQL's 64 characters; long table names are shortened with a hash. */
export function triggerName(change: 'insert' | 'update' | 'delete', table: string): string {
  const name = `kbinlog_${change}_${table}`;
  if (name.length <= 64) return name;
  const hash = createHash('sha1').update(table).digest('hex').slice(0, 12);
  return `kbinlog_${change}_${table.slice(0, 64 - 22)}_${hash}`;
}

function imageOf(row: 'NEW' | 'OLD', columns: readonly CapturedColumn[]): string {
  const pairs = columns.filter((column) => !column.generated).map((column) => `${literal(column.name)}, CAST(${row}.${quote(column.name)} AS CHAR)`);
  return `JSON_OBJECT(${pairs.join(', ')})`;
}

/** CREATE OR REPLACE TRIGGER statements that capture every change of `schema`.`table`. */
export function captureTriggers(schema: string, table: string, columns: readonly CapturedColumn[]): string[] {
  const target = MARIADB_DIALECT.qualifiedTable(schema, table);
  const images = { insert: { before: 'NULL', after: imageOf('NEW', columns) }, update: { before: imageOf('OLD', columns), after: imageOf('NEW', columns) }, delete: { before: imageOf('OLD', columns), after: 'NULL' } };
  return (['insert', 'update', 'delete'] as const).map(
    (change) =>
      `CREATE OR REPLACE TRIGGER ${quote(schema)}.${quote(triggerName(change, table))} AFTER ${change.toUpperCase()} ON ${target} FOR EACH ROW ` +
      `INSERT INTO ${CAPTURE_TABLE} (connection_id, seq, schema_name, table_name, change_type, before_image, after_image) ` +
      `VALUES (CONNECTION_ID(), UUID_SHORT(), ${literal(schema)}, ${literal(table)}, '${change}', ${images[change].before}, ${images[change].after})`,
  );
}

export interface CaptureRow {
  readonly schema_name: string;
  readonly table_name: string;
  readonly change_type: string;
  readonly before_image: string | null;
  readonly after_image: string | null;
}

function image(json: string | null, what: string): RowImage {
  if (json === null) throw new Error(`captured change lacks its ${what} image`);
  const parsed = JSON.parse(json) as Record<string, unknown>;
  const result: Record<string, string | null> = {};
  for (const [column, value] of Object.entries(parsed)) result[column] = value === null ? null : String(value);
  return result;
}

function sameImage(a: RowImage, b: RowImage): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

/** The captured rows as row events, in execution order; updates that changed nothing are dropped. */
export function rowEventsOf(rows: readonly CaptureRow[]): RowEvent[] {
  const events: RowEvent[] = [];
  for (const row of rows) {
    const schema = row.schema_name;
    const table = row.table_name;
    switch (row.change_type) {
      case 'insert':
        events.push({ type: 'insert', schema, table, after: image(row.after_image, 'after') });
        break;
      case 'update': {
        const before = image(row.before_image, 'before');
        const after = image(row.after_image, 'after');
        if (!sameImage(before, after)) events.push({ type: 'update', schema, table, before, after });
        break;
      }
      case 'delete':
        events.push({ type: 'delete', schema, table, before: image(row.before_image, 'before') });
        break;
      default:
        throw new Error(`unknown captured change ${row.change_type}`);
    }
  }
  return events;
}
