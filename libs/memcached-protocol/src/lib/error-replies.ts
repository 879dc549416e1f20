/**
 * Every error line the parser produces, byte for byte as memcached 1.6 writes them (without
 * `\r\n`), in one table so tests and servers name them instead of retyping them.
 */
export const ErrorReply = {
  /** Unknown command, empty line, or a known command with the wrong number of tokens. */
  unknownCommand: 'ERROR',
  badCommandLineFormat: 'CLIENT_ERROR bad command line format',
  badDataChunk: 'CLIENT_ERROR bad data chunk',
  deleteUsage: 'CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]',
  invalidExptime: 'CLIENT_ERROR invalid exptime argument',
  invalidDelta: 'CLIENT_ERROR invalid numeric delta argument',
  objectTooLarge: 'SERVER_ERROR object too large for cache',
  /** Ours: memcached closes such a connection without a word (see README). */
  lineTooLong: 'CLIENT_ERROR line too long',
} as const;

export type ErrorReplyText = (typeof ErrorReply)[keyof typeof ErrorReply];
