import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { nowUs } from '../measure/clock';

export interface InjectedGroups {
  /** The offset of every group written, ascending. */
  readonly offsets: bigint[];
  /** One past the last group: a replica that stands here has applied them all. */
  readonly end: bigint;
  readonly seconds: number;
}

export interface InjectOptions {
  readonly topic: string;
  readonly groups: number;
  /** Server_Id to stamp on the groups: the source's. */
  readonly serverId: number;
  readonly valueSize: number;
  /** Groups per Kafka transaction. */
  readonly perTransaction: number;
  readonly onProgress?: (written: number) => void;
}

/**
 * Writes binlog groups straight to the binlog topic, in the documented record format
 * (docs/binlog-format.md): each group one memcached-set-shaped row insert into test.demo_test
 * under a fresh key, with a GTID of its own server_uuid. It batches many groups per Kafka
 * transaction, so it writes groups far faster than the source does today.
 *
 * It is a bench tool, not a second source: it uses its own transactional.id (it never fences the
 * source's writer) and keys the source never writes, and the source's own database does not get
 * these rows — which is why the catch-up scenario runs last and each bench run starts afresh.
 */
export async function injectGroups(kafka: Kafka, options: InjectOptions): Promise<InjectedGroups> {
  const producer = kafka.producer({
    transactionalId: `kbinlog-bench.injector.${randomUUID()}`,
    idempotent: true,
    maxInFlightRequests: 1,
    retry: { initialRetryTime: 2, maxRetryTime: 100, retries: 50 },
  });
  await producer.connect();
  const startUs = nowUs();
  const uuid = randomUUID();
  const keyPrefix = `cu:${uuid.slice(0, 8)}:`;
  const value = 'c'.repeat(options.valueSize);
  const offsets: bigint[] = [];
  try {
    for (let first = 0; first < options.groups; first += options.perTransaction) {
      const count = Math.min(options.perTransaction, options.groups - first);
      const messages = Array.from({ length: count }, (_, index) => {
        const n = first + index + 1;
        const gtid = `${uuid}:${n}`;
        const group = {
          format: 1,
          gtid,
          server_id: options.serverId,
          commit_time_us: nowUs(),
          events: [{ type: 'insert', schema: 'test', table: 'demo_test', after: { c1: `${keyPrefix}${n}`, c2: value, c3: '0', c4: String(n), c5: '0' } }],
        };
        return { key: gtid, value: JSON.stringify(group), headers: { format: '1', server_id: String(options.serverId), events: '1' } };
      });
      const transaction = await producer.transaction();
      try {
        const [metadata] = await transaction.send({ topic: options.topic, acks: -1, messages });
        const base = BigInt(metadata.baseOffset ?? '-1');
        if (base < 0n) throw new Error('the broker returned no base offset for the injected batch');
        for (let index = 0; index < count; index++) offsets.push(base + BigInt(index));
        await transaction.commit();
      } catch (error) {
        await transaction.abort().catch(() => undefined);
        throw error;
      }
      options.onProgress?.(first + count);
    }
  } finally {
    await producer.disconnect();
  }
  return { offsets, end: offsets[offsets.length - 1] + 1n, seconds: (nowUs() - startUs) / 1e6 };
}
