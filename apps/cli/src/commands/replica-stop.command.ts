import { Command } from 'commander';
import { type CliIo, processIo } from '../support/cli-io';
import { CONTROL_FIELDS, pick, replicaUrlOption, type ThreadFlags, threadBody, threadOptions } from '../support/replica-api';
import { formatVertical } from '../support/result-format';
import { asRecord, callService } from '../support/service-api';

/** `kbinlog replica stop [--io-thread|--sql-thread]`: STOP REPLICA [IO_THREAD | SQL_THREAD]. */
export function replicaStopCommand(io: CliIo = processIo): Command {
  const command = new Command('stop').description('stop replication: the fetcher and the applier, or one of them (STOP REPLICA)').addOption(replicaUrlOption());
  for (const option of threadOptions('stop')) command.addOption(option);
  return command.action(async (options: ThreadFlags & { url: string }) => {
    const status = asRecord(await callService(options.url, 'POST', '/replica/stop', threadBody(options)), 'replica status');
    io.out(formatVertical(pick(status, CONTROL_FIELDS)));
  });
}
