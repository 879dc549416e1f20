import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { nowUs, sleep } from '../measure/clock';
import type { GroupStamp } from './binlog-reader';

/** A group as a tailing consumer received it. */
export interface TailedGroup extends GroupStamp {
  /** When the consumer handed it over (µs). */
  readonly receivedUs: number;
}

const READY_TIMEOUT_MS = 60_000;

/**
 * Follows the binlog from an offset as a replica's fetcher does (kafkajs, read_committed,
 * maxWaitTimeInMs 100 as libs/binlog-kafka's reader), stamping when each group arrives: the
 * floor a replica's delay cannot go below, measured on the same groups.
 */
export class BinlogTail {
  readonly groups: TailedGroup[] = [];

  private constructor(private readonly consumer: Consumer) {}

  static async start(kafka: Kafka, topic: string, from: bigint): Promise<BinlogTail> {
    const consumer = kafka.consumer({ groupId: `kbinlog-bench-tail-${randomUUID()}`, readUncommitted: false, maxWaitTimeInMs: 100 });
    const tail = new BinlogTail(consumer);
    let joined = false;
    let fetching = false;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      consumer.seek({ topic, partition: 0, offset: from.toString() });
      joined = true;
    });
    consumer.on(consumer.events.FETCH, () => {
      if (joined) fetching = true;
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const receivedUs = nowUs();
        for (const message of batch.messages) {
          const offset = BigInt(message.offset);
          if (offset < from || !message.value) continue;
          const group = JSON.parse(message.value.toString('utf8')) as { commit_time_us: number };
          tail.groups.push({ offset, commitTimeUs: group.commit_time_us, receivedUs });
        }
      },
    });
    // Ready once it has joined and fetches from `from`: only then do arrival times mean anything.
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!fetching) {
      if (Date.now() > deadline) {
        await consumer.disconnect();
        throw new Error(`the binlog tail did not start fetching within ${READY_TIMEOUT_MS} ms`);
      }
      await sleep(50);
    }
    return tail;
  }

  /** Waits until the group before `until` (a fetch position) has arrived. */
  async waitFor(until: bigint, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while ((this.groups[this.groups.length - 1]?.offset ?? -1n) < until - 1n) {
      if (Date.now() > deadline) return false;
      await sleep(20);
    }
    return true;
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
