/**
 * incr and decr on a stored value, as memcached 1.6 does them [M][O] (do_add_delta):
 * - the stored value must read as an unsigned 64-bit decimal (see parseCounter), otherwise the
 *   reply is `CLIENT_ERROR cannot increment or decrement non-numeric value`;
 * - incr wraps modulo 2^64 (18446744073709551615 + 1 = 0);
 * - decr stops at 0;
 * - the result is written back as plain decimal.
 *
 * The plugin differs: it reads whatever leading digits strtoull finds and never refuses ('12abc'
 * is 12, 'abc' and NULL are 0) [S]. Clients expect memcached's answer, so we follow memcached.
 * Also unlike memcached, which rewrites a shorter result in place padded with spaces ('99 ' after
 * decr of 100), the new value is stored without padding, as the plugin stores it.
 */

export const UINT64_MAX = (1n << 64n) - 1n;

export type CounterParse = { readonly ok: true; readonly value: bigint } | { readonly ok: false; readonly reason: 'non-numeric' };

export type ArithmeticResult =
  | {
      readonly ok: true;
      /** The new value in decimal: the reply to incr/decr and what to store. */
      readonly value: string;
    }
  | { readonly ok: false; readonly reason: 'non-numeric' };

const NON_NUMERIC = { ok: false, reason: 'non-numeric' } as const;

/** C isspace in the "C" locale: space, \t, \n, \v, \f, \r. */
const C_SPACE = /^[ \t\n\v\f\r]/;

/**
 * Reads a stored value the way memcached 1.6's safe_strtoull reads item data (which is always
 * followed by `\r\n`):
 * - leading C whitespace is skipped, then an optional `+`, then one or more decimal digits;
 * - the digits must be followed by C whitespace, a NUL or the end of the value; what follows
 *   is not looked at (`'12 abc'` reads as 12, as in memcached; `'12abc'` does not);
 * - the number must be at most 2^64 - 1: a 21-digit number is out of range, hence non-numeric.
 *   Leading zeros count toward nothing (`'000000000000000000001'` is 1), as in strtoull;
 * - a `-` sign is never numeric. (strtoull negates modulo 2^64 and memcached only catches the
 *   results with the top bit set, so it takes `-0` as 0 and `-18446744073709551615` as 1; we
 *   refuse every negative.)
 * - empty or NULL is non-numeric (memcached refuses a zero-byte value).
 */
export function parseCounter(stored: string | null | undefined): CounterParse {
  if (typeof stored !== 'string' || stored.length === 0) return NON_NUMERIC;
  let at = 0;
  while (at < stored.length && C_SPACE.test(stored[at])) at++;
  if (stored[at] === '+') at++;
  const digitsStart = at;
  while (at < stored.length && stored.charCodeAt(at) >= 48 && stored.charCodeAt(at) <= 57) at++;
  if (at === digitsStart) return NON_NUMERIC;
  // C strings end at NUL, so strtoull stops there too and safe_strtoull accepts it as the end.
  if (at < stored.length && stored[at] !== '\0' && !C_SPACE.test(stored[at])) return NON_NUMERIC;
  // Skip leading zeros before converting, so a long run of zeros costs nothing and the length
  // check below bounds the BigInt work on hostile input.
  let significant = digitsStart;
  while (significant < at - 1 && stored[significant] === '0') significant++;
  if (at - significant > 20) return NON_NUMERIC;
  const value = BigInt(stored.slice(significant, at));
  return value > UINT64_MAX ? NON_NUMERIC : { ok: true, value };
}

function assertDelta(delta: bigint): void {
  if (typeof delta !== 'bigint' || delta < 0n || delta > UINT64_MAX) {
    throw new RangeError(`an incr/decr delta is 0..${UINT64_MAX}, got ${String(delta)}`);
  }
}

/** incr: `stored + delta` modulo 2^64. `delta` is the parsed request delta (0..2^64-1). */
export function incrementValue(stored: string | null | undefined, delta: bigint): ArithmeticResult {
  assertDelta(delta);
  const parsed = parseCounter(stored);
  if (!parsed.ok) return parsed;
  return { ok: true, value: BigInt.asUintN(64, parsed.value + delta).toString() };
}

/** decr: `stored - delta`, or 0 when delta is larger. */
export function decrementValue(stored: string | null | undefined, delta: bigint): ArithmeticResult {
  assertDelta(delta);
  const parsed = parseCounter(stored);
  if (!parsed.ok) return parsed;
  return { ok: true, value: (delta > parsed.value ? 0n : parsed.value - delta).toString() };
}

export function applyArithmetic(
  operation: 'incr' | 'decr',
  stored: string | null | undefined,
  delta: bigint,
): ArithmeticResult {
  return operation === 'incr' ? incrementValue(stored, delta) : decrementValue(stored, delta);
}
