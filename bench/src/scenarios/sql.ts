import { runStatements } from '../clients/mariadb';
import { formatCount, progress } from '../env/progress';
import { type ClosedLoopResult, errorNote } from '../load/closed-loop';
import { sqlLoad } from '../load/drivers';
import type { ResultRow, ScenarioResult } from '../report/result';
import { type BenchContext, nodeDatabase, type Scenario, sourceSql, valueFor, SOURCE_NODE } from './context';
import { DIRECT_SCHEMA } from './reference';

/** Through the source: created through its MySQL port, so the DDL replicates and the table has capture triggers. */
const SOURCE_SCHEMA = 'kbinlog_bench';

function tableDdl(schema: string): string[] {
  return [
    `CREATE DATABASE IF NOT EXISTS ${schema}`,
    `CREATE TABLE IF NOT EXISTS ${schema}.sql_rows (id INT UNSIGNED NOT NULL PRIMARY KEY, v VARCHAR(255) NOT NULL, n BIGINT UNSIGNED NOT NULL) ENGINE=InnoDB`,
  ];
}

function upsert(schema: string): string {
  return `INSERT INTO ${schema}.sql_rows (id, v, n) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE v = VALUES(v), n = VALUES(n)`;
}

function summary(result: ClosedLoopResult): Record<string, unknown> {
  return { perSecond: result.perSecond, operations: result.operations, errors: result.errors, firstError: result.firstError, latencyMs: result.latencyMs };
}

/**
 * Scenario 4: autocommit SQL writes (single-row upserts) through the source's MySQL port, each a
 * binlog group, against the same statements sent straight to the source's MariaDB.
 */
export const sqlScenario: Scenario = {
  name: 'sql',
  async run(context: BenchContext): Promise<ScenarioResult> {
    const { options } = context;
    const throughSource = sourceSql(context);
    const direct = nodeDatabase(context, SOURCE_NODE);
    await runStatements(throughSource, tableDdl(SOURCE_SCHEMA));
    await runStatements(direct, tableDdl(DIRECT_SCHEMA));
    const load = { durationS: options.durationS, warmupS: options.warmupS };
    const rows: ResultRow[] = [];
    const runs: Record<string, unknown>[] = [];
    for (const clients of options.sqlClients) {
      const slice = Math.max(1, Math.floor(options.keys / clients));
      const values = (worker: number, index: number): unknown[] => [worker * slice + (index % slice), valueFor(options.valueSize, index), index + 1];
      progress(`sql: ${clients} client(s) through the source's MySQL port, ${options.durationS} s…`);
      const kbinlog = await sqlLoad(throughSource, clients, (worker, index) => [upsert(SOURCE_SCHEMA), values(worker, index)], load);
      progress(`sql: ${clients} client(s) straight to MariaDB…`);
      const reference = await sqlLoad(direct, clients, (worker, index) => [upsert(DIRECT_SCHEMA), values(worker, index)], load);
      progress(`sql: kbinlog ${formatCount(kbinlog.perSecond)} statements/s, MariaDB ${formatCount(reference.perSecond)} statements/s${kbinlog.errors > 0 ? `; kbinlog errors: ${kbinlog.errors} (${kbinlog.firstError})` : ''}`);
      runs.push({ clients, kbinlog: summary(kbinlog), mariadb: summary(reference) });
      const label = `${clients} client${clients === 1 ? '' : 's'}`;
      rows.push(
        { scenario: 'sql', figure: `${label} autocommit upserts vs MariaDB`, unit: 'stmts/s', kbinlog: kbinlog.perSecond, reference: reference.perSecond, referenceName: 'the same statements straight to MariaDB', ...errorNote(kbinlog, 'kbinlog'), ...errorNote(reference, 'MariaDB') },
        { scenario: 'sql', figure: `${label} latency p50`, unit: 'ms', kbinlog: kbinlog.latencyMs?.p50 ?? null, reference: reference.latencyMs?.p50 ?? null },
      );
    }
    return { scenario: 'sql', rows, details: { runs } };
  },
};
