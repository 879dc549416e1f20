import { Command } from 'commander';
import { type CliIo, processIo } from '../support/cli-io';
import { CONTROL_FIELDS, pick, replicaUrlOption, type ThreadFlags, threadBody, threadOptions } from '../support/replica-api';
import { formatVertical } from '../support/result-format';
import { asRecord, callService } from '../support/service-api';

/** `kbinlog replica start [--io-thread|--sql-thread]`: START REPLICA [IO_THREAD | SQL_THREAD]. */
export function replicaStartCommand(io: CliIo = processIo): Command {
  const command = new Command('start').description('start replication: the fetcher and the applier, or one of them (START REPLICA)').addOption(replicaUrlOption());
  for (const option of threadOptions('start')) command.addOption(option);
  return command.action(async (options: ThreadFlags & { url: string }) => {
    const status = asRecord(await callService(options.url, 'POST', '/replica/start', threadBody(options)), 'replica status');
    io.out(formatVertical(pick(status, CONTROL_FIELDS)));
  });
}
