import type { RowEvent } from '@kbinlog/binlog';
import {
  applyArithmetic,
  isExpired,
  type Container,
  type MemcachedOperation,
  planOperation,
  routeGetKeys,
  routeKey,
  switchReportValue,
  toExpiresAt,
  valueColumnForFlags,
  splitValue,
  joinValues,
} from '@kbinlog/innodb-memcache';
import {
  type Command,
  DELETED,
  END,
  ERROR,
  EXISTS,
  NOT_FOUND,
  NOT_STORED,
  numberReply,
  OK,
  clientError,
  serverError,
  statsReply,
  STORED,
  TOUCHED,
  valuesReply,
  type ValueHit,
  versionReply,
} from '@kbinlog/memcached-protocol';
import { ApplyError, ER_DATA_TOO_LONG, mysqlQualifiedTable } from '@kbinlog/node-store';
import type { DataSource } from 'typeorm';
import { type WritePath, WriteRefusedError } from '@kbinlog/binlog-commit';
import { columnsOf, isLive, type Item, itemOf, readRow, type StoredRow } from './container-items';
import type { ReadCache } from './read-cache';
import type { InnodbMapping } from './innodb-mapping';
import type { MemcachedMetrics } from './memcached-metrics';
import type { CommandHandler, MemcachedSession } from './memcached-server';
import { MemoryStore } from './memory-store';

const NOTHING = Buffer.alloc(0);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** What a write decides from the live item (undefined when absent or expired). */
interface Decision {
  readonly reply: Buffer;
  /** The item to store, null to delete the row, undefined to change nothing. */
  readonly store?: Item | null;
}

type Decide = (current: Item | undefined, container: Container) => Decision;

/** Commands that change items: gat and gats too, since they move an item's expiry. */
const WRITING_COMMANDS: ReadonlySet<Command['kind']> = new Set(['store', 'cas', 'delete', 'arithmetic', 'touch', 'flush_all', 'gat']);

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** A client-facing error raised inside a write: answered as given, nothing written. */
class ReplyError extends Error {
  constructor(readonly reply: Buffer) {
    super('reply');
  }
}

/**
 * Executes memcached commands with the InnoDB plugin's semantics: keys and values live in the
 * rows of a container's table; every table write goes through the binlog committer (log first,
 * then the store, then the reply). Policies decide whether the table, the memory cache or both
 * are used.
 */
export class MemcachedEngine implements CommandHandler {
  private readonly memory = new MemoryStore();
  private readonly counters = { cmd_get: 0, cmd_set: 0, cmd_touch: 0, get_hits: 0, get_misses: 0, delete_hits: 0, delete_misses: 0 };
  private readonly startedAt = nowSeconds();
  /** The mapping is fixed for the engine's life: its container names are made once, not per command. */
  private readonly containerNames: ReadonlySet<string>;

  constructor(
    private readonly mapping: InnodbMapping,
    private readonly database: DataSource,
    private readonly writes: WritePath,
    private readonly version: string,
    private readonly connections: () => number,
    private readonly onInternalError: (error: unknown) => void,
    private readonly metrics: MemcachedMetrics,
    /** Rows recent gets read, kept coherent by the source's write path (see ReadCache). */
    private readonly readCache?: ReadCache,
  ) {
    this.containerNames = new Set(mapping.containers.keys());
  }

  async execute(command: Command, session: MemcachedSession): Promise<Buffer | 'close'> {
    // noreply silences the command's own replies; a server error is still sent.
    let quiet = 'noreply' in command && command.noreply;
    let reply: Buffer | 'close';
    try {
      // A node that is not the source refuses every command that would write, before it runs.
      reply = WRITING_COMMANDS.has(command.kind) ? await this.writes.admit(() => this.run(command, session)) : await this.run(command, session);
    } catch (error) {
      if (error instanceof ReplyError) reply = error.reply;
      else {
        reply = serverError(this.describeFailure(error));
        quiet = false;
      }
    }
    this.metrics.executed(command, reply);
    return quiet ? NOTHING : reply;
  }

  private async run(command: Command, session: MemcachedSession): Promise<Buffer | 'close'> {
    switch (command.kind) {
      case 'get':
        return await this.get(command.keys, command.verb === 'gets', undefined, session);
      case 'gat':
        return await this.get(command.keys, command.verb === 'gats', command.exptime, session);
      case 'store':
        return await this.store(command.verb, command.key, command.flags, command.exptime, command.data, undefined, session);
      case 'cas':
        return await this.store('cas', command.key, command.flags, command.exptime, command.data, command.casUnique, session);
      case 'delete':
        return await this.delete(command.key, session);
      case 'arithmetic':
        return await this.arithmetic(command.verb, command.key, command.delta, session);
      case 'touch':
        return await this.touch(command.key, command.exptime, session);
      case 'flush_all':
        return await this.flushAll(command.delaySeconds, session);
      case 'version':
        return versionReply(this.version);
      case 'verbosity':
        return OK;
      case 'stats':
        return command.args.length > 0 ? ERROR : this.stats();
      case 'quit':
        return 'close';
    }
  }

  /** A failed write in memcached's words where it has them; nothing of it was stored or logged. */
  private describeFailure(error: unknown): string {
    if (error instanceof WriteRefusedError) return error.message;
    if (error instanceof ApplyError && error.errno === ER_DATA_TOO_LONG) {
      // A key longer than its column is valid memcached but cannot be stored here; say which.
      const column = /for column '([^']+)'/.exec(error.message)?.[1];
      const keyColumns = new Set([...this.mapping.containers.values()].map((container) => container.key.name));
      return column && keyColumns.has(column) ? `key too long for column ${column}` : 'object too large for cache';
    }
    if (error instanceof ApplyError) return error.message.replace(/[\r\n]+/g, ' ');
    // The server refused the write's statement (a lock wait timeout, a deadlock): its words, for the client to retry.
    const { errno, sqlMessage } = error as { errno?: unknown; sqlMessage?: unknown };
    if (typeof errno === 'number' && typeof sqlMessage === 'string') return sqlMessage.replace(/[\r\n]+/g, ' ');
    this.onInternalError(error);
    return 'internal error';
  }


  private context(session: MemcachedSession) {
    return {
      delimiter: this.mapping.options.tableMapDelimiter,
      current: session.container ?? this.mapping.defaultContainer.name,
      containers: this.containerNames,
    };
  }

  /** Routes a single-key command; a miss or client error is thrown as its reply. */
  private route(key: string, session: MemcachedSession, miss: Buffer): { container: Container; key: string } {
    const route = routeKey(key, this.context(session));
    if (!route.ok) throw new ReplyError(route.reply === 'miss' ? miss : clientError(route.message));
    session.container = route.container;
    const container = this.mapping.containers.get(route.container);
    const lookup = route.keys[0]?.lookup;
    if (!container || lookup === null || lookup === undefined) throw new ReplyError(miss);
    return { container, key: lookup };
  }

  private plan(operation: MemcachedOperation) {
    const plan = planOperation(this.mapping.policies, operation);
    if (!plan.allowed && plan.refusal === 'error') {
      throw new ReplyError(serverError(`${operation} is disabled by innodb_memcache.cache_policies`));
    }
    return plan;
  }

  private async get(keys: readonly string[], withCas: boolean, exptime: number | undefined, session: MemcachedSession): Promise<Buffer> {
    this.counters.cmd_get += keys.length;
    const route = routeGetKeys(keys, this.context(session));
    if (!route.ok) return route.reply === 'miss' ? END : clientError(route.message);
    session.container = route.container;
    const container = this.mapping.containers.get(route.container);
    const plan = this.plan(exptime === undefined ? (withCas ? 'gets' : 'get') : withCas ? 'gats' : 'gat');
    if (!container || !plan.allowed) return END;
    const hits: ValueHit[] = [];
    for (const { requested, lookup } of route.keys) {
      if (lookup === null) {
        hits.push({ key: requested, flags: 0, data: Buffer.from(switchReportValue(container)), ...(withCas ? { casUnique: 0n } : {}) });
        continue;
      }
      const item =
        exptime === undefined
          ? await this.read(container, lookup, plan.stores)
          : await this.touchItem(container, lookup, exptime, plan.stores);
      if (item) {
        this.counters.get_hits++;
        hits.push({ key: requested, flags: item.flags, data: Buffer.from(item.value), ...(withCas ? { casUnique: item.cas } : {}) });
      } else {
        this.counters.get_misses++;
      }
    }
    return valuesReply(hits, withCas);
  }

  private async read(container: Container, key: string, stores: readonly string[]): Promise<Item | undefined> {
    const now = nowSeconds();
    for (const store of stores) {
      if (store === 'memory') {
        const item = this.liveMemoryItem(container, key);
        if (item) return item;
      } else {
        const row = await this.readTableRow(container, key);
        if (isLive(row, now)) return row.item;
      }
    }
    return undefined;
  }

  /** The key's row, from the read cache or else from the table (then cached). */
  private async readTableRow(container: Container, key: string): Promise<StoredRow | undefined> {
    const cache = this.readCache;
    const address = { schema: container.schema, table: container.table, keyColumn: container.key.name, key };
    const cached = cache?.get(address);
    if (cached) return cached;
    const ticket = cache?.ticket();
    const row = await readRow(this.database.manager, container, this.mapping.options, key, false);
    // Cached under the key the row holds: writes find it by that (a collation may match others).
    if (row && cache && ticket !== undefined && row.image[container.key.name] === key) cache.fill(address, row, ticket);
    return row;
  }

  private async touchItem(container: Container, key: string, exptime: number, stores: readonly string[]): Promise<Item | undefined> {
    let hit: Item | undefined;
    await this.mutate(container, key, stores, (current) => {
      hit = current && { ...current, expiresAt: toExpiresAt(exptime, nowSeconds()) };
      return { reply: NOTHING, store: hit };
    });
    return hit;
  }

  private async store(
    verb: 'set' | 'add' | 'replace' | 'append' | 'prepend' | 'cas',
    rawKey: string,
    flags: number,
    exptime: number,
    data: Buffer,
    casUnique: bigint | undefined,
    session: MemcachedSession,
  ): Promise<Buffer> {
    this.counters.cmd_set++;
    const { container, key } = this.route(rawKey, session, verb === 'cas' ? NOT_FOUND : NOT_STORED);
    const plan = this.plan(verb);
    let value: string;
    try {
      value = utf8.decode(data);
    } catch {
      return clientError('value is not valid UTF-8 text, which the mapped text columns require');
    }
    const expiresAt = toExpiresAt(exptime, nowSeconds());
    const fresh = (): Item => ({ value, flags, cas: this.mapping.cas.next(), expiresAt });
    if (!plan.allowed) return NOT_STORED;
    return this.mutate(container, key, plan.stores, (current) => {
      switch (verb) {
        case 'set':
          return { reply: STORED, store: fresh() };
        case 'add':
          return current ? { reply: NOT_STORED } : { reply: STORED, store: fresh() };
        case 'replace':
          return current ? { reply: STORED, store: fresh() } : { reply: NOT_STORED };
        case 'cas':
          if (!current) return { reply: NOT_FOUND };
          return current.cas === casUnique ? { reply: STORED, store: fresh() } : { reply: EXISTS };
        case 'append':
        case 'prepend': {
          if (!current) return { reply: NOT_STORED };
          // Old flags and expiry stay; with several value columns the command's flags pick the column [S].
          const joined = this.concatenate(container, current.value, value, verb, flags);
          return { reply: STORED, store: { ...current, value: joined, cas: this.mapping.cas.next() } };
        }
      }
    });
  }

  private concatenate(container: Container, stored: string, data: string, verb: 'append' | 'prepend', flags: number): string {
    const count = container.values.length;
    if (count === 1) return verb === 'append' ? stored + data : data + stored;
    const { separator } = this.mapping.options;
    const parts = splitValue(stored, separator, count);
    const index = valueColumnForFlags(flags, count);
    const part = parts[index] ?? '';
    parts[index] = verb === 'append' ? part + data : data + part;
    return joinValues(parts, separator);
  }

  private async delete(rawKey: string, session: MemcachedSession): Promise<Buffer> {
    const { container, key } = this.route(rawKey, session, NOT_FOUND);
    const plan = this.plan('delete');
    if (!plan.allowed) return NOT_FOUND;
    const reply = await this.mutate(container, key, plan.stores, (current) => (current ? { reply: DELETED, store: null } : { reply: NOT_FOUND }));
    if (reply === DELETED) this.counters.delete_hits++;
    else this.counters.delete_misses++;
    return reply;
  }

  private async arithmetic(verb: 'incr' | 'decr', rawKey: string, delta: bigint, session: MemcachedSession): Promise<Buffer> {
    const { container, key } = this.route(rawKey, session, NOT_FOUND);
    const plan = this.plan(verb);
    if (!plan.allowed) return NOT_FOUND;
    return this.mutate(container, key, plan.stores, (current) => {
      if (!current) return { reply: NOT_FOUND };
      const result = applyArithmetic(verb, current.value, delta);
      if (!result.ok) throw new ReplyError(clientError('cannot increment or decrement non-numeric value'));
      return { reply: numberReply(BigInt(result.value)), store: { ...current, value: result.value, cas: this.mapping.cas.next() } };
    });
  }

  private async touch(rawKey: string, exptime: number, session: MemcachedSession): Promise<Buffer> {
    this.counters.cmd_touch++;
    const { container, key } = this.route(rawKey, session, NOT_FOUND);
    const plan = this.plan('touch');
    if (!plan.allowed) return NOT_FOUND;
    return this.mutate(container, key, plan.stores, (current) =>
      current ? { reply: TOUCHED, store: { ...current, expiresAt: toExpiresAt(exptime, nowSeconds()) } } : { reply: NOT_FOUND },
    );
  }

  private async flushAll(delaySeconds: number, session: MemcachedSession): Promise<Buffer> {
    const container = this.mapping.containers.get(session.container ?? this.mapping.defaultContainer.name) ?? this.mapping.defaultContainer;
    const plan = this.plan('flush_all');
    if (!plan.allowed) return OK;
    const flush = async () => {
      for (const store of plan.stores) {
        if (store === 'memory') this.memory.flush(container.name);
        // MySQL logs flush_all as this statement [D]; it travels as a statement event.
        else {
          await this.writes.statement({
            type: 'statement',
            schema: container.schema,
            sql: `TRUNCATE TABLE ${mysqlQualifiedTable(container.schema, container.table)}`,
            tables: [{ schema: container.schema, table: container.table }],
          });
        }
      }
    };
    if (delaySeconds > 0) {
      // Like memcached, a delayed flush lives in this process only: a restart forgets it.
      setTimeout(() => void flush().catch(() => undefined), delaySeconds * 1000).unref();
      return OK;
    }
    await flush();
    return OK;
  }

  /**
   * Applies a write decision to each store of the plan. A table write is a keyed write of the
   * key's row: decided under its row lock, logged before it commits.
   */
  private async mutate(container: Container, key: string, stores: readonly string[], decide: Decide): Promise<Buffer> {
    let decision: Decision | undefined;
    if (stores.includes('table')) {
      decision = await this.writes.writeKeyed<Decision>({
        schema: container.schema,
        table: container.table,
        keyColumn: container.key.name,
        key,
        decide: (image) => {
          const row: StoredRow | undefined = image && { image, item: itemOf(container, this.mapping.options, image) };
          const decided = decide(isLive(row, nowSeconds()) ? row.item : undefined, container);
          return { change: this.changeOf(container, key, row, decided), result: decided };
        },
      });
    }
    if (stores.includes('memory')) {
      const memoryDecision = decision ?? decide(this.liveMemoryItem(container, key), container);
      decision ??= memoryDecision;
      if (memoryDecision.store === null) this.memory.delete(container.name, key);
      else if (memoryDecision.store) this.memory.set(container.name, key, memoryDecision.store);
    }
    return decision?.reply ?? NOTHING;
  }

  /** The row change a decision makes: a delete of a live row, an insert or an update of the stored one (expired rows included). */
  private changeOf(container: Container, key: string, row: StoredRow | undefined, decided: Decision): RowEvent | undefined {
    const { schema, table } = container;
    if (decided.store === null) return isLive(row, nowSeconds()) ? { type: 'delete', schema, table, before: row.image } : undefined;
    if (!decided.store) return undefined;
    const columns = columnsOf(container, this.mapping.options, key, decided.store);
    return row ? { type: 'update', schema, table, before: row.image, after: { ...row.image, ...columns } } : { type: 'insert', schema, table, after: columns };
  }

  private liveMemoryItem(container: Container, key: string): Item | undefined {
    const item = this.memory.get(container.name, key);
    return item && !isExpired(item.expiresAt, nowSeconds()) ? item : undefined;
  }

  private stats(): Buffer {
    const now = nowSeconds();
    return statsReply([
      ['pid', process.pid],
      ['uptime', now - this.startedAt],
      ['time', now],
      ['version', this.version],
      ['curr_connections', this.connections()],
      ...Object.entries(this.counters),
    ]);
  }
}
