import { Charset, ColumnType, ServerStatus } from './constants';
import { ProtocolError } from './errors';
import { PayloadWriter } from './wire';

export interface Ok {
  affectedRows?: number | bigint;
  lastInsertId?: number | bigint;
  /** Default SERVER_STATUS_AUTOCOMMIT. */
  statusFlags?: number;
  warnings?: number;
  info?: string;
  /**
   * CLIENT_SESSION_TRACK was agreed: info is length-encoded (MariaDB Connector/C reads it so
   * whatever was agreed). Without it, info runs to the end of the payload (string<EOF>).
   */
  sessionTrack?: boolean;
}

/** OK packet for a PROTOCOL_41 client; no info, no bytes after the warnings. */
export function encodeOk(ok: Ok = {}): Buffer {
  const writer = new PayloadWriter()
    .u8(0x00)
    .lenencInt(ok.affectedRows ?? 0)
    .lenencInt(ok.lastInsertId ?? 0)
    .u16(ok.statusFlags ?? ServerStatus.AUTOCOMMIT)
    .u16(ok.warnings ?? 0);
  if (ok.info && ok.sessionTrack) writer.lenencBytes(Buffer.from(ok.info, 'utf8'));
  else if (ok.info) writer.bytes(Buffer.from(ok.info, 'utf8'));
  return writer.toBuffer();
}

export interface Err {
  errno: number;
  /** Exactly five characters of [0-9A-Z]. */
  sqlState: string;
  message: string;
}

/** MySQL's MYSQL_ERRMSG_SIZE: clients keep no more of a message than this. */
export const MAX_ERROR_MESSAGE_BYTES = 512;

/** ERR packet: 0xFF, errno, '#', SQLSTATE, message (cut to 512 bytes on a character boundary). */
export function encodeErr(err: Err): Buffer {
  if (!/^[0-9A-Z]{5}$/.test(err.sqlState)) throw new RangeError(`SQLSTATE must be 5 characters [0-9A-Z]: ${JSON.stringify(err.sqlState)}`);
  if (!Number.isInteger(err.errno) || err.errno < 1 || err.errno > 0xffff) throw new RangeError(`errno out of range: ${err.errno}`);
  let message = Buffer.from(err.message, 'utf8');
  if (message.length > MAX_ERROR_MESSAGE_BYTES) {
    let end = MAX_ERROR_MESSAGE_BYTES;
    while (end > 0 && ((message[end] as number) & 0xc0) === 0x80) end--;
    message = message.subarray(0, end);
  }
  return new PayloadWriter().u8(0xff).u16(err.errno).u8(0x23).bytes(Buffer.from(err.sqlState, 'ascii')).bytes(message).toBuffer();
}

/** ERR packet for a ProtocolError raised while decoding. */
export function encodeProtocolError(error: ProtocolError): Buffer {
  return encodeErr({ errno: error.errno, sqlState: error.sqlState, message: error.message });
}

export interface Eof {
  warnings?: number;
  statusFlags?: number;
}

export function encodeEof(eof: Eof = {}): Buffer {
  return new PayloadWriter().u8(0xfe).u16(eof.warnings ?? 0).u16(eof.statusFlags ?? ServerStatus.AUTOCOMMIT).toBuffer();
}

export function encodeColumnCount(count: number): Buffer {
  return new PayloadWriter().lenencInt(count).toBuffer();
}

export interface ColumnDefinition {
  schema?: string;
  table?: string;
  /** Defaults to table. */
  orgTable?: string;
  name: string;
  /** Defaults to name. */
  orgName?: string;
  type: number;
  /** Default utf8mb4_general_ci (45); use 63 (binary) for numbers and BLOBs. */
  charset?: number;
  /** Maximum display length in bytes. */
  length?: number;
  flags?: number;
  decimals?: number;
}

/** Protocol::ColumnDefinition41. */
export function encodeColumnDefinition41(column: ColumnDefinition): Buffer {
  const table = column.table ?? '';
  return new PayloadWriter()
    .lenencBytes('def')
    .lenencBytes(column.schema ?? '')
    .lenencBytes(table)
    .lenencBytes(column.orgTable ?? table)
    .lenencBytes(column.name)
    .lenencBytes(column.orgName ?? column.name)
    .lenencInt(0x0c)
    .u16(column.charset ?? Charset.UTF8MB4_GENERAL_CI)
    .u32(column.length ?? 0)
    .u8(column.type)
    .u16(column.flags ?? 0)
    .u8(column.decimals ?? 0)
    .zeros(2)
    .toBuffer();
}

export type TextValue = string | Buffer | null;

/** A text-protocol row: each value a length-encoded string, NULL as 0xFB. */
export function encodeTextRow(values: readonly TextValue[]): Buffer {
  const writer = new PayloadWriter();
  for (const value of values) {
    if (value === null) writer.lenencNull();
    else writer.lenencBytes(value);
  }
  return writer.toBuffer();
}

/** A whole text result set as payloads: column count, definitions, EOF, rows, EOF. */
export function encodeTextResultSet(
  columns: readonly ColumnDefinition[],
  rows: readonly (readonly TextValue[])[],
  statusFlags: number = ServerStatus.AUTOCOMMIT,
): Buffer[] {
  const payloads = [encodeColumnCount(columns.length), ...columns.map(encodeColumnDefinition41), encodeEof({ statusFlags })];
  for (const row of rows) {
    if (row.length !== columns.length) throw new RangeError(`row has ${row.length} values for ${columns.length} columns`);
    payloads.push(encodeTextRow(row));
  }
  payloads.push(encodeEof({ statusFlags }));
  return payloads;
}

export interface StmtPrepareOk {
  statementId: number;
  columnCount: number;
  paramCount: number;
  warnings?: number;
}

/** COM_STMT_PREPARE_OK: 0x00, statement id, columns, params, filler, warnings. */
export function encodeStmtPrepareOk(ok: StmtPrepareOk): Buffer {
  return new PayloadWriter()
    .u8(0x00)
    .u32(ok.statementId)
    .u16(ok.columnCount)
    .u16(ok.paramCount)
    .u8(0)
    .u16(ok.warnings ?? 0)
    .toBuffer();
}

/** What MySQL describes a `?` placeholder as before it knows the bound type. */
export const PARAMETER_DEFINITION: ColumnDefinition = { name: '?', type: ColumnType.VAR_STRING, charset: Charset.BINARY };

/** The full prepare response: OK, then parameter definitions + EOF and column definitions + EOF when present. */
export function encodeStmtPrepareResponse(
  statementId: number,
  params: readonly ColumnDefinition[],
  columns: readonly ColumnDefinition[],
  options: { warnings?: number; statusFlags?: number } = {},
): Buffer[] {
  const payloads = [
    encodeStmtPrepareOk({ statementId, columnCount: columns.length, paramCount: params.length, warnings: options.warnings ?? 0 }),
  ];
  for (const definitions of [params, columns]) {
    if (definitions.length === 0) continue;
    payloads.push(...definitions.map(encodeColumnDefinition41), encodeEof({ statusFlags: options.statusFlags ?? ServerStatus.AUTOCOMMIT }));
  }
  return payloads;
}
