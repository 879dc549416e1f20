import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { decodeTopologyRecord, type NodeReport, type RecoveryRecord, type SourceAssignment, type TopologyRecord, TopologyFormatError } from './topology-records';

const READY_TIMEOUT_MS = 60_000;

export interface TopologyViewLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

/** What a view holds: the latest record of every key. */
export interface TopologySnapshot {
  readonly nodes: ReadonlyMap<string, NodeReport>;
  readonly source: SourceAssignment | undefined;
  readonly recovery: RecoveryRecord | undefined;
}

/**
 * The topology as the latest record per key, read read_committed from the topic's beginning and
 * followed from then on. `start` resolves once everything the topic held at start has been read:
 * a coordinator that starts knows the cluster at once, and a node knows who is source before it
 * picks its own role.
 */
export class TopologyView implements TopologySnapshot {
  private readonly consumer: Consumer;
  private readonly nodeReports = new Map<string, NodeReport>();
  private assignment: SourceAssignment | undefined;
  private lastRecovery: RecoveryRecord | undefined;
  private readonly listeners = new Set<(record: TopologyRecord | null, key: string) => void>();
  private nextOffset = 0n;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly log: TopologyViewLog,
  ) {
    // A group of its own (never committed): every view reads the whole topic.
    this.consumer = kafka.consumer({ groupId: `${topic}.view.${randomUUID()}`, readUncommitted: false, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
  }

  get nodes(): ReadonlyMap<string, NodeReport> {
    return this.nodeReports;
  }

  get source(): SourceAssignment | undefined {
    return this.assignment;
  }

  get recovery(): RecoveryRecord | undefined {
    return this.lastRecovery;
  }

  /** Called after every record applied to the view (null record: a tombstone). */
  onChange(listener: (record: TopologyRecord | null, key: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    const end = await this.endOffset();
    const { consumer, topic } = this;
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (payload.topic === topic) {
        const next = BigInt(payload.lastOffset) + 1n;
        if (next > this.nextOffset) this.nextOffset = next;
      }
    });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) this.apply(message.key?.toString('utf8') ?? '', message.value);
        if (batch.messages.length > 0) this.nextOffset = BigInt(batch.messages[batch.messages.length - 1].offset) + 1n;
      },
    });
    await this.readTo(end, READY_TIMEOUT_MS);
  }

  /**
   * Resolves once the view holds everything committed to the topic by now. A new leader calls it
   * after fencing its predecessor, so it decides on the predecessor's last records, not on a
   * view that lags them.
   */
  async catchUp(timeoutMs: number): Promise<void> {
    await this.readTo(await this.endOffset(), timeoutMs);
  }

  private async endOffset(): Promise<bigint> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(this.topic);
      return BigInt(offsets.find((entry) => entry.partition === 0)?.high ?? '0');
    } finally {
      await admin.disconnect();
    }
  }

  private async readTo(end: bigint, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // The tail may be a transaction marker no batch hands over: the fetch position passing `end`
    // (END_BATCH_PROCESS's lastOffset counts markers) also means caught up.
    while (this.nextOffset < end) {
      if (Date.now() > deadline) throw new Error(`topology ${this.topic}: read to offset ${this.nextOffset} of ${end} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Resolves once `accept` holds for the view, or rejects after `timeoutMs`. */
  async waitFor(accept: (view: TopologySnapshot) => boolean, timeoutMs: number, what: string): Promise<void> {
    if (accept(this)) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new Error(`topology: ${what} not seen within ${timeoutMs} ms`));
      }, timeoutMs);
      const unsubscribe = this.onChange(() => {
        if (!accept(this)) return;
        clearTimeout(timer);
        unsubscribe();
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }

  private apply(key: string, value: Buffer | null): void {
    let record: TopologyRecord | null;
    try {
      record = decodeTopologyRecord(key, value);
    } catch (error) {
      // One bad record must not blind the coordinator to the rest: skip it, loudly.
      if (error instanceof TopologyFormatError) {
        this.log.warn({ event: 'topology.bad_record', key, error: error.message }, 'skipping a malformed topology record');
        return;
      }
      throw error;
    }
    if (record === null) {
      if (key.startsWith('node/')) this.nodeReports.delete(key.slice('node/'.length));
    } else if (record.kind === 'node') {
      this.nodeReports.set(record.node, record);
    } else if (record.kind === 'source') {
      // Generations only grow: a stale assignment read late must not win.
      if (!this.assignment || record.generation >= this.assignment.generation) this.assignment = record;
    } else {
      this.lastRecovery = record;
    }
    for (const listener of this.listeners) listener(record, key);
  }
}
