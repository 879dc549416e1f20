import { Command, InvalidArgumentError, Option } from 'commander';
import { type CliIo, processIo } from '../support/cli-io';
import { binlogPosition, replicaUrlOption } from '../support/replica-api';
import { asRecord, callService, ServiceApiError } from '../support/service-api';

/** The replica holds one wait at most this long (POST /replica/wait's bound). */
const MAX_TIMEOUT_S = 3600;
/** Time beyond the wait itself for the request and its answer. */
const REQUEST_MARGIN_MS = 10_000;

export const WAIT_EXIT = { reached: 0, timedOut: 1, notRunning: 2 } as const;

function timeoutSeconds(value: string): number {
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(seconds > 0) || seconds > MAX_TIMEOUT_S) {
    throw new InvalidArgumentError(`expected seconds, more than 0 and at most ${MAX_TIMEOUT_S}`);
  }
  return seconds;
}

/**
 * `kbinlog replica wait <coords> [--timeout <s>]`: SELECT SOURCE_POS_WAIT(…). Prints what MySQL
 * returns (the number of groups waited for, -1, or NULL) and says it in the exit status, so a
 * script can wait for a replica to catch up to a source position.
 */
export function replicaWaitCommand(io: CliIo = processIo): Command {
  const command = new Command('wait');
  return command
    .description('wait until the applier has applied everything before a binlog position (SOURCE_POS_WAIT)')
    .argument('<coords>', 'binlog coordinates kbinlog.<cluster>.binlog-0:<offset>, e.g. the source\'s Position', binlogPosition)
    .addOption(new Option('--timeout <seconds>', `give up after this long (at most ${MAX_TIMEOUT_S}; without it the replica's bound, ${MAX_TIMEOUT_S})`).argParser(timeoutSeconds))
    .addOption(replicaUrlOption())
    .addHelpText(
      'after',
      `
Prints SOURCE_POS_WAIT's result. Exit status:
  ${WAIT_EXIT.reached}  reached: prints the number of groups applied while waiting (0 if already there)
  ${WAIT_EXIT.timedOut}  timed out: prints -1 (also 1 when the replica cannot be asked; the reason goes to stderr)
  ${WAIT_EXIT.notRunning}  the applier is not running or stopped while waiting: prints NULL`,
    )
    .action(async (coords: string, options: { url: string; timeout?: number }) => {
      const seconds = options.timeout ?? MAX_TIMEOUT_S;
      const body = options.timeout === undefined ? { position: coords } : { position: coords, timeout_s: options.timeout };
      const answer = asRecord(await callService(options.url, 'POST', '/replica/wait', body, seconds * 1000 + REQUEST_MARGIN_MS), 'wait result');
      const result = answer['result'];
      if (result === null) {
        io.out('NULL\n');
        const why = typeof answer['Last_SQL_Error'] === 'string' && answer['Last_SQL_Error'] !== '' ? `: ${answer['Last_SQL_Error']}` : '';
        command.error(`kbinlog: the applier is not running (or stopped while waiting)${why}`, { exitCode: WAIT_EXIT.notRunning, code: 'kbinlog.wait.not_running' });
      }
      if (typeof result !== 'number' || !Number.isInteger(result) || result < -1) throw new ServiceApiError(`wait result: expected a count, -1 or null, not ${JSON.stringify(result)}`);
      io.out(`${result}\n`);
      if (result === -1) command.error(`kbinlog: timed out after ${seconds} s before ${coords} was applied`, { exitCode: WAIT_EXIT.timedOut, code: 'kbinlog.wait.timeout' });
    });
}
