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

/** Kafka's answers to a producer whose transactional.id a newer producer initialised. */
const FENCING_ERRORS = new Set(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED']);
// kafkajs 2 has no name for PRODUCER_FENCED (error 90): its message still says so.
const FENCING_MESSAGE = /producer.*(epoch|fenced)|fenced/i;

/** True when `error` (or what it wraps) says a newer leader fenced this writer. */
export function isFencedError(error: unknown): boolean {
  for (let cause = error, depth = 0; cause !== null && typeof cause === 'object' && depth < 5; depth++) {
    const { type, message, originalError } = cause as { type?: unknown; message?: unknown; originalError?: unknown; cause?: unknown };
    if (typeof type === 'string' && FENCING_ERRORS.has(type)) return true;
    if (typeof message === 'string' && FENCING_MESSAGE.test(message)) return true;
    cause = originalError ?? (cause as { cause?: unknown }).cause;
  }
  return false;
}
