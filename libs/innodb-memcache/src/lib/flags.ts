/**
 * memcached flags are 32-bit unsigned [M]; the flags column is INT or BIGINT, signed or not
 * (container.ts). A signed INT cannot hold 2^31 and above, so those flags are stored as their
 * two's-complement (4294967295 is stored as -1), as the plugin's int32 cast stores them [S]
 * (innodb_api_write_int), and read back modulo 2^32.
 */
import type { IntegerColumn } from './container';

export const FLAGS_MAX = 2 ** 32 - 1;

/** The number to write into the flags column for memcached flags `flags` (0..2^32-1). */
export function flagsToColumnValue(flags: number, column: Pick<IntegerColumn, 'min' | 'max'>): bigint {
  if (!Number.isSafeInteger(flags) || flags < 0 || flags > FLAGS_MAX) {
    throw new RangeError(`memcached flags are 0..${FLAGS_MAX}, got ${flags}`);
  }
  const value = BigInt(flags);
  return value > column.max ? BigInt.asIntN(32, value) : value;
}

/**
 * The memcached flags for what the flags column holds: modulo 2^32 (a signed INT's -1 is
 * 4294967295; a BIGINT written by SQL beyond 32 bits keeps its low 32 bits, as memcached 1.6.18
 * keeps flags modulo 2^32 [O]). NULL, or a value that is not an integer, reads as 0 (the plugin
 * reads a NULL flags column as no flags [S]).
 */
export function flagsFromColumnValue(stored: number | bigint | string | null | undefined): number {
  if (stored === null || stored === undefined) return 0;
  let value: bigint;
  try {
    value = BigInt(stored);
  } catch {
    return 0;
  }
  return Number(BigInt.asUintN(32, value));
}
