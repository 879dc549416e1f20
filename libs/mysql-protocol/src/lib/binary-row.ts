import { ColumnFlag, ColumnType } from './constants';
import type { ColumnDefinition } from './responses';
import { PayloadWriter } from './wire';

/** A value for a binary row: MySQL text form (as the text protocol gives it), or native numbers/bytes. */
export type BinaryValue = string | Buffer | number | bigint | null;

const INTEGER_BYTES: Record<number, 1 | 2 | 4 | 8> = {
  [ColumnType.TINY]: 1,
  [ColumnType.SHORT]: 2,
  [ColumnType.YEAR]: 2,
  [ColumnType.INT24]: 4,
  [ColumnType.LONG]: 4,
  [ColumnType.LONGLONG]: 8,
};

/**
 * A binary-protocol row (COM_STMT_EXECUTE results): 0x00, a NULL bitmap with offset 2, then each
 * non-NULL value encoded for its column type. Values the type cannot hold throw RangeError.
 */
export function encodeBinaryRow(columns: readonly ColumnDefinition[], values: readonly BinaryValue[]): Buffer {
  if (values.length !== columns.length) throw new RangeError(`row has ${values.length} values for ${columns.length} columns`);
  const bitmap = Buffer.alloc(Math.floor((columns.length + 7 + 2) / 8));
  values.forEach((value, i) => {
    if (value === null) bitmap[(i + 2) >> 3] = (bitmap[(i + 2) >> 3] as number) | (1 << ((i + 2) & 7));
  });
  const writer = new PayloadWriter().u8(0x00).bytes(bitmap);
  columns.forEach((column, i) => {
    const value = values[i] ?? null;
    if (value !== null) writeValue(writer, column, value);
  });
  return writer.toBuffer();
}

function writeValue(writer: PayloadWriter, column: ColumnDefinition, value: Exclude<BinaryValue, null>): void {
  const { type } = column;
  const size = INTEGER_BYTES[type];
  if (size) return writeInteger(writer, size, ((column.flags ?? 0) & ColumnFlag.UNSIGNED) !== 0, value, column.name);
  switch (type) {
    case ColumnType.FLOAT:
      writer.f32(toNumber(value, column.name));
      return;
    case ColumnType.DOUBLE:
      writer.f64(toNumber(value, column.name));
      return;
    case ColumnType.DATE:
    case ColumnType.DATETIME:
    case ColumnType.TIMESTAMP:
      writeDateTime(writer, String(value), column.name);
      return;
    case ColumnType.TIME:
      writeTime(writer, String(value), column.name);
      return;
    default:
      // Strings, BLOBs, DECIMAL, JSON, ENUM, SET, BIT: length-encoded bytes.
      writer.lenencBytes(Buffer.isBuffer(value) ? value : String(value));
  }
}

function writeInteger(writer: PayloadWriter, size: 1 | 2 | 4 | 8, unsigned: boolean, value: Exclude<BinaryValue, null>, name: string): void {
  let n: bigint;
  try {
    n = BigInt(Buffer.isBuffer(value) ? value.toString('latin1') : value);
  } catch {
    throw new RangeError(`column ${name}: ${String(value)} is not an integer`);
  }
  const bits = size * 8;
  const fits = unsigned ? BigInt.asUintN(bits, n) === n : BigInt.asIntN(bits, n) === n;
  if (!fits) throw new RangeError(`column ${name}: ${n} does not fit ${unsigned ? 'unsigned ' : ''}${bits}-bit`);
  if (size === 8) writer.u64(BigInt.asUintN(64, n));
  else if (size === 4) writer.u32(Number(BigInt.asUintN(32, n)));
  else if (size === 2) writer.u16(Number(BigInt.asUintN(16, n)));
  else writer.u8(Number(BigInt.asUintN(8, n)));
}

function toNumber(value: Exclude<BinaryValue, null>, name: string): number {
  const n = Number(Buffer.isBuffer(value) ? value.toString('latin1') : value);
  if (Number.isNaN(n)) throw new RangeError(`column ${name}: ${String(value)} is not a number`);
  return n;
}

const DATETIME_TEXT = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?)?$/;

/** Shortest binary form: 0 for the zero date, 4 for midnight, 7 without microseconds, else 11. */
function writeDateTime(writer: PayloadWriter, text: string, name: string): void {
  const match = DATETIME_TEXT.exec(text);
  if (!match) throw new RangeError(`column ${name}: ${JSON.stringify(text)} is not a date or datetime`);
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0)) as number[];
  const micros = Number((match[7] ?? '').padEnd(6, '0'));
  if (!year && !month && !day && !hour && !minute && !second && !micros) {
    writer.u8(0);
  } else if (!hour && !minute && !second && !micros) {
    writer.u8(4).u16(year as number).u8(month as number).u8(day as number);
  } else {
    writer.u8(micros ? 11 : 7).u16(year as number).u8(month as number).u8(day as number);
    writer.u8(hour as number).u8(minute as number).u8(second as number);
    if (micros) writer.u32(micros);
  }
}

const TIME_TEXT = /^(-)?(\d{1,3}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

/** TIME as sign, days, hours, minutes, seconds (+ microseconds); 0 length for 00:00:00. */
function writeTime(writer: PayloadWriter, text: string, name: string): void {
  const match = TIME_TEXT.exec(text);
  if (!match) throw new RangeError(`column ${name}: ${JSON.stringify(text)} is not a time`);
  const hours = Number(match[2]);
  const minute = Number(match[3]);
  const second = Number(match[4]);
  const micros = Number((match[5] ?? '').padEnd(6, '0'));
  if (!hours && !minute && !second && !micros) {
    writer.u8(0);
    return;
  }
  writer.u8(micros ? 12 : 8).u8(match[1] ? 1 : 0).u32(Math.floor(hours / 24)).u8(hours % 24).u8(minute).u8(second);
  if (micros) writer.u32(micros);
}
