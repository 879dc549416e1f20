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

/** The few methods of a structured logger (Nest's Logger over pino has them) that our adapters use. */
export interface StructuredLog {
  log(entry: Record<string, unknown>): void;
  error(entry: Record<string, unknown>): void;
  warn(entry: Record<string, unknown>): void;
  debug(entry: Record<string, unknown>): void;
}

/** kafkajs' own lines as entries of a service's logger, tagged so they can be told from ours. */
export function kafkaLogTo(logger: StructuredLog): KafkaClientOptions['log'] {
  return (level, message, fields) => {
    const entry = { event: 'kafka.client', ...fields, msg: message };
    if (level === 'error') logger.error(entry);
    else if (level === 'warn') logger.warn(entry);
    else if (level === 'info') logger.log(entry);
    else logger.debug(entry);
  };
}
