import { Command } from 'commander';
import { healthCommand } from './commands/health.command';

/** The `kbinlog` command; each subcommand lives in commands/ and only talks to services' APIs. */
export function buildProgram(version: string): Command {
  return new Command('kbinlog')
    .description('Operate a kbinlog cluster: MySQL replication whose binary log is a Kafka topic.')
    .version(version, '-V, --version')
    .showHelpAfterError()
    .addCommand(healthCommand());
}
