/**
 * Stage two of memcached's parse (process_command_ascii): one complete command line, split into
 * tokens, becomes a command, a storage header still waiting for its data block, or an error.
 * Each verb's checks run in the order proto_text.c runs them, so the same bad line gets the same
 * reply. Token counts below are memcached's `ntokens - 1` (it counts a terminal empty token).
 */
import type { Command, StorageVerb } from './command';
import { ErrorReply } from './error-replies';
import { decodeKey } from './keys';
import { DATA_LENGTH_MAX, type ParserLimits } from './limits';
import { parseInt32Wrapping, parseUint32Wrapping, parseUint64 } from './numbers';
import { tokenize } from './tokenize';

interface StorageFields {
  readonly key: string;
  readonly flags: number;
  readonly exptime: number;
  readonly bytes: number;
  readonly noreply: boolean;
}

/** A storage command whose line has been read; `bytes` + 2 bytes of data block come next. */
export type StorageHeader =
  | (StorageFields & { readonly verb: StorageVerb })
  | (StorageFields & { readonly verb: 'cas'; readonly casUnique: bigint });

export type LineOutcome =
  | { readonly type: 'command'; readonly command: Command }
  | { readonly type: 'data'; readonly header: StorageHeader }
  | {
      readonly type: 'error';
      readonly reply: string;
      /**
       * memcached's out_string writes nothing once it has seen `noreply` on the line, errors
       * included (a client that asked for silence is not reading replies).
       */
      readonly silent: boolean;
      /** Bytes of the data block to discard unread (memcached's conn_swallow). */
      readonly swallow?: number;
    };

const error = (reply: string, silent = false): LineOutcome => ({ type: 'error', reply, silent });
const command = (value: Command): LineOutcome => ({ type: 'command', command: value });

/** set_noreply_maybe: the last token, whichever command, turns replies off. */
function hasNoreply(tokens: readonly Buffer[]): boolean {
  return tokens.length > 1 && tokens[tokens.length - 1].toString('latin1') === 'noreply';
}

export function parseCommandLine(line: Buffer, limits: ParserLimits): LineOutcome {
  const tokens = tokenize(line);
  if (tokens.length === 0) return error(ErrorReply.unknownCommand);
  // Names are compared as bytes: `GET` and `get\t` are unknown commands.
  const name = tokens[0].toString('latin1');
  const n = tokens.length;
  switch (name) {
    case 'get':
    case 'gets':
      return n >= 2 ? processGet(name, tokens) : error(ErrorReply.unknownCommand);
    case 'gat':
    case 'gats':
      return n >= 2 ? processGat(name, tokens) : error(ErrorReply.unknownCommand);
    case 'set':
    case 'add':
    case 'replace':
    case 'append':
    case 'prepend':
      return n === 5 || n === 6 ? processUpdate(name, tokens, limits) : error(ErrorReply.unknownCommand);
    case 'cas':
      return n === 6 || n === 7 ? processUpdate('cas', tokens, limits) : error(ErrorReply.unknownCommand);
    case 'incr':
    case 'decr':
      return n === 3 || n === 4 ? processArithmetic(name, tokens) : error(ErrorReply.unknownCommand);
    case 'touch':
      return n === 3 || n === 4 ? processTouch(tokens) : error(ErrorReply.unknownCommand);
    case 'delete':
      return n >= 2 && n <= 4 ? processDelete(tokens) : error(ErrorReply.unknownCommand);
    case 'flush_all':
      return n <= 3 ? processFlushAll(tokens) : error(ErrorReply.unknownCommand);
    case 'verbosity':
      return n === 2 || n === 3 ? processVerbosity(tokens) : error(ErrorReply.unknownCommand);
    case 'stats':
      return command({ kind: 'stats', args: tokens.slice(1).map((token) => token.toString('latin1')) });
    // memcached ignores anything after these two.
    case 'version':
      return command({ kind: 'version' });
    case 'quit':
      return command({ kind: 'quit' });
    default:
      return error(ErrorReply.unknownCommand);
  }
}

/** Keys from `first` on; one bad key fails the whole request, as in process_get_command. */
function decodeKeys(tokens: readonly Buffer[], first: number): string[] | undefined {
  const keys: string[] = [];
  for (let i = first; i < tokens.length; i++) {
    const key = decodeKey(tokens[i]);
    if (key === undefined) return undefined;
    keys.push(key);
  }
  return keys;
}

function processGet(verb: 'get' | 'gets', tokens: readonly Buffer[]): LineOutcome {
  const keys = decodeKeys(tokens, 1);
  return keys ? command({ kind: 'get', verb, keys }) : error(ErrorReply.badCommandLineFormat);
}

function processGat(verb: 'gat' | 'gats', tokens: readonly Buffer[]): LineOutcome {
  const exptime = parseInt32Wrapping(tokens[1]);
  if (exptime === undefined) return error(ErrorReply.invalidExptime);
  const keys = decodeKeys(tokens, 2);
  return keys ? command({ kind: 'gat', verb, exptime, keys }) : error(ErrorReply.badCommandLineFormat);
}

/** process_update_command: `<verb> <key> <flags> <exptime> <bytes> [<cas unique>] [noreply]`. */
function processUpdate(verb: StorageVerb | 'cas', tokens: readonly Buffer[], limits: ParserLimits): LineOutcome {
  const noreply = hasNoreply(tokens);
  const key = decodeKey(tokens[1]);
  if (key === undefined) return error(ErrorReply.badCommandLineFormat, noreply);
  const flags = parseUint32Wrapping(tokens[2]);
  const exptime = parseInt32Wrapping(tokens[3]);
  const bytes = parseInt32Wrapping(tokens[4]);
  if (flags === undefined || exptime === undefined || bytes === undefined) {
    return error(ErrorReply.badCommandLineFormat, noreply);
  }
  const casUnique = verb === 'cas' ? parseUint64(tokens[5]) : 0n;
  if (casUnique === undefined) return error(ErrorReply.badCommandLineFormat, noreply);
  if (bytes < 0 || bytes > DATA_LENGTH_MAX) return error(ErrorReply.badCommandLineFormat, noreply);
  if (bytes > limits.maxItemSize) {
    // The client sends the block anyway; discard it rather than read it as commands.
    return { type: 'error', reply: ErrorReply.objectTooLarge, silent: noreply, swallow: bytes + 2 };
  }
  const fields: StorageFields = { key, flags, exptime, bytes, noreply };
  return { type: 'data', header: verb === 'cas' ? { ...fields, verb, casUnique } : { ...fields, verb } };
}

function processArithmetic(verb: 'incr' | 'decr', tokens: readonly Buffer[]): LineOutcome {
  const noreply = hasNoreply(tokens);
  const key = decodeKey(tokens[1]);
  if (key === undefined) return error(ErrorReply.badCommandLineFormat, noreply);
  const delta = parseUint64(tokens[2]);
  if (delta === undefined) return error(ErrorReply.invalidDelta, noreply);
  return command({ kind: 'arithmetic', verb, key, delta, noreply });
}

function processTouch(tokens: readonly Buffer[]): LineOutcome {
  const noreply = hasNoreply(tokens);
  const key = decodeKey(tokens[1]);
  if (key === undefined) return error(ErrorReply.badCommandLineFormat, noreply);
  const exptime = parseInt32Wrapping(tokens[2]);
  if (exptime === undefined) return error(ErrorReply.invalidExptime, noreply);
  return command({ kind: 'touch', key, exptime, noreply });
}

/**
 * `delete <key> [0] [noreply]`: the `0` is what is left of the old hold time; anything else in
 * its place gets the usage line.
 */
function processDelete(tokens: readonly Buffer[]): LineOutcome {
  let noreply = false;
  if (tokens.length > 2) {
    const holdIsZero = tokens[2].toString('latin1') === '0';
    noreply = hasNoreply(tokens);
    const valid = tokens.length === 3 ? holdIsZero || noreply : holdIsZero && noreply;
    if (!valid) return error(ErrorReply.deleteUsage, noreply);
  }
  const key = decodeKey(tokens[1]);
  if (key === undefined) return error(ErrorReply.badCommandLineFormat, noreply);
  return command({ kind: 'delete', key, noreply });
}

/** `flush_all [delay] [noreply]`: a token other than a trailing `noreply` must be the delay. */
function processFlushAll(tokens: readonly Buffer[]): LineOutcome {
  const noreply = hasNoreply(tokens);
  let delay = 0;
  if (tokens.length !== (noreply ? 2 : 1)) {
    const parsed = parseInt32Wrapping(tokens[1]);
    if (parsed === undefined) return error(ErrorReply.invalidExptime, noreply);
    delay = Math.max(0, parsed);
  }
  return command({ kind: 'flush_all', delaySeconds: delay, noreply });
}

function processVerbosity(tokens: readonly Buffer[]): LineOutcome {
  const noreply = hasNoreply(tokens);
  const level = parseUint32Wrapping(tokens[1]);
  if (level === undefined) return error(ErrorReply.badCommandLineFormat, noreply);
  return command({ kind: 'verbosity', level, noreply });
}
