import { Command } from 'commander';
import { healthCommand } from './commands/health.command';
import { replicaCommand } from './commands/replica.command';
import { stackCommand } from './commands/stack.command';
import { statusCommand } from './commands/status.command';
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
    .addCommand(stackCommand(io));
}
