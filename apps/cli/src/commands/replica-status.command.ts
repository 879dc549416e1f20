import { Command } from 'commander';
import { type CliIo, processIo } from '../support/cli-io';
import { replicaUrlOption } from '../support/replica-api';
import { formatVertical } from '../support/result-format';
import { asRecord, callService } from '../support/service-api';

/** `kbinlog replica status`: SHOW REPLICA STATUS\G from GET /replica/status. */
export function replicaStatusCommand(io: CliIo = processIo): Command {
  return new Command('status')
    .description("show the replica's status (SHOW REPLICA STATUS\\G)")
    .addOption(replicaUrlOption())
    .option('--json', 'print the status as JSON')
    .action(async (options: { url: string; json?: boolean }) => {
      const status = asRecord(await callService(options.url, 'GET', '/replica/status'), 'replica status');
      io.out(options.json ? `${JSON.stringify(status, null, 2)}\n` : formatVertical(status));
    });
}
