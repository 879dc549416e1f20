/**
 * Numeric tokens, read the way memcached's util.c reads them on a 64-bit machine, so the same
 * input gives the same value or the same error:
 *
 * - safe_strtoull (cas unique, incr/decr delta): 0..2^64-1; more is ERANGE, a '-' is refused.
 * - safe_strtoul (flags, verbosity): strtoul is 64-bit there, and the result is stored into a
 *   uint32_t, so 2^32 becomes 0: memcached keeps flags modulo 2^32. A '-' is refused.
 * - safe_strtol (exptime, bytes, delays): strtol is 64-bit (outside int64 is ERANGE), and the
 *   result is stored into an int32_t, so it wraps: 2^31 reads as -2^31, 2^32 as 0.
 *
 * Where strtol is laxer we are strict: a token must be an optional sign and decimal digits only.
 * strtol would also skip leading whitespace (a tab), stop at trailing whitespace, and read `-0`
 * (or, through unsigned wrap-around, a '-' number beyond -2^63) as an unsigned value.
 */

const UNSIGNED = /^\+?[0-9]+$/;
const SIGNED = /^[+-]?[0-9]+$/;
const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

/** safe_strtoull: unsigned 64-bit, or undefined. */
export function parseUint64(token: Buffer): bigint | undefined {
  const text = token.toString('latin1');
  if (!UNSIGNED.test(text)) return undefined;
  const value = BigInt(text);
  return value <= U64_MAX ? value : undefined;
}

/** safe_strtoul into a uint32_t: reduced modulo 2^32, or undefined. */
export function parseUint32Wrapping(token: Buffer): number | undefined {
  const value = parseUint64(token);
  return value === undefined ? undefined : Number(BigInt.asUintN(32, value));
}

/** safe_strtol into an int32_t: wrapped to signed 32 bits, or undefined. */
export function parseInt32Wrapping(token: Buffer): number | undefined {
  const text = token.toString('latin1');
  if (!SIGNED.test(text)) return undefined;
  const value = BigInt(text);
  if (value < I64_MIN || value > I64_MAX) return undefined;
  return Number(BigInt.asIntN(32, value));
}
