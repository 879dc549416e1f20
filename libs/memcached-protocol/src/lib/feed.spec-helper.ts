/**
 * Test helper: feeds the same input to fresh parsers cut in different ways and checks that
 * every way yields the same items. Only for specs.
 */
import type { Command, ParseItem } from './command';
import type { MemcachedParserOptions } from './limits';
import { MemcachedParser } from './parser';

export type Input = string | Buffer | ReadonlyArray<string | Buffer>;

export function toBuffer(input: Input): Buffer {
  if (typeof input === 'string') return Buffer.from(input, 'utf8');
  if (Buffer.isBuffer(input)) return input;
  return Buffer.concat(input.map((part) => toBuffer(part)));
}

/** Pushes each chunk and drains the parser after every push, as a server's 'data' handler does. */
export function feedChunks(chunks: readonly Buffer[], options?: MemcachedParserOptions): ParseItem[] {
  const parser = new MemcachedParser(options);
  const items: ParseItem[] = [];
  for (const chunk of chunks) {
    parser.push(chunk);
    drainInto(parser, items);
  }
  return items;
}

function drainInto(parser: MemcachedParser, items: ParseItem[]): void {
  for (let item = parser.next(); item; item = parser.next()) items.push(item);
}

function bytewise(bytes: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i++) chunks.push(bytes.subarray(i, i + 1));
  return chunks;
}

/**
 * Items from `input` fed whole, a byte at a time (draining after each byte), a byte at a time
 * with a single drain at the end, and cut in two at every point (small inputs); all must agree.
 */
export function parseAll(input: Input, options?: MemcachedParserOptions): ParseItem[] {
  const bytes = toBuffer(input);
  const whole = feedChunks([bytes], options);
  expect(feedChunks(bytewise(bytes), options)).toEqual(whole);

  const parser = new MemcachedParser(options);
  for (const chunk of bytewise(bytes)) parser.push(chunk);
  const drainedOnce: ParseItem[] = [];
  drainInto(parser, drainedOnce);
  expect(drainedOnce).toEqual(whole);

  if (bytes.length <= 512) {
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(feedChunks([bytes.subarray(0, cut), bytes.subarray(cut)], options)).toEqual(whole);
    }
  }
  return whole;
}

export const cmd = (command: Command): ParseItem => ({ type: 'command', command });
export const err = (reply: string, close = false): ParseItem => ({ type: 'error', reply, close });
