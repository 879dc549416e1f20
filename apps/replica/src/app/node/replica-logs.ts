import type { KafkaClientOptions } from '@kbinlog/binlog-kafka';
import type { ChannelLog } from '@kbinlog/replication';
import type { Logger } from '@nestjs/common';

/** The channel's log lines, as structured entries of the service's (pino) logger. */
export function channelLog(logger: Logger): ChannelLog {
  return {
    info: (fields, message) => logger.log(fields, message),
    error: (fields, message) => logger.error(fields, message),
  };
}

/**
 * kafkajs logs every error response at error level, including CreateTopics' "already exists",
 * which ensureBinlogTopic expects at each start with an existing topic; a real creation failure
 * still fails start-up and is logged as replica.start_failed.
 */
function expectedError(message: string, fields: Record<string, unknown>): boolean {
  return message.startsWith('Response CreateTopics') && fields['error'] === 'Topic creation errors';
}

/** kafkajs' own lines, tagged so they can be told from ours. */
export function kafkaLog(logger: Logger): KafkaClientOptions['log'] {
  return (level, message, fields) => {
    const entry = { event: 'kafka.client', ...fields };
    if (level === 'error' && !expectedError(message, fields)) logger.error(entry, message);
    else if (level === 'warn') logger.warn(entry, message);
    else if (level === 'info') logger.log(entry, message);
    else logger.debug(entry, message);
  };
}
