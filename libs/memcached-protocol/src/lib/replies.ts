/**
 * Replies as bytes, each ending in `\r\n`. Everything interpolated into a reply line is checked:
 * a CR or LF smuggled in through a key or message would let one reply pose as several.
 *
 * The constants are shared Buffers: write them, never modify them.
 */
import { isValidKey } from './keys';

const CRLF = Buffer.from('\r\n', 'latin1');
const LINE_BREAK = /[\r\n]/;
const U32_MAX = 2 ** 32 - 1;
const U64_MAX = (1n << 64n) - 1n;

/** One reply line: `text` + `\r\n`. Writes a parser error item: `replyLine(item.reply)`. */
export function replyLine(text: string): Buffer {
  if (LINE_BREAK.test(text)) throw new RangeError(`a reply line cannot contain CR or LF: ${JSON.stringify(text)}`);
  return Buffer.from(`${text}\r\n`, 'utf8');
}

export const STORED = replyLine('STORED');
export const NOT_STORED = replyLine('NOT_STORED');
export const EXISTS = replyLine('EXISTS');
export const NOT_FOUND = replyLine('NOT_FOUND');
export const DELETED = replyLine('DELETED');
export const TOUCHED = replyLine('TOUCHED');
export const OK = replyLine('OK');
export const END = replyLine('END');
export const ERROR = replyLine('ERROR');

/** `CLIENT_ERROR <message>`: the request was wrong. */
export function clientError(message: string): Buffer {
  return replyLine(`CLIENT_ERROR ${message}`);
}

/** `SERVER_ERROR <message>`: the request was fine, the server failed it. */
export function serverError(message: string): Buffer {
  return replyLine(`SERVER_ERROR ${message}`);
}

/** A hit of a get/gets/gat/gats. */
export interface ValueHit {
  readonly key: string;
  readonly flags: number;
  readonly data: Buffer;
  /** Required when the reply carries cas uniques (gets, gats). */
  readonly casUnique?: bigint;
}

/** `VALUE <key> <flags> <bytes>[ <cas unique>]\r\n<data>\r\n`: one hit, without the final END. */
export function value(key: string, flags: number, data: Buffer, casUnique?: bigint): Buffer {
  if (!isValidKey(key)) throw new RangeError(`not a valid memcached key: ${JSON.stringify(key)}`);
  if (!Number.isInteger(flags) || flags < 0 || flags > U32_MAX) {
    throw new RangeError(`flags must be a 32-bit unsigned integer, got ${flags}`);
  }
  if (casUnique !== undefined) assertUint64('cas unique', casUnique);
  const cas = casUnique === undefined ? '' : ` ${casUnique}`;
  const header = Buffer.from(`VALUE ${key} ${flags} ${data.length}${cas}\r\n`, 'utf8');
  return Buffer.concat([header, data, CRLF]);
}

/** The whole reply to a retrieval: every hit (misses are simply absent), then `END`. */
export function valuesReply(hits: readonly ValueHit[], withCas: boolean): Buffer {
  const parts = hits.map((hit) => {
    if (withCas && hit.casUnique === undefined) throw new RangeError(`hit ${JSON.stringify(hit.key)} lacks its cas unique`);
    return value(hit.key, hit.flags, hit.data, withCas ? hit.casUnique : undefined);
  });
  return Buffer.concat([...parts, END]);
}

/** incr/decr's reply: the new value in decimal. */
export function numberReply(n: bigint): Buffer {
  assertUint64('incr/decr value', n);
  return replyLine(n.toString());
}

export function versionReply(version: string): Buffer {
  return replyLine(`VERSION ${version}`);
}

export type StatValue = string | number | bigint;

/** `STAT <name> <value>` per entry, in order, then `END`. */
export function statsReply(stats: ReadonlyArray<readonly [string, StatValue]>): Buffer {
  const lines = stats.map(([name, stat]) => {
    if (name.length === 0 || /\s/.test(name)) throw new RangeError(`a stat name is one word: ${JSON.stringify(name)}`);
    return replyLine(`STAT ${name} ${String(stat)}`);
  });
  return Buffer.concat([...lines, END]);
}

function assertUint64(what: string, n: bigint): void {
  if (n < 0n || n > U64_MAX) throw new RangeError(`${what} must be a 64-bit unsigned integer, got ${n}`);
}
