import { Kafka, logLevel } from 'kafkajs';

export type KafkaLogSeverity = 'error' | 'warn' | 'info' | 'debug';

export interface KafkaClientOptions {
  readonly clientId: string;
  readonly brokers: readonly string[];
  /** kafkajs' own log lines, handed to the service's structured logger. */
  readonly log: (level: KafkaLogSeverity, message: string, fields: Record<string, unknown>) => void;
}

const LEVELS: Record<number, KafkaLogSeverity> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

export function createKafka(options: KafkaClientOptions): Kafka {
  // The binlog topic has one partition: the default-partitioner notice does not concern us.
  process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, namespace, log: entry }) => {
        const { message, ...fields } = entry;
        options.log(LEVELS[level] ?? 'info', message, { kafkajs: namespace, ...fields });
      },
  });
}
