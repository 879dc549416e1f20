import { Command, InvalidArgumentError, Option } from 'commander';
import { type CliIo, processIo } from '../support/cli-io';
import { binlogPosition, pick, replicaUrlOption } from '../support/replica-api';
import { formatVertical } from '../support/result-format';
import { asRecord, callService } from '../support/service-api';

/** SOURCE_DELAY: whole seconds, 0..2^31 - 1 as MySQL allows. */
function delaySeconds(value: string): number {
  if (!/^\d{1,10}$/.test(value) || Number(value) > 2_147_483_647) throw new InvalidArgumentError('expected seconds, 0..2147483647');
  return Number(value);
}

/** `kbinlog replica change-source [--position <coords>] [--source-delay <s>]`: CHANGE REPLICATION SOURCE TO SOURCE_LOG_POS, SOURCE_DELAY. */
export function replicaChangeSourceCommand(io: CliIo = processIo): Command {
  return new Command('change-source')
    .description('set where the applier continues in the binlog (the replica stopped) and its delay (the applier stopped): CHANGE REPLICATION SOURCE TO')
    .addOption(new Option('--position <coords>', 'binlog coordinates kbinlog.<cluster>.binlog-0:<offset>').argParser(binlogPosition))
    .addOption(new Option('--source-delay <seconds>', 'apply each group no sooner than this long after the source committed it (SOURCE_DELAY)').argParser(delaySeconds))
    .addOption(replicaUrlOption())
    .action(async (options: { url: string; position?: string; sourceDelay?: number }, command: Command) => {
      if (options.position === undefined && options.sourceDelay === undefined) command.error('error: give --position, --source-delay or both');
      const body = { ...(options.position === undefined ? {} : { position: options.position }), ...(options.sourceDelay === undefined ? {} : { source_delay_s: options.sourceDelay }) };
      const status = asRecord(await callService(options.url, 'POST', '/replica/change-source', body), 'replica status');
      io.out(formatVertical(pick(status, ['Exec_Source_Coordinates', 'Read_Source_Coordinates', 'Executed_Gtid_Set', 'SQL_Delay'])));
    });
}
