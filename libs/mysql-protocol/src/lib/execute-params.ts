import { ColumnType } from './constants';
import { malformed, ProtocolError, rethrowMalformedAs, ServerError } from './errors';
import { decodeUtf8, PayloadReader } from './wire';

export interface ParamType {
  type: number;
  unsigned: boolean;
}

/**
 * A parameter in MySQL text form, ready to be bound as a literal: numbers and temporals as strings,
 * text as a string, bytes that are not valid UTF-8 (binary BLOB data) as a Buffer, or null.
 */
export type ParamValue = string | Buffer | null;

export interface ExecuteParams {
  values: ParamValue[];
  /** The types in effect; pass them as previousTypes to the next execute of the statement. */
  types: ParamType[];
}

const wrong = (why: string) =>
  new ProtocolError(ServerError.WRONG_ARGUMENTS, `Incorrect arguments to mysqld_stmt_execute: ${why}`);

/**
 * Reads COM_STMT_EXECUTE's parameter block (`rest` of the decoded command). Without new types
 * (new-params-bound = 0) the previous execute's types are reused. Every failure is ER_WRONG_ARGUMENTS.
 */
export function decodeExecuteParams(rest: Buffer, paramCount: number, previousTypes?: readonly ParamType[]): ExecuteParams {
  try {
    return decode(rest, paramCount, previousTypes);
  } catch (error) {
    return rethrowMalformedAs(error, ServerError.WRONG_ARGUMENTS, 'Incorrect arguments to mysqld_stmt_execute');
  }
}

function decode(rest: Buffer, paramCount: number, previousTypes?: readonly ParamType[]): ExecuteParams {
  if (paramCount === 0) return { values: [], types: [] };
  const reader = new PayloadReader(rest);
  const bitmap = reader.bytes(Math.floor((paramCount + 7) / 8), 'NULL bitmap');
  const newParamsBound = reader.u8('new-params-bound flag');
  let types: ParamType[];
  if (newParamsBound === 1) {
    types = [];
    for (let i = 0; i < paramCount; i++) {
      const type = reader.u8('parameter type');
      types.push({ type, unsigned: (reader.u8('parameter flags') & 0x80) !== 0 });
    }
  } else if (newParamsBound === 0) {
    if (!previousTypes || previousTypes.length !== paramCount) throw wrong('parameter types were never sent');
    types = [...previousTypes];
  } else {
    throw wrong(`new-params-bound flag ${newParamsBound}`);
  }
  const values: ParamValue[] = [];
  for (let i = 0; i < paramCount; i++) {
    const isNull = ((bitmap[i >> 3] as number) & (1 << (i & 7))) !== 0;
    values.push(isNull ? null : readValue(reader, types[i] as ParamType, i));
  }
  return { values, types };
}

const pad = (value: number | bigint, width: number) => String(value).padStart(width, '0');

/** Shortest decimal that reads back as the same float32 (1.1f is '1.1', not '1.100000023841858'). */
function float32Text(value: number): string {
  for (let precision = 1; precision < 9; precision++) {
    const text = Number(value.toPrecision(precision));
    if (Math.fround(text) === value) return String(text);
  }
  return String(value);
}

function finite(value: number, index: number): number {
  if (!Number.isFinite(value)) throw wrong(`parameter ${index} is not a finite number`);
  return value;
}

function readValue(reader: PayloadReader, { type, unsigned }: ParamType, index: number): ParamValue {
  const what = `parameter ${index}`;
  switch (type) {
    case ColumnType.NULL:
      return null;
    case ColumnType.TINY:
      return String(unsigned ? reader.u8(what) : reader.i8(what));
    case ColumnType.SHORT:
    case ColumnType.YEAR:
      return String(unsigned ? reader.u16(what) : reader.i16(what));
    case ColumnType.LONG:
    case ColumnType.INT24:
      return String(unsigned ? reader.u32(what) : reader.i32(what));
    case ColumnType.LONGLONG:
      return String(unsigned ? reader.u64(what) : reader.i64(what));
    case ColumnType.FLOAT:
      return float32Text(finite(reader.f32(what), index));
    case ColumnType.DOUBLE:
      return String(finite(reader.f64(what), index));
    case ColumnType.DATE:
    case ColumnType.DATETIME:
    case ColumnType.TIMESTAMP:
      return readDateTime(reader, type === ColumnType.DATE, what);
    case ColumnType.TIME:
      return readTime(reader, what);
    case ColumnType.DECIMAL:
    case ColumnType.NEWDECIMAL:
    case ColumnType.JSON:
      return reader.lenencString(what);
    case ColumnType.VARCHAR:
    case ColumnType.VAR_STRING:
    case ColumnType.STRING:
    case ColumnType.ENUM:
    case ColumnType.SET:
    case ColumnType.BIT:
    case ColumnType.TINY_BLOB:
    case ColumnType.MEDIUM_BLOB:
    case ColumnType.LONG_BLOB:
    case ColumnType.BLOB:
    case ColumnType.GEOMETRY: {
      // Drivers send strings and Buffers alike as VAR_STRING; keep bytes that are not text as bytes.
      const bytes = Buffer.from(reader.lenencBytes(what));
      try {
        return decodeUtf8(bytes, what);
      } catch {
        return bytes;
      }
    }
    default:
      throw wrong(`parameter ${index} has unsupported type 0x${type.toString(16).padStart(2, '0')}`);
  }
}

/** Binary DATE/DATETIME/TIMESTAMP: length 0, 4 (date), 7 (+ time) or 11 (+ microseconds). */
function readDateTime(reader: PayloadReader, dateOnly: boolean, what: string): string {
  const length = reader.u8(what);
  if (![0, 4, 7, 11].includes(length)) throw malformed(`${what} has a date length of ${length}`);
  const value = reader.bytes(length, what);
  const year = length ? value.readUInt16LE(0) : 0;
  const date = `${pad(year, 4)}-${pad(value[2] ?? 0, 2)}-${pad(value[3] ?? 0, 2)}`;
  if (dateOnly) return date;
  const time = `${pad(value[4] ?? 0, 2)}:${pad(value[5] ?? 0, 2)}:${pad(value[6] ?? 0, 2)}`;
  const micros = length === 11 ? value.readUInt32LE(7) : 0;
  return micros ? `${date} ${time}.${pad(micros, 6)}` : `${date} ${time}`;
}

/** Binary TIME: length 0, 8 (sign, days, h:m:s) or 12 (+ microseconds); days fold into hours. */
function readTime(reader: PayloadReader, what: string): string {
  const length = reader.u8(what);
  if (![0, 8, 12].includes(length)) throw malformed(`${what} has a time length of ${length}`);
  if (length === 0) return '00:00:00';
  const value = reader.bytes(length, what);
  const negative = value[0] === 1;
  const hours = value.readUInt32LE(1) * 24 + (value[5] as number);
  const micros = length === 12 ? value.readUInt32LE(8) : 0;
  const text = `${pad(hours, 2)}:${pad(value[6] as number, 2)}:${pad(value[7] as number, 2)}`;
  return `${negative ? '-' : ''}${text}${micros ? `.${pad(micros, 6)}` : ''}`;
}
