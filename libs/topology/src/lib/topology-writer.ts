import type { Kafka, Producer } from 'kafkajs';
import { encodeTopologyRecord, type TopologyRecord } from './topology-records';

/**
 * The leading coordinator's writes to the topology (source assignments, recoveries), in Kafka
 * transactions under the cluster's coordinator transactional.id: `connect` fences every earlier
 * leader, whose writes fail from then on, so a coordinator that was paused and wakes up cannot
 * record a decision after its successor took over.
 */
export class TopologyWriter {
  private readonly producer: Producer;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
    transactionalId: string,
  ) {
    this.producer = kafka.producer({
      transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      // Short: a leader that dies mid-transaction holds back read_committed readers until then.
      transactionTimeout: 10_000,
      retry: { initialRetryTime: 2, maxRetryTime: 100, retries: 50 },
    });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    // kafkajs runs InitProducerId at the first transaction(): do it now, fencing the old leader.
    const transaction = await this.producer.transaction();
    await transaction.abort();
  }

  /** Writes the records in one transaction: all of them are in the topology, or none. */
  async write(...records: TopologyRecord[]): Promise<void> {
    const transaction = await this.producer.transaction();
    try {
      await transaction.send({ topic: this.topic, acks: -1, messages: records.map((record) => encodeTopologyRecord(record)) });
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      throw error;
    }
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }
}
