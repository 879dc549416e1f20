import { Command } from 'commander';
import { type CliIo, processIo } from '../support/cli-io';
import { replicaChangeSourceCommand } from './replica-change-source.command';
import { replicaStartCommand } from './replica-start.command';
import { replicaStatusCommand } from './replica-status.command';
import { replicaStopCommand } from './replica-stop.command';
import { replicaWaitCommand } from './replica-wait.command';

/** `kbinlog replica …`: MySQL's replica statements, over the replica's HTTP API. */
export function replicaCommand(io: CliIo = processIo): Command {
  return new Command('replica')
    .description('inspect and control a replica (SHOW REPLICA STATUS, START/STOP REPLICA, CHANGE REPLICATION SOURCE TO, SOURCE_POS_WAIT)')
    .addCommand(replicaStatusCommand(io))
    .addCommand(replicaStartCommand(io))
    .addCommand(replicaStopCommand(io))
    .addCommand(replicaChangeSourceCommand(io))
    .addCommand(replicaWaitCommand(io));
}
