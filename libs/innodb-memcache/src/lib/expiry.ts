/**
 * Expiry, memcached's rules [M][O], stored as an absolute Unix time as the plugin stores it [S]:
 * - 0: never expires;
 * - 1..2592000 (30 days): seconds from now;
 * - more than 2592000: an absolute Unix time (one in the past is already expired);
 * - negative: already expired.
 *
 * The plugin differs at two edges, and we follow memcached: it treats exactly 2592000 as an
 * absolute time (`exp < 60*60*24*30`), and it keeps an item alive during its last second
 * (`now > exp` expires; memcached expires at `exp <= now`).
 */

/** The largest relative exptime: 30 days in seconds. */
export const MAX_RELATIVE_EXPTIME = 60 * 60 * 24 * 30;

/** Stored for "never expires". */
export const NEVER_EXPIRES = 0;

/**
 * Stored for "already expired": Unix time 1 (1970-01-01T00:00:01Z), non-zero and in the past of
 * every clock. memcached stores the same kind of sentinel (realtime() returns 1 for a negative
 * exptime). A constant, rather than `now - 1`, keeps the row event deterministic and obvious in SQL.
 */
export const ALREADY_EXPIRED = 1;

function assertSeconds(value: number, what: string): void {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`${what} must be an integer number of seconds, got ${value}`);
  }
}

/**
 * The absolute Unix time to store for a client's `exptime` at `nowSeconds`: 0 for never,
 * ALREADY_EXPIRED for a negative exptime, `now + exptime` for a relative one, `exptime` itself
 * for an absolute one (which may be in the past: isExpired then says so).
 *
 * The result may not fit the expiry column (a signed INT ends in January 2038, INT_MAX32 in the
 * manual): compare it with `Container.expiry.max` before writing.
 */
export function toExpiresAt(exptime: number, nowSeconds: number): number {
  assertSeconds(exptime, 'exptime');
  assertSeconds(nowSeconds, 'now');
  if (nowSeconds < 0) {
    throw new RangeError(`now must not be negative, got ${nowSeconds}`);
  }
  if (exptime === 0) return NEVER_EXPIRES;
  if (exptime < 0) return ALREADY_EXPIRED;
  if (exptime <= MAX_RELATIVE_EXPTIME) return nowSeconds + exptime;
  return exptime;
}

/**
 * Whether a row whose expiry column holds `expiresAt` is gone at `nowSeconds`: a get then misses
 * (the row stays until overwritten [S]). 0 and NULL never expire (the plugin skips the check for
 * both [S]); anything else expires once `expiresAt <= now` [M] (negative values included).
 */
export function isExpired(expiresAt: number | bigint | null | undefined, nowSeconds: number): boolean {
  assertSeconds(nowSeconds, 'now');
  if (expiresAt === null || expiresAt === undefined) return false;
  const at = BigInt(expiresAt);
  return at !== 0n && at <= BigInt(nowSeconds);
}
