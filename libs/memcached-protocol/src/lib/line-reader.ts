/**
 * Stage one of memcached's parse (try_read_command_ascii): find the next complete command line
 * in the read buffer, and refuse to wait for one that is too long.
 */
import { COMMAND_LINE_MAX_LENGTH, MULTIGET_MAX_LEADING_SPACES } from './limits';

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const GET = Buffer.from('get ', 'latin1');
const GETS = Buffer.from('gets ', 'latin1');

export type LineSearch =
  | { readonly type: 'line'; readonly line: Buffer; readonly consumed: number }
  | { readonly type: 'more' }
  | { readonly type: 'too_long' };

/**
 * Finds lines in successive views of the same buffer. It remembers how far it has looked, so
 * input arriving a byte at a time is scanned once, not once per byte.
 */
export class LineReader {
  private scanned = 0;

  constructor(private readonly maxMultigetLineLength: number) {}

  /**
   * The first line in `unread`, without its `\n` and the `\r` before it, and how many bytes it
   * used. memcached also ends a line at a bare `\n` (telnet and `nc` users rely on it).
   *
   * Length rule: memcached closes a connection holding more than 2048 bytes and no `\n`, unless
   * they begin (after at most 100 spaces) with `get ` or `gets `. Whether it sees the `\n` in
   * time depends on how TCP cut the stream; we apply the rule to the bytes before the `\n`
   * whenever it arrives, so the outcome depends only on the bytes. That is memcached's outcome
   * when input trickles in, the strictest case. Multi-gets stop at maxMultigetLineLength.
   */
  next(unread: Buffer): LineSearch {
    const newline = unread.indexOf(LF, this.scanned);
    const length = newline === -1 ? unread.length : newline;
    if (length > COMMAND_LINE_MAX_LENGTH && (!isMultiget(unread) || length > this.maxMultigetLineLength)) {
      this.scanned = 0;
      return { type: 'too_long' };
    }
    if (newline === -1) {
      this.scanned = unread.length;
      return { type: 'more' };
    }
    this.scanned = 0;
    const end = newline > 0 && unread[newline - 1] === CR ? newline - 1 : newline;
    return { type: 'line', line: unread.subarray(0, end), consumed: newline + 1 };
  }

  reset(): void {
    this.scanned = 0;
  }
}

function isMultiget(unread: Buffer): boolean {
  let start = 0;
  while (start < unread.length && unread[start] === SPACE) start++;
  if (start > MULTIGET_MAX_LEADING_SPACES) return false;
  const rest = unread.subarray(start);
  return startsWith(rest, GET) || startsWith(rest, GETS);
}

function startsWith(bytes: Buffer, prefix: Buffer): boolean {
  return bytes.length >= prefix.length && bytes.subarray(0, prefix.length).equals(prefix);
}
