import { type BinlogGroup, BinlogFormatError, decodeBinlogGroup } from '@kbinlog/binlog';
import type { Consumer, Kafka } from 'kafkajs';

const SEEK_TIMEOUT_MS = 60_000;
const SESSION_TIMEOUT_MS = 6_000;
const HEARTBEAT_INTERVAL_MS = 1_000;

/** A record read from the binlog: a group, or the reason it could not be read. */
export type FetchedRecord =
  | { readonly offset: bigint; readonly group: BinlogGroup }
  | { readonly offset: bigint; readonly error: BinlogFormatError };

export interface ReaderHandlers {
  /** Called with each fetched batch in offset order; the next fetch waits for it (backpressure). */
  onRecords(records: readonly FetchedRecord[]): Promise<void>;
  /**
   * The fetch position moved to `nextOffset` (one past the last offset fetched, control and
   * aborted records included) with the log's high watermark at `highWatermark`.
   */
  onFetched(nextOffset: bigint, highWatermark: bigint): void;
  /** The consumer failed for good (kafkajs gave up restarting it): the fetcher has stopped. */
  onStopped(error: Error): void;
}

/**
 * Reads the binlog read_committed from a given offset: the replica's fetcher (MySQL's I/O
 * thread). The position that counts is the one the applier stores in its own database; the
 * consumer group only mirrors it (commitPosition) so Kafka's tools show the lag.
 */
export class BinlogReader {
  private readonly consumer: Consumer;
  private running = false;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
    groupId: string,
  ) {
    this.consumer = kafka.consumer({
      groupId,
      readUncommitted: false,
      maxWaitTimeInMs: 100,
      allowAutoTopicCreation: false,
      // A node killed with SIGKILL leaves its member in the group until the session times out, and
      // its restarted fetcher cannot join before that: the broker's minimum (6 s), not kafkajs' 30 s.
      sessionTimeout: SESSION_TIMEOUT_MS,
      heartbeatInterval: HEARTBEAT_INTERVAL_MS,
    });
  }

  async start(fromOffset: bigint, handlers: ReaderHandlers): Promise<void> {
    const { consumer, topic } = this;
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    // Where to fetch next: the stored position, then one past every record handed over.
    let nextFetch = fromOffset;
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (payload.topic !== topic) return;
      handlers.onFetched(BigInt(payload.lastOffset) + 1n, BigInt(payload.highWatermark));
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart && this.running) {
        this.running = false;
        handlers.onStopped(payload.error);
      }
    });
    // kafkajs restarts a consumer that crashed on a retriable error (on a fresh broker the group
    // coordinator is still loading) and a rejoined consumer starts from the group's committed
    // offset: seek again on every join so our position, not the group's, decides.
    consumer.on(consumer.events.GROUP_JOIN, () => {
      if (this.running) consumer.seek({ topic, partition: 0, offset: nextFetch.toString() });
    });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch, heartbeat, isRunning, isStale }) => {
        if (!isRunning() || isStale()) return;
        const records = batch.messages.map((message): FetchedRecord => {
          const offset = BigInt(message.offset);
          try {
            return { offset, group: decodeBinlogGroup(message.value, `${topic}-${batch.partition}:${offset}`) };
          } catch (error) {
            if (error instanceof BinlogFormatError) return { offset, error };
            throw error;
          }
        });
        // The relay may hold this batch back for longer than the session (a full buffer while the
        // applier catches up): keep the membership alive meanwhile, as kafkajs asks of slow batches.
        const beating = setInterval(() => void heartbeat().catch(() => undefined), HEARTBEAT_INTERVAL_MS);
        try {
          await handlers.onRecords(records);
        } finally {
          clearInterval(beating);
        }
        if (records.length > 0) nextFetch = records[records.length - 1].offset + 1n;
        await heartbeat();
      },
    });
    // The stored position, not the group's committed offset, decides where reading starts.
    // seek needs the consumer group initialised, which a consumer restarting after a crash is not.
    const deadline = Date.now() + SEEK_TIMEOUT_MS;
    for (;;) {
      try {
        consumer.seek({ topic, partition: 0, offset: fromOffset.toString() });
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    this.running = true;
  }

  /** Mirrors the applied position to the consumer group (best effort: the database holds the truth). */
  async commitPosition(nextOffset: bigint): Promise<void> {
    if (!this.running) return;
    await this.consumer.commitOffsets([{ topic: this.topic, partition: 0, offset: nextOffset.toString() }]);
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.consumer.disconnect();
  }
}
