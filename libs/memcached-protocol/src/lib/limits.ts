/**
 * The numbers that bound what one connection may send, named as memcached names them.
 */

/** KEY_MAX_LENGTH: longest key in bytes. */
export const KEY_MAX_LENGTH = 250;

/**
 * Longest command line (bytes before its `\n`) other than a multi-get. memcached closes a
 * connection holding more than 2048 bytes without a newline, unless they start a `get`/`gets`.
 */
export const COMMAND_LINE_MAX_LENGTH = 2048;

/** memcached tolerates at most this many spaces before a long `get` (try_read_command_ascii). */
export const MULTIGET_MAX_LEADING_SPACES = 100;

/** item_size_max (`-I`): 1 MiB. */
export const DEFAULT_MAX_ITEM_SIZE = 1024 * 1024;

/**
 * memcached lets a multi-get line grow without bound; we stop at 1 MiB (about 4000 keys of
 * the longest length, or 100 000 of 10 bytes).
 */
export const DEFAULT_MAX_MULTIGET_LINE_LENGTH = 1024 * 1024;

/** memcached reads `<bytes>` into an int32 and refuses more than INT_MAX - 2 (room for `\r\n`). */
export const DATA_LENGTH_MAX = 2 ** 31 - 1 - 2;

export interface MemcachedParserOptions {
  /** Largest data block (`<bytes>`) accepted; larger ones get `SERVER_ERROR object too large for cache`. */
  readonly maxItemSize?: number;
  /** Longest `get`/`gets` line in bytes; a longer one closes the connection. */
  readonly maxMultigetLineLength?: number;
}

export interface ParserLimits {
  readonly maxItemSize: number;
  readonly maxMultigetLineLength: number;
}

export function resolveLimits(options: MemcachedParserOptions = {}): ParserLimits {
  const maxItemSize = options.maxItemSize ?? DEFAULT_MAX_ITEM_SIZE;
  const maxMultigetLineLength = options.maxMultigetLineLength ?? DEFAULT_MAX_MULTIGET_LINE_LENGTH;
  if (!Number.isSafeInteger(maxItemSize) || maxItemSize < 0 || maxItemSize > DATA_LENGTH_MAX) {
    throw new RangeError(`maxItemSize must be an integer in 0..${DATA_LENGTH_MAX}, got ${maxItemSize}`);
  }
  if (!Number.isSafeInteger(maxMultigetLineLength) || maxMultigetLineLength < COMMAND_LINE_MAX_LENGTH) {
    throw new RangeError(
      `maxMultigetLineLength must be an integer of at least ${COMMAND_LINE_MAX_LENGTH}, got ${maxMultigetLineLength}`,
    );
  }
  return { maxItemSize, maxMultigetLineLength };
}
