import { Command } from 'commander';
import { type CliIo, processIo } from '../support/cli-io';
import { askLeader, coordinatorOption } from '../support/coordinator-api';
import { asRecord } from '../support/service-api';

/** `kbinlog recovery ack`: acknowledge the last failover, lifting the anti-flapping block. */
export function recoveryCommand(io: CliIo = processIo): Command {
  const recovery = new Command('recovery').description('the last switchover or failover');
  recovery
    .command('ack')
    .description('acknowledge the last recovery: another automatic failover may then run within --failover-block-ms')
    .addOption(coordinatorOption())
    .action(async (options: { coordinator: string[] }) => {
      const acknowledged = asRecord(await askLeader(options.coordinator, '/recovery/ack'), 'recovery');
      io.out(`acknowledged ${String(acknowledged['type'])} ${String(acknowledged['id'])} (${String(acknowledged['from'])} -> ${String(acknowledged['to'])}, ${String(acknowledged['state'])})\n`);
    });
  return recovery;
}
