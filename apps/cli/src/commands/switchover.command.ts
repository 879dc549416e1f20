import { Command } from 'commander';
import { type CliIo, processIo } from '../support/cli-io';
import { askLeader, coordinatorOption } from '../support/coordinator-api';
import { asRecord } from '../support/service-api';

/** `kbinlog switchover --to <node>`: a planned change of source, through the leading coordinator. */
export function switchoverCommand(io: CliIo = processIo): Command {
  return new Command('switchover')
    .description('make <node> the source: demote the source, promote the node (writes are refused in between)')
    .requiredOption('--to <node>', 'the node to promote')
    .addOption(coordinatorOption())
    .option('--json', 'print JSON')
    .action(async (options: { to: string; coordinator: string[]; json?: boolean }) => {
      const result = asRecord(await askLeader(options.coordinator, '/switchover', { to: options.to }), 'switchover');
      if (options.json) {
        io.out(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      const recovery = asRecord(result['recovery'], 'switchover recovery');
      io.out(`switchover ${String(recovery['from'])} -> ${String(recovery['to'])}: ${String(recovery['state'])}; writes refused for ${String(result['refused_ms'])} ms\n`);
    });
}
