import { binlogCoordinates, binlogEventRows, binlogGroupText, formatCoordinates, InvalidCoordinatesError, parseCoordinates } from '@kbinlog/binlog';
import { clusterNames, createKafka, readBinlogRange, type RangeGroup, type RangeQuery } from '@kbinlog/binlog-kafka';
import { Command, InvalidArgumentError, Option } from 'commander';
import { type CliIo, processIo } from '../support/cli-io';

/** How often a long read says how far it got, on stderr. */
const PROGRESS_EVERY = 10_000;

/** Kafka offsets are signed 64-bit. */
const MAX_OFFSET = 2n ** 63n - 1n;

/** `--start-position`: a Kafka offset, or coordinates of this cluster's binlog. */
export function binlogOffset(value: string): bigint {
  if (/^\d+$/.test(value)) {
    const offset = BigInt(value);
    if (offset <= MAX_OFFSET) return offset;
    throw new InvalidArgumentError(`expected an offset or kbinlog.<cluster>.binlog-0:<offset>: ${value} is past any Kafka offset`);
  }
  try {
    return parseCoordinates(value).offset;
  } catch (error) {
    if (error instanceof InvalidCoordinatesError) throw new InvalidArgumentError(`expected an offset or kbinlog.<cluster>.binlog-0:<offset>: ${error.message}`);
    throw error;
  }
}

/**
 * `--start-datetime`: as mysqlbinlog takes it, `YYYY-MM-DD HH:MM:SS` in local time, or ISO 8601
 * with a zone; microseconds since the epoch.
 */
export function binlogDatetime(value: string): number {
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)(Z|[+-]\d{2}:\d{2})?$/.exec(value.trim());
  const ms = match ? Date.parse(`${match[1]}T${match[2]}${match[3] ?? ''}`) : Number.NaN;
  if (Number.isNaN(ms)) throw new InvalidArgumentError('expected YYYY-MM-DD HH:MM:SS (local time) or an ISO 8601 time with a zone');
  return ms * 1000;
}

function positiveCount(value: string): number {
  if (!/^\d{1,9}$/.test(value) || Number(value) === 0) throw new InvalidArgumentError('expected a whole number 1..999999999');
  return Number(value);
}

interface EventsOptions {
  readonly kafkaBrokers: string;
  readonly cluster: string;
  readonly startPosition?: bigint;
  readonly stopPosition?: bigint;
  readonly startDatetime?: number;
  readonly stopDatetime?: number;
  readonly limit?: number;
  readonly json?: boolean;
  readonly events?: boolean;
}

/** One group as a JSON line: its position, identity and events as the binlog record holds them. */
function groupJson(cluster: string, { offset, nextOffset, group }: RangeGroup): string {
  return JSON.stringify({
    position: formatCoordinates(binlogCoordinates(cluster, offset)),
    offset: offset.toString(),
    next_position: formatCoordinates(binlogCoordinates(cluster, nextOffset)),
    gtid: group.gtid,
    server_id: group.serverId,
    commit_time: new Date(Math.floor(group.commitTimeUs / 1000)).toISOString(),
    commit_time_us: group.commitTimeUs,
    events: group.events,
  });
}

/**
 * `kbinlog binlog list`: the binlog's groups between positions or times, read from Kafka, as
 * `mysqlbinlog -v` prints them, as SHOW BINLOG EVENTS rows (`--events`), or as JSON lines.
 */
function listCommand(io: CliIo): Command {
  return new Command('list')
    .description("print the binlog's groups between positions or times, as mysqlbinlog -v prints a binary log (read from Kafka)")
    .addOption(new Option('--kafka-brokers <brokers>', 'Kafka bootstrap servers, host:port[,…]').env('KBINLOG_KAFKA_BROKERS').default('127.0.0.1:9092'))
    .addOption(new Option('--cluster <name>', 'cluster name (binlog topic kbinlog.<cluster>.binlog)').env('KBINLOG_CLUSTER').default('local'))
    .addOption(new Option('--start-position <position>', 'the first offset read (an offset or coordinates); default the log start').argParser(binlogOffset))
    .addOption(new Option('--stop-position <position>', 'no group at or past this offset is printed').argParser(binlogOffset))
    .addOption(new Option('--start-datetime <time>', 'the first group committed at or after this time').argParser(binlogDatetime))
    .addOption(new Option('--stop-datetime <time>', 'no group committed at or after this time').argParser(binlogDatetime))
    .addOption(new Option('--limit <groups>', 'print at most this many groups').argParser(positiveCount))
    .addOption(new Option('--events', "print SHOW BINLOG EVENTS' rows (Pos, Event_type, Server_id, End_log_pos, Info) instead").conflicts('json'))
    .addOption(new Option('--json', 'print one JSON object per group'))
    .action(async (options: EventsOptions, command: Command) => {
      if (options.startPosition !== undefined && options.stopPosition !== undefined && options.stopPosition < options.startPosition) {
        command.error('error: --stop-position is before --start-position');
      }
      if (options.startDatetime !== undefined && options.stopDatetime !== undefined && options.stopDatetime < options.startDatetime) {
        command.error('error: --stop-datetime is before --start-datetime');
      }
      const names = clusterNames(options.cluster);
      const kafka = createKafka({
        clientId: 'kbinlog-cli',
        brokers: options.kafkaBrokers.split(',').map((broker) => broker.trim()),
        // The read's own error says what failed; kafkajs' retries on the way are noise here.
        log: () => undefined,
      });
      const query: RangeQuery = { fromOffset: options.startPosition, toOffset: options.stopPosition, startTimeUs: options.startDatetime, stopTimeUs: options.stopDatetime, timeoutMs: 10 * 60_000 };
      const logName = `${names.topic}-0`;
      let printed = 0;
      const end = await readBinlogRange(kafka, names.topic, names.inspectGroup('cli'), query, (read) => {
        if (options.json) io.out(`${groupJson(options.cluster, read)}\n`);
        else if (options.events) {
          for (const row of binlogEventRows(read.group, { logName, offset: read.offset, nextOffset: read.nextOffset })) {
            io.out(`${[row.Log_name, row.Pos, row.Event_type, row.Server_id, row.End_log_pos, row.Info].join('\t')}\n`);
          }
        } else io.out(binlogGroupText(read.group, { logName, offset: read.offset, nextOffset: read.nextOffset }));
        printed++;
        if (printed % PROGRESS_EVERY === 0) io.err(`kbinlog: ${printed} groups read, at ${formatCoordinates(binlogCoordinates(options.cluster, read.offset))}\n`);
        return options.limit === undefined || printed < options.limit;
      });
      io.err(`kbinlog: ${printed} groups of ${logName} (log offsets ${end.logStart} to ${end.logEnd}), read to offset ${end.stoppedAt}\n`);
    });
}

/** `kbinlog binlog …`: the binlog itself, read from Kafka (what mysqlbinlog does with a binary log file). */
export function binlogCommand(io: CliIo = processIo): Command {
  return new Command('binlog').description('read the binlog topic: its groups and their events, as mysqlbinlog reads a binary log').addCommand(listCommand(io));
}
