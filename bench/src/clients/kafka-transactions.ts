import type { Kafka } from 'kafkajs';
import { nowUs } from '../measure/clock';
import { Samples, scaled, type Summary } from '../measure/histogram';

export interface TransactionRate {
  readonly perSecond: number;
  readonly latencyMs: Summary | null;
}

/**
 * Kafka transactions alone, one after another, one record each, with the binlog writer's
 * producer settings (libs/binlog-kafka: idempotent, one request in flight, acks=all, 2 ms
 * retry backoff): the ceiling of a write path that commits one Kafka transaction per group.
 */
export async function kafkaTransactionRate(kafka: Kafka, durationS: number, recordBytes: number): Promise<TransactionRate> {
  const topic = 'kbinlog-bench.transactions';
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  const producer = kafka.producer({
    transactionalId: 'kbinlog-bench.transactions',
    idempotent: true,
    maxInFlightRequests: 1,
    retry: { initialRetryTime: 2, maxRetryTime: 100, retries: 50 },
  });
  await producer.connect();
  const value = 'x'.repeat(recordBytes);
  const latency = new Samples();
  try {
    const endUs = nowUs() + durationS * 1e6;
    while (nowUs() < endUs) {
      const startUs = nowUs();
      const transaction = await producer.transaction();
      await transaction.send({ topic, acks: -1, messages: [{ value }] });
      await transaction.commit();
      latency.add(nowUs() - startUs);
    }
  } finally {
    await producer.disconnect();
  }
  return { perSecond: latency.count / durationS, latencyMs: scaled(latency.summary(), 1 / 1000) };
}
