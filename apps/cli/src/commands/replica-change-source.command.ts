import { Command, Option } from 'commander';
import { type CliIo, processIo } from '../support/cli-io';
import { binlogPosition, pick, replicaUrlOption } from '../support/replica-api';
import { formatVertical } from '../support/result-format';
import { asRecord, callService } from '../support/service-api';

/** `kbinlog replica change-source --position <coords>`: CHANGE REPLICATION SOURCE TO SOURCE_LOG_POS. */
export function replicaChangeSourceCommand(io: CliIo = processIo): Command {
  return new Command('change-source')
    .description('set where the applier continues in the binlog; the replica must be stopped (CHANGE REPLICATION SOURCE TO)')
    .addOption(new Option('--position <coords>', 'binlog coordinates kbinlog.<cluster>.binlog-0:<offset>').argParser(binlogPosition).makeOptionMandatory())
    .addOption(replicaUrlOption())
    .action(async (options: { url: string; position: string }) => {
      const status = asRecord(await callService(options.url, 'POST', '/replica/change-source', { position: options.position }), 'replica status');
      io.out(formatVertical(pick(status, ['Exec_Source_Coordinates', 'Read_Source_Coordinates', 'Executed_Gtid_Set'])));
    });
}
