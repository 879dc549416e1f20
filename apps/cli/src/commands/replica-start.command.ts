import { Command, Option } from 'commander';
import { type CliIo, processIo } from '../support/cli-io';
import { binlogPosition, CONTROL_FIELDS, pick, replicaUrlOption, type ThreadFlags, threadBody, threadOptions } from '../support/replica-api';
import { formatVertical } from '../support/result-format';
import { asRecord, callService } from '../support/service-api';

/** `kbinlog replica start [--io-thread|--sql-thread] [--until <coords> | --sql-after-gtids <set> | --sql-before-gtids <set>]`: START REPLICA [IO_THREAD | SQL_THREAD] [UNTIL …]. */
export function replicaStartCommand(io: CliIo = processIo): Command {
  const command = new Command('start').description('start replication: the fetcher and the applier, or one of them (START REPLICA)').addOption(replicaUrlOption());
  for (const option of threadOptions('start')) command.addOption(option);
  command.addOption(
    new Option('--until <coords>', 'the applier applies every group before these binlog coordinates, then stops (UNTIL SOURCE_LOG_POS); the applier must be stopped')
      .argParser(binlogPosition)
      .conflicts(['ioThread', 'sqlAfterGtids', 'sqlBeforeGtids']),
  );
  command.addOption(new Option('--sql-after-gtids <set>', 'the applier stops once it executed every GTID of the set (UNTIL SQL_AFTER_GTIDS)').conflicts(['ioThread', 'sqlBeforeGtids']));
  command.addOption(new Option('--sql-before-gtids <set>', 'the applier stops before the first group whose GTID is in the set (UNTIL SQL_BEFORE_GTIDS)').conflicts('ioThread'));
  return command.action(async (options: ThreadFlags & { url: string; until?: string; sqlAfterGtids?: string; sqlBeforeGtids?: string }) => {
    const until = {
      ...(options.until === undefined ? {} : { until: options.until }),
      ...(options.sqlAfterGtids === undefined ? {} : { sql_after_gtids: options.sqlAfterGtids }),
      ...(options.sqlBeforeGtids === undefined ? {} : { sql_before_gtids: options.sqlBeforeGtids }),
    };
    const body = { ...threadBody(options), ...until };
    const status = asRecord(await callService(options.url, 'POST', '/replica/start', body), 'replica status');
    io.out(formatVertical(pick(status, [...CONTROL_FIELDS, 'Until_Condition', 'Until_Source_Coordinates'])));
  });
}
