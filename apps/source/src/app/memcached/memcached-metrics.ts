import { type Command, DELETED, ERROR, EXISTS, NOT_FOUND, NOT_STORED, OK, STORED, TOUCHED } from '@kbinlog/memcached-protocol';
import { CounterPairs } from '@kbinlog/service-runtime';
import type { Registry } from 'prom-client';

/** How a command ended, in memcached's own words where it has them. */
export type MemcachedResult = 'stored' | 'not_stored' | 'exists' | 'not_found' | 'deleted' | 'touched' | 'hit' | 'miss' | 'ok' | 'error' | 'client_error' | 'server_error';

/** The shared reply constants, by identity: no reply bytes are read for them. */
const CONSTANT_RESULTS = new Map<Buffer, MemcachedResult>([
  [STORED, 'stored'],
  [NOT_STORED, 'not_stored'],
  [EXISTS, 'exists'],
  [NOT_FOUND, 'not_found'],
  [DELETED, 'deleted'],
  [TOUCHED, 'touched'],
  [OK, 'ok'],
  [ERROR, 'error'],
]);

const V = 0x56;
const A = 0x41;
const E = 0x45;
const C = 0x43;
const S = 0x53;

/** The result a reply (before noreply silenced it) stands for. */
export function memcachedResult(reply: Buffer | 'close'): MemcachedResult {
  if (reply === 'close' || reply.length === 0) return 'ok';
  const known = CONSTANT_RESULTS.get(reply);
  if (known) return known;
  switch (reply[0]) {
    case V: // VALUE …: a retrieval with at least one hit; else VERSION
      return reply[1] === A ? 'hit' : 'ok';
    case E: // a retrieval's bare END (EXISTS and ERROR are constants)
      return 'miss';
    case C:
      return 'client_error';
    case S: // SERVER_ERROR, else stats' STAT lines
      return reply[1] === E ? 'server_error' : 'ok';
    default: // incr/decr's new value
      return 'ok';
  }
}

/** The command as memcached's stats name it: the verb where one kind has several. */
export function memcachedCommandName(command: Command): string {
  switch (command.kind) {
    case 'store':
    case 'get':
    case 'gat':
    case 'arithmetic':
      return command.verb;
    default:
      return command.kind;
  }
}

/** The memcached front door's commands by command and result. */
export class MemcachedMetrics {
  private readonly commands: CounterPairs<string, MemcachedResult>;

  constructor(registry: Registry) {
    this.commands = new CounterPairs(registry, {
      name: 'kbinlog_memcached_commands_total',
      help: 'memcached commands executed, by command (set, get, incr …) and result (stored, hit, miss, not_found, client_error, server_error …).',
      labelNames: ['command', 'result'],
    });
  }

  /** `reply` is the command's reply before noreply silenced it. */
  executed(command: Command, reply: Buffer | 'close'): void {
    this.commands.inc(memcachedCommandName(command), memcachedResult(reply));
  }
}
