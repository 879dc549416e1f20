import { Command } from 'commander';
import { binlogCommand } from './commands/binlog.command';
import { healthCommand } from './commands/health.command';
import { recoveryCommand } from './commands/recovery.command';
import { replicaCommand } from './commands/replica.command';
import { sourceCommand } from './commands/source.command';
import { stackCommand } from './commands/stack.command';
import { statusCommand } from './commands/status.command';
import { switchoverCommand } from './commands/switchover.command';
import { topologyCommand } from './commands/topology.command';
import { type CliIo, processIo } from './support/cli-io';

/** The `kbinlog` command; each subcommand lives in commands/ and only talks to services' APIs. */
export function buildProgram(version: string, io: CliIo = processIo): Command {
  return new Command('kbinlog')
    .description('Operate a kbinlog cluster: MySQL replication whose binary log is a Kafka topic.')
    .version(version, '-V, --version')
    .showHelpAfterError()
    .addCommand(healthCommand())
    .addCommand(statusCommand(io))
    .addCommand(replicaCommand(io))
    .addCommand(sourceCommand(io))
    .addCommand(topologyCommand(io))
    .addCommand(switchoverCommand(io))
    .addCommand(recoveryCommand(io))
    .addCommand(binlogCommand(io))
    .addCommand(stackCommand(io));
}
