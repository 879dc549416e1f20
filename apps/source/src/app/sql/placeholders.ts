import type { ParamType, ParamValue } from '@kbinlog/mysql-protocol';
import { ColumnType } from '@kbinlog/mysql-protocol';
import { escape } from 'mysql2';

/**
 * Where the `?` placeholders of a prepared statement are: outside strings, quoted identifiers
 * and comments. Prepared statements run as text on the source's database with their parameters
 * bound as literals (as mysql2 and Connector/J do client-side), so the statement that runs is the
 * one classified and captured like any other.
 */
export function placeholderOffsets(sql: string): number[] {
  const offsets: number[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    if (c === "'" || c === '"' || c === '`') {
      i = skipQuoted(sql, i, c);
    } else if (c === '#' || (c === '-' && sql.startsWith('-- ', i)) || (c === '-' && sql.startsWith('--', i) && i + 2 === sql.length)) {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else {
      if (c === '?') offsets.push(i);
      i++;
    }
  }
  return offsets;
}

function skipQuoted(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (c === '\\' && quote !== '`') i += 2;
    else if (c === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return sql.length;
}

const NUMERIC_TYPES = new Set<number>([ColumnType.TINY, ColumnType.SHORT, ColumnType.LONG, ColumnType.LONGLONG, ColumnType.INT24, ColumnType.YEAR, ColumnType.FLOAT, ColumnType.DOUBLE, ColumnType.DECIMAL, ColumnType.NEWDECIMAL]);
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** A parameter as a SQL literal: numbers bare (LIMIT ? needs an integer), everything else escaped. */
export function literalOf(value: ParamValue, type: ParamType | undefined): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string' && type && NUMERIC_TYPES.has(type.type) && NUMBER.test(value)) return value;
  if (Buffer.isBuffer(value)) return `X'${value.toString('hex')}'`;
  return escape(value);
}

/** The statement with its placeholders replaced by the parameters' literals. */
export function bindParameters(sql: string, offsets: readonly number[], values: readonly ParamValue[], types: readonly ParamType[]): string {
  let out = '';
  let from = 0;
  offsets.forEach((offset, index) => {
    out += sql.slice(from, offset) + literalOf(values[index] ?? null, types[index]);
    from = offset + 1;
  });
  return out + sql.slice(from);
}
