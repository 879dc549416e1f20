import { Command } from 'commander';
import { type CliIo, processIo } from '../support/cli-io';
import { formatTable } from '../support/result-format';
import { asRecord, callService, serviceUrlOption } from '../support/service-api';

export const SOURCE_URL_ENV = 'KBINLOG_SOURCE_URL';
export const DEFAULT_SOURCE_URL = 'http://127.0.0.1:8081';

/** SHOW MASTER STATUS's columns, always shown, in its order; any further fields the source reports follow. */
const SOURCE_STATUS_COLUMNS = ['File', 'Position', 'Executed_Gtid_Set', 'Server_Id', 'Server_UUID'];

/** `kbinlog status`: SHOW MASTER STATUS from the source's GET /status. */
export function statusCommand(io: CliIo = processIo): Command {
  return new Command('status')
    .description("show the source's binlog position (SHOW MASTER STATUS)")
    .addOption(serviceUrlOption(SOURCE_URL_ENV, DEFAULT_SOURCE_URL))
    .option('--json', 'print the status as JSON')
    .action(async (options: { url: string; json?: boolean }) => {
      const status = asRecord(await callService(options.url, 'GET', '/status'), 'source status');
      if (options.json) {
        io.out(`${JSON.stringify(status, null, 2)}\n`);
        return;
      }
      const columns = [...SOURCE_STATUS_COLUMNS, ...Object.keys(status).filter((key) => !SOURCE_STATUS_COLUMNS.includes(key))];
      io.out(formatTable(columns, [status]));
    });
}
