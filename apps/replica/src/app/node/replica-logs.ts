import type { KafkaClientOptions } from '@kbinlog/binlog-kafka';
import type { ChannelLog } from '@kbinlog/replication';
import type { Logger } from '@nestjs/common';

/** The channel's log lines, as structured entries of the service's (pino) logger. */
export function channelLog(logger: Logger): ChannelLog {
  return {
    info: (fields, message) => logger.log({ ...fields, msg: message }),
    error: (fields, message) => logger.error({ ...fields, msg: message }),
  };
}

/** kafkajs' own lines, tagged so they can be told from ours. */
export function kafkaLog(logger: Logger): KafkaClientOptions['log'] {
  return (level, message, fields) => {
    const entry = { event: 'kafka.client', ...fields, msg: message };
    if (level === 'error') logger.error(entry);
    else if (level === 'warn') logger.warn(entry);
    else if (level === 'info') logger.log(entry);
    else logger.debug(entry);
  };
}
