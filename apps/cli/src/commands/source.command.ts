import { Command } from 'commander';
import { type CliIo, processIo } from '../support/cli-io';
import { askCoordinator, coordinatorOption } from '../support/coordinator-api';
import { formatVertical } from '../support/result-format';
import { asRecord } from '../support/service-api';

/** `kbinlog source`: which node takes writes now, and where (GET /source). */
export function sourceCommand(io: CliIo = processIo): Command {
  return new Command('source')
    .description('show which node is the source and where to write (from the coordinator)')
    .addOption(coordinatorOption())
    .option('--json', 'print JSON')
    .action(async (options: { coordinator: string[]; json?: boolean }) => {
      const source = asRecord(await askCoordinator(options.coordinator, '/source'), 'source');
      io.out(options.json ? `${JSON.stringify(source, null, 2)}\n` : formatVertical(source));
    });
}
