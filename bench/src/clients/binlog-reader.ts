import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { nowUs } from '../measure/clock';

/** What the bench needs of a binlog group (docs/binlog-format.md). */
export interface GroupStamp {
  readonly offset: bigint;
  readonly commitTimeUs: number;
}

export interface RangeRead {
  readonly groups: GroupStamp[];
  /** From the first fetched batch to the last group of the range, µs: the fetch-and-decode time. */
  readonly readUs: number;
}

const READ_TIMEOUT_MS = 120_000;

/**
 * Reads the binlog groups at offsets [from, until) the way a replica's fetcher does
 * (read_committed), decoding each record's JSON and keeping its offset and commit_time_us.
 * `until` is a fetch position (one past the last group); transaction markers are skipped by Kafka.
 */
export async function readGroups(kafka: Kafka, topic: string, from: bigint, until: bigint): Promise<RangeRead> {
  const groups: GroupStamp[] = [];
  if (until <= from) return { groups, readUs: 0 };
  const consumer = kafka.consumer({ groupId: `kbinlog-bench-reader-${randomUUID()}`, readUncommitted: false, maxBytes: 16 * 1024 * 1024 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let firstBatchUs = 0;
    let lastUs = 0;
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`reading ${topic} [${from}, ${until}) took over ${READ_TIMEOUT_MS} ms`)), READ_TIMEOUT_MS);
      void consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          if (firstBatchUs === 0) firstBatchUs = nowUs();
          for (const message of batch.messages) {
            const offset = BigInt(message.offset);
            if (offset < from || offset >= until || !message.value) continue;
            const group = JSON.parse(message.value.toString('utf8')) as { commit_time_us: number };
            groups.push({ offset, commitTimeUs: group.commit_time_us });
          }
          const last = BigInt(batch.lastOffset());
          if (last >= until - 1n) {
            lastUs = nowUs();
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    consumer.seek({ topic, partition: 0, offset: from.toString() });
    await done;
    return { groups, readUs: lastUs - firstBatchUs };
  } finally {
    await consumer.disconnect();
  }
}
