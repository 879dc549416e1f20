import { Kafka, logLevel } from 'kafkajs';

/**
 * A kafkajs client for the bench's broker. kafkajs's own log stays off: it reports retriable
 * answers (CONCURRENT_TRANSACTIONS between back-to-back transactions) as errors, and real
 * failures reach the bench as rejected calls anyway.
 */
export function kafkaClient(brokers: string, clientId: string): Kafka {
  return new Kafka({ clientId, brokers: [brokers], logLevel: logLevel.NOTHING });
}
