import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type ITopicConfig } from 'kafkajs';
import type { TestInfra } from './test-infra';

/** A name no other test file or run uses, so tests never reset shared state. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export function testKafka(infra: TestInfra, clientId = uniqueName('test')): Kafka {
  // Tests assert on errors themselves; kafkajs' own error logging would only add noise.
  return new Kafka({ clientId, brokers: [...infra.kafka.brokers], logLevel: logLevel.NOTHING, retry: { retries: 5 } });
}

/** Creates a fresh single-partition topic and returns its name. */
export async function createTestTopic(
  infra: TestInfra,
  prefix: string,
  config: Omit<ITopicConfig, 'topic'> = {},
): Promise<string> {
  const topic = uniqueName(prefix);
  const admin = testKafka(infra).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [{ topic, numPartitions: 1, replicationFactor: 1, ...config }],
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
  return topic;
}

export async function deleteTestTopics(infra: TestInfra, topics: string[]): Promise<void> {
  const admin = testKafka(infra).admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

export interface ReadRecord {
  readonly offset: string;
  readonly key: string | null;
  readonly value: string | null;
}

export interface ReadOptions {
  /** read_committed (the default) hides aborted and open transactions, as replicas read. */
  readonly isolation?: 'read_committed' | 'read_uncommitted';
  /** Resolves once the records read so far satisfy this. */
  readonly until: (records: readonly ReadRecord[]) => boolean;
  readonly timeoutMs?: number;
}

/** Reads a topic from its beginning with a fresh consumer group until `until` holds. */
export async function readTopic(infra: TestInfra, topic: string, options: ReadOptions): Promise<ReadRecord[]> {
  const records: ReadRecord[] = [];
  const consumer = testKafka(infra).consumer({
    groupId: uniqueName('test-reader'),
    readUncommitted: options.isolation === 'read_uncommitted',
    maxWaitTimeInMs: 100,
  });
  const timeoutMs = options.timeoutMs ?? 30_000;
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out after ${timeoutMs} ms reading ${topic}; read ${records.length} records`)),
        timeoutMs,
      );
      void consumer
        .run({
          eachMessage: async ({ message }) => {
            records.push({ offset: message.offset, key: message.key?.toString() ?? null, value: message.value?.toString() ?? null });
            if (options.until(records)) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

/**
 * The last `count` records of partition 0 (read_committed), for failure reports: whatever was
 * read when the log's end or `timeoutMs` is reached, never an error for a slow read.
 */
export async function readTopicTail(infra: TestInfra, topic: string, count: number, timeoutMs = 5_000): Promise<{ records: ReadRecord[]; low: bigint; high: bigint }> {
  const admin = testKafka(infra).admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const partition = offsets.find((entry) => entry.partition === 0);
  const low = BigInt(partition?.low ?? '0');
  const high = BigInt(partition?.high ?? '0');
  const from = high - BigInt(count) > low ? high - BigInt(count) : low;
  const records: ReadRecord[] = [];
  if (high <= from) return { records, low, high };
  const consumer = testKafka(infra).consumer({ groupId: uniqueName('test-tail'), maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      void consumer
        .run({
          eachBatch: async ({ batch }) => {
            for (const message of batch.messages) records.push({ offset: message.offset, key: message.key?.toString() ?? null, value: message.value?.toString() ?? null });
            // The last offsets may be transaction markers, which are never delivered.
            if (BigInt(batch.highWatermark) <= BigInt(batch.lastOffset()) + 1n) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .then(() => consumer.seek({ topic, partition: 0, offset: from.toString() }))
        .catch(() => resolve());
    });
  } finally {
    await consumer.disconnect();
  }
  return { records: records.slice(-count), low, high };
}
