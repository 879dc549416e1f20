import { type BinlogGroup, encodeBinlogGroup } from '@kbinlog/binlog';
import type { Kafka, Producer, Transaction } from 'kafkajs';
import { performance } from 'node:perf_hooks';
import type { BinlogWriterMetrics } from './binlog-writer-metrics';

/** One open Kafka transaction on the binlog. */
export interface BinlogTransaction {
  /** Appends a group and returns its offset (known before commit: the produce response has it). */
  append(group: BinlogGroup): Promise<bigint>;
  /**
   * Appends groups in order in one produce request and returns their offsets: one record batch
   * on the one partition, so the offsets are its base offset and the ones right after it.
   */
  appendAll(groups: readonly BinlogGroup[]): Promise<bigint[]>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/**
 * The cluster's single writer (invariant 3). `connect` initialises the writer transactional.id,
 * which bumps its epoch and fences every earlier holder: their commits fail from then on.
 * A Kafka producer has one open transaction at a time, so callers serialise `begin`.
 */
export class BinlogWriter {
  private readonly producer: Producer;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
    transactionalId: string,
    /** Where the produce and commit times go; none in tests that only need the log. */
    private readonly metrics?: BinlogWriterMetrics,
    transactionTimeoutMs = 60_000,
  ) {
    this.producer = kafka.producer({
      transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: transactionTimeoutMs,
      // Right after a commit the coordinator is still writing markers and answers the next
      // transaction with CONCURRENT_TRANSACTIONS: patches/kafkajs+2.2.4.patch polls that answer
      // every millisecond (3.5 ms per one-record transaction here, where these backoffs alone
      // gave ~10 ms and kafkajs' default 300 ms first backoff ~150 ms). Short, growing backoffs
      // (a ~5 s budget) for every other retriable failure.
      retry: { initialRetryTime: 2, maxRetryTime: 100, retries: 50 },
    });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    // kafkajs runs InitProducerId (initTransactions) at the first transaction(), not at connect;
    // an empty transaction fences the previous writer now, before we accept any write.
    const transaction = await this.producer.transaction();
    await transaction.abort();
  }

  async begin(): Promise<BinlogTransaction> {
    const transaction: Transaction = await this.producer.transaction();
    const { topic, metrics } = this;
    const appendAll = async (groups: readonly BinlogGroup[]): Promise<bigint[]> => {
      const messages = groups.map((group) => {
        const record = encodeBinlogGroup(group);
        return { key: record.key, value: record.value, headers: { ...record.headers } };
      });
      const started = performance.now();
      const [metadata] = await transaction.send({ topic, acks: -1, messages });
      metrics?.produceSeconds.observe((performance.now() - started) / 1000);
      if (!metadata?.baseOffset) throw new Error(`no offset in the produce response for ${topic}`);
      const base = BigInt(metadata.baseOffset);
      return groups.map((_, index) => base + BigInt(index));
    };
    return {
      append: async (group) => (await appendAll([group]))[0],
      appendAll,
      commit: async () => {
        const started = performance.now();
        await transaction.commit();
        metrics?.commitSeconds.observe((performance.now() - started) / 1000);
      },
      abort: () => transaction.abort(),
    };
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }
}
