/**
 * The memcached text protocol, incrementally: push bytes as they arrive, then call next() until
 * it returns undefined. Like kafkajs' Connection.processData it keeps partial input between
 * pushes and yields as many items as are complete, whatever the chunking: a request split at
 * any byte, or many requests in one chunk, give the same items.
 *
 * The states are memcached's connection states:
 *   conn_parse_cmd  waiting for a command line (line-reader.ts, then commands.ts);
 *   conn_nread      reading a storage command's data block: exactly `<bytes>` + 2 bytes;
 *   conn_swallow    discarding the data block of a refused storage command;
 *   conn_closing    after an error with `close`: everything is dropped.
 *
 * Memory: next() consumes or discards as it goes, so with the push-then-drain loop the parser
 * holds at most one chunk plus max(2048 bytes of command line, maxMultigetLineLength of
 * multi-get, maxItemSize + 2 of data block). Swallowed blocks are never held.
 */
import type { Command, ParseItem } from './command';
import { type LineOutcome, parseCommandLine, type StorageHeader } from './commands';
import { ErrorReply } from './error-replies';
import { type MemcachedParserOptions, type ParserLimits, resolveLimits } from './limits';
import { LineReader } from './line-reader';
import { ReadBuffer } from './read-buffer';

const CR = 0x0d;
const LF = 0x0a;

type State =
  | { readonly name: 'parse_cmd' }
  | { readonly name: 'nread'; readonly header: StorageHeader }
  | { readonly name: 'swallow'; remaining: number }
  | { readonly name: 'closing' };

const PARSE_CMD: State = { name: 'parse_cmd' };

export class MemcachedParser {
  private readonly limits: ParserLimits;
  private readonly buffer = new ReadBuffer();
  private readonly lines: LineReader;
  private state: State = PARSE_CMD;

  constructor(options: MemcachedParserOptions = {}) {
    this.limits = resolveLimits(options);
    this.lines = new LineReader(this.limits.maxMultigetLineLength);
  }

  /** Appends received bytes. The parser may keep `chunk` itself: do not modify it afterwards. */
  push(chunk: Buffer): void {
    if (this.state.name === 'closing') return;
    this.buffer.push(chunk);
  }

  /** The next complete item, or undefined until more bytes are pushed. */
  next(): ParseItem | undefined {
    for (;;) {
      switch (this.state.name) {
        case 'closing':
          return undefined;
        case 'swallow':
          if (!this.swallow(this.state)) return undefined;
          break;
        case 'nread': {
          if (this.buffer.length < this.state.header.bytes + 2) return undefined;
          const item = this.completeNread(this.state.header);
          if (item) return item;
          break;
        }
        case 'parse_cmd': {
          const search = this.lines.next(this.buffer.view());
          if (search.type === 'more') return undefined;
          if (search.type === 'too_long') return this.close(ErrorReply.lineTooLong);
          const outcome = parseCommandLine(search.line, this.limits);
          this.buffer.consume(search.consumed);
          const item = this.afterLine(outcome);
          if (item) return item;
          break;
        }
      }
    }
  }

  /** Bytes pushed and not yet parsed or discarded. */
  get bufferedBytes(): number {
    return this.buffer.length;
  }

  /** True once an error with `close` was returned; the parser then ignores all input. */
  get closed(): boolean {
    return this.state.name === 'closing';
  }

  private afterLine(outcome: LineOutcome): ParseItem | undefined {
    switch (outcome.type) {
      case 'command':
        return { type: 'command', command: outcome.command };
      case 'data':
        this.state = { name: 'nread', header: outcome.header };
        return undefined;
      case 'error':
        if (outcome.swallow !== undefined) this.state = { name: 'swallow', remaining: outcome.swallow };
        return outcome.silent ? undefined : { type: 'error', reply: outcome.reply, close: false };
    }
  }

  /** Discards what it can of a refused data block; true when the block is gone. */
  private swallow(state: { remaining: number }): boolean {
    const n = Math.min(state.remaining, this.buffer.length);
    this.buffer.consume(n);
    state.remaining -= n;
    if (state.remaining > 0) return false;
    this.state = PARSE_CMD;
    return true;
  }

  /**
   * complete_nread_ascii, once the whole block is buffered: memcached reads exactly `<bytes>` + 2 bytes, whatever
   * they are, and only then checks that the last two are `\r\n`. So a block of the wrong length
   * is not resynchronised on the next `\r\n`: parsing resumes right after those bytes. For the
   * manual's `set test1 10 0 1\r\nt1\r\n` memcached reads `t1\r` (bad data chunk), and the `\n`
   * left over is an empty command line: `ERROR`. A block ended by a bare `\n` is bad too:
   * memcached accepts the bare `\n` on command lines only.
   *
   * Undefined when noreply silences a bad chunk's reply.
   */
  private completeNread(header: StorageHeader): ParseItem | undefined {
    const unread = this.buffer.view();
    this.state = PARSE_CMD;
    if (unread[header.bytes] !== CR || unread[header.bytes + 1] !== LF) {
      this.buffer.consume(header.bytes + 2);
      return header.noreply ? undefined : { type: 'error', reply: ErrorReply.badDataChunk, close: false };
    }
    const data = this.buffer.take(header.bytes);
    this.buffer.consume(2);
    return { type: 'command', command: storageCommand(header, data) };
  }

  private close(reply: string): ParseItem {
    this.state = { name: 'closing' };
    this.buffer.clear();
    this.lines.reset();
    return { type: 'error', reply, close: true };
  }
}

function storageCommand(header: StorageHeader, data: Buffer): Command {
  const { key, flags, exptime, noreply } = header;
  return header.verb === 'cas'
    ? { kind: 'cas', key, flags, exptime, data, casUnique: header.casUnique, noreply }
    : { kind: 'store', verb: header.verb, key, flags, exptime, data, noreply };
}
