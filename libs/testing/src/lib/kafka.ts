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
