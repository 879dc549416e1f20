/**
 * What the parser hands to a server: one object per text-protocol request. Values are already
 * validated and converted the way memcached 1.6 converts them (see numbers.ts and keys.ts).
 */

export type StorageVerb = 'set' | 'add' | 'replace' | 'append' | 'prepend';

export interface StoreCommand {
  readonly kind: 'store';
  readonly verb: StorageVerb;
  readonly key: string;
  /** 32-bit unsigned; larger input was reduced modulo 2^32, as memcached does. */
  readonly flags: number;
  /** Signed 32-bit: 0 never, ≤ 2592000 relative seconds, larger a Unix time, negative expired. */
  readonly exptime: number;
  /** A copy: it never shares memory with the chunks pushed into the parser. */
  readonly data: Buffer;
  readonly noreply: boolean;
}

export interface CasCommand {
  readonly kind: 'cas';
  readonly key: string;
  readonly flags: number;
  readonly exptime: number;
  readonly data: Buffer;
  /** Unsigned 64-bit. */
  readonly casUnique: bigint;
  readonly noreply: boolean;
}

export interface GetCommand {
  readonly kind: 'get';
  readonly verb: 'get' | 'gets';
  /** At least one key, in request order, duplicates kept (memcached answers each). */
  readonly keys: string[];
}

export interface GatCommand {
  readonly kind: 'gat';
  readonly verb: 'gat' | 'gats';
  readonly exptime: number;
  /** May be empty: memcached answers `gat <exptime>` alone with a bare `END`. */
  readonly keys: string[];
}

export interface TouchCommand {
  readonly kind: 'touch';
  readonly key: string;
  readonly exptime: number;
  readonly noreply: boolean;
}

export interface DeleteCommand {
  readonly kind: 'delete';
  readonly key: string;
  readonly noreply: boolean;
}

export interface ArithmeticCommand {
  readonly kind: 'arithmetic';
  readonly verb: 'incr' | 'decr';
  readonly key: string;
  /** Unsigned 64-bit. */
  readonly delta: bigint;
  readonly noreply: boolean;
}

export interface FlushAllCommand {
  readonly kind: 'flush_all';
  /**
   * 0 = now. Otherwise read like an exptime (≤ 2592000 relative seconds, larger a Unix time).
   * A negative delay means now in memcached, so it arrives here as 0.
   */
  readonly delaySeconds: number;
  readonly noreply: boolean;
}

export interface VersionCommand {
  readonly kind: 'version';
}

export interface VerbosityCommand {
  readonly kind: 'verbosity';
  /** 32-bit unsigned (memcached clamps it to its highest level; that is the server's business). */
  readonly level: number;
  readonly noreply: boolean;
}

export interface StatsCommand {
  readonly kind: 'stats';
  /** `stats` alone gives []; `stats settings` gives ['settings']. The server rejects what it lacks. */
  readonly args: string[];
}

export interface QuitCommand {
  readonly kind: 'quit';
}

export type Command =
  | StoreCommand
  | CasCommand
  | GetCommand
  | GatCommand
  | TouchCommand
  | DeleteCommand
  | ArithmeticCommand
  | FlushAllCommand
  | VersionCommand
  | VerbosityCommand
  | StatsCommand
  | QuitCommand;

export type ParseItem =
  | { readonly type: 'command'; readonly command: Command }
  /**
   * `reply` is the whole reply line without its `\r\n` (e.g. `ERROR`, `CLIENT_ERROR bad data chunk`);
   * write it (see `replyLine`) and go on, or close the connection after writing it when `close`.
   */
  | { readonly type: 'error'; readonly reply: string; readonly close: boolean };
