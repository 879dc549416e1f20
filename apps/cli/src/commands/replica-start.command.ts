import { Command, Option } from 'commander';
import { type CliIo, processIo } from '../support/cli-io';
import { binlogPosition, CONTROL_FIELDS, pick, replicaUrlOption, type ThreadFlags, threadBody, threadOptions } from '../support/replica-api';
import { formatVertical } from '../support/result-format';
import { asRecord, callService } from '../support/service-api';

/** `kbinlog replica start [--io-thread|--sql-thread] [--until <coords>]`: START REPLICA [IO_THREAD | SQL_THREAD] [UNTIL SOURCE_LOG_POS]. */
export function replicaStartCommand(io: CliIo = processIo): Command {
  const command = new Command('start').description('start replication: the fetcher and the applier, or one of them (START REPLICA)').addOption(replicaUrlOption());
  for (const option of threadOptions('start')) command.addOption(option);
  command.addOption(
    new Option('--until <coords>', 'the applier applies every group before these binlog coordinates, then stops (UNTIL SOURCE_LOG_POS); the applier must be stopped')
      .argParser(binlogPosition)
      .conflicts('ioThread'),
  );
  return command.action(async (options: ThreadFlags & { url: string; until?: string }) => {
    const body = options.until === undefined ? threadBody(options) : { ...threadBody(options), until: options.until };
    const status = asRecord(await callService(options.url, 'POST', '/replica/start', body), 'replica status');
    io.out(formatVertical(pick(status, [...CONTROL_FIELDS, 'Until_Condition', 'Until_Source_Coordinates'])));
  });
}
