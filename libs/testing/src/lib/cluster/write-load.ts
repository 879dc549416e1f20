import { randomUUID } from 'node:crypto';
import { type LoadProtocol, type LoadWriter, openWriter, type PlannedWrite, tableOf } from './load-writers';
import type { SourceEndpoint, SourceResolver } from './source-endpoint';
import { WriteLedger } from './write-ledger';

export interface WriteLoadOptions {
  readonly resolveSource: SourceResolver;
  /** One client per entry, each with its own connection. */
  readonly clients: readonly LoadProtocol[];
  /** A write not answered within this is unacknowledged (a frozen source never answers). */
  readonly writeTimeoutMs?: number;
  /** Pause between one client's writes, so a shared machine keeps room for the cluster. */
  readonly pauseMs?: number;
  /** Pause after a failed write or resolution before trying again. */
  readonly retryPauseMs?: number;
  /** Every n-th SQL write updates a row the client wrote before instead of inserting one. */
  readonly sqlUpdateEvery?: number;
}

/** From a client's first refused or failed write to its next acknowledged one. */
export interface RefusalInterval {
  readonly client: number;
  readonly fromMs: number;
  readonly toMs: number;
  /** The source that refused (or did not answer), and the one that took the next write. */
  readonly refusedBy: string | null;
  readonly acceptedBy: string;
}

export interface WriteLoadReport {
  readonly acknowledged: number;
  readonly unacknowledged: number;
  readonly refusals: readonly RefusalInterval[];
  /** The longest refusal interval any client saw, 0 if none. */
  readonly longestRefusalMs: number;
  /** Clients still refused when the load stopped. */
  readonly stillRefused: number;
}

/** `count` clients, memcached and SQL alternating. */
export function mixedClients(count: number): LoadProtocol[] {
  return Array.from({ length: count }, (_, index): LoadProtocol => (index % 2 === 0 ? 'memcached' : 'sql'));
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * K concurrent clients writing unique keys to whichever node is the source, memcached `set` and
 * SQL INSERT/UPDATE, as applications would through a failover: on an error or a lost connection a
 * client finds the source again and goes on with a NEW key, because the write it lost may or may
 * not have happened. The ledger keeps every acknowledged write for the verification.
 */
export class WriteLoad {
  readonly ledger = new WriteLedger();
  readonly refusals: RefusalInterval[] = [];
  private stopping = false;
  private stillRefused = 0;
  private readonly runs: Promise<void>[];
  private readonly runId = randomUUID().slice(0, 4);

  private constructor(private readonly options: WriteLoadOptions) {
    this.runs = options.clients.map((protocol, index) => this.runClient(index + 1, protocol));
  }

  static start(options: WriteLoadOptions): WriteLoad {
    return new WriteLoad(options);
  }

  get acknowledgedCount(): number {
    return this.ledger.acknowledged.length;
  }

  /** Stops every client after its current write and reports. */
  async stop(): Promise<WriteLoadReport> {
    this.stopping = true;
    await Promise.all(this.runs);
    return {
      acknowledged: this.ledger.acknowledged.length,
      unacknowledged: this.ledger.unacknowledgedCount,
      refusals: this.refusals,
      longestRefusalMs: Math.max(0, ...this.refusals.map((refusal) => refusal.toMs - refusal.fromMs)),
      stillRefused: this.stillRefused,
    };
  }

  /** Refusal intervals that began at or after `fromMs`. */
  refusalsSince(fromMs: number): RefusalInterval[] {
    return this.refusals.filter((refusal) => refusal.toMs >= fromMs);
  }

  private async runClient(client: number, protocol: LoadProtocol): Promise<void> {
    const { resolveSource, writeTimeoutMs = 3_000, pauseMs = 0, retryPauseMs = 100, sqlUpdateEvery = 3 } = this.options;
    const table = tableOf(protocol);
    // Keys whose last write was acknowledged: the only ones an update may touch.
    const updatable: string[] = [];
    let writer: LoadWriter | undefined;
    let endpoint: SourceEndpoint | undefined;
    let refused: { fromMs: number; by: string | null } | undefined;
    for (let n = 1; !this.stopping; n++) {
      const startedMs = Date.now();
      const update = protocol === 'sql' && n % sqlUpdateEvery === 0 && updatable.length > 0;
      // Keys fit demo_test.c1 (VARCHAR(32)).
      const write: PlannedWrite = {
        table,
        key: update ? (updatable.shift() as string) : `${this.runId}-${client}-${n}`,
        value: `v${client}-${n}-${startedMs}`,
        update,
      };
      let sent = false;
      let acknowledged = false;
      try {
        endpoint ??= await resolveSource();
        writer ??= await openWriter(protocol, endpoint, writeTimeoutMs);
        sent = true;
        acknowledged = await writer.send(write, writeTimeoutMs);
      } catch {
        acknowledged = false;
      }
      if (acknowledged && endpoint) {
        const atMs = Date.now();
        this.ledger.acknowledge({ client, table, key: write.key, value: write.value, node: endpoint.node, atMs });
        updatable.push(write.key);
        if (refused) this.refusals.push({ client, fromMs: refused.fromMs, toMs: atMs, refusedBy: refused.by, acceptedBy: endpoint.node });
        refused = undefined;
      } else {
        if (sent) this.ledger.unacknowledged(table, write.key, write.value);
        else if (update) updatable.unshift(write.key);
        refused ??= { fromMs: startedMs, by: endpoint?.node ?? null };
        writer?.close();
        writer = undefined;
        endpoint = undefined;
        await pause(retryPauseMs);
      }
      if (pauseMs > 0) await pause(pauseMs);
    }
    writer?.close();
    if (refused) this.stillRefused += 1;
  }
}
