import { kafkaTransactionRate } from '../clients/kafka-transactions';
import { runStatements } from '../clients/mariadb';
import type { ReferenceMemcached } from '../env/reference-memcached';
import { formatCount, progress } from '../env/progress';
import { type ClosedLoopResult, errorNote } from '../load/closed-loop';
import { memcachedLoad, sqlLoad } from '../load/drivers';
import type { ResultRow, ScenarioResult } from '../report/result';
import { type BenchContext, nodeDatabase, type Scenario, sourceMemcached, valueFor, workerKey, SOURCE_NODE } from './context';
import { largestServicePeak, memoryRows, memorySampler } from './memory';
import { DIRECT_SCHEMA, withReferenceMemcached } from './reference';

/** The row a memcached set of the demo container writes (c1 key, c2 value, c3 flags, c4 cas, c5 expiry), as autocommit SQL. */
const DIRECT_SET_SQL = `INSERT INTO ${DIRECT_SCHEMA}.demo_test (c1, c2, c3, c4, c5) VALUES (?, ?, 0, ?, 0)
  ON DUPLICATE KEY UPDATE c2 = VALUES(c2), c3 = VALUES(c3), c4 = VALUES(c4), c5 = VALUES(c5)`;

interface ClientCountRun {
  readonly clients: number;
  readonly kbinlog: ClosedLoopResult;
  readonly sql: ClosedLoopResult;
  readonly memcached: ClosedLoopResult | undefined;
}

function summary(result: ClosedLoopResult | undefined): Record<string, unknown> | null {
  if (!result) return null;
  return { perSecond: result.perSecond, operations: result.operations, errors: result.errors, firstError: result.firstError, latencyMs: result.latencyMs };
}

function logRun(what: string, result: ClosedLoopResult): void {
  const errors = result.errors > 0 ? `, ${result.errors} errors (${result.firstError})` : '';
  progress(`writes: ${what}: ${formatCount(result.perSecond)} writes/s, p50 ${result.latencyMs?.p50.toFixed(2) ?? '-'} ms${errors}`);
}

/** The same sets (keys, values) by `clients` clients through the source, as direct SQL, and to memcached. */
async function runClientCount(context: BenchContext, clients: number, memcached: ReferenceMemcached | undefined, afterKbinlog: () => void): Promise<ClientCountRun> {
  const { options } = context;
  const load = { durationS: options.durationS, warmupS: options.warmupS };
  const key = (worker: number, index: number): string => workerKey('bw:', options.keys, clients, worker, index);
  const value = (index: number): string => valueFor(options.valueSize, index);

  progress(`writes: ${clients} client(s) through the source, ${options.durationS} s…`);
  const kbinlog = await memcachedLoad(sourceMemcached(context), clients, 1, (client, worker, index) => client.set(key(worker, index), value(index)), load);
  afterKbinlog();
  logRun(`kbinlog, ${clients} client(s)`, kbinlog);

  progress(`writes: ${clients} client(s) as autocommit SQL straight into MariaDB…`);
  const sql = await sqlLoad(nodeDatabase(context, SOURCE_NODE), clients, (worker, index) => [DIRECT_SET_SQL, [key(worker, index), value(index), index + 1]], load);
  logRun(`MariaDB autocommit SQL, ${clients} client(s)`, sql);

  let reference: ClosedLoopResult | undefined;
  if (memcached) {
    reference = await memcachedLoad({ host: '127.0.0.1', port: memcached.port }, clients, 1, (client, worker, index) => client.set(key(worker, index), value(index)), load);
    logRun(`memcached, ${clients} client(s)`, reference);
  }
  return { clients, kbinlog, sql, memcached: reference };
}

function clientCountRows(run: ClientCountRun): ResultRow[] {
  const label = `${run.clients} client${run.clients === 1 ? '' : 's'}`;
  return [
    {
      scenario: 'writes',
      figure: `${label} vs MariaDB autocommit SQL`,
      unit: 'writes/s',
      kbinlog: run.kbinlog.perSecond,
      reference: run.sql.perSecond,
      referenceName: 'the same rows as autocommit SQL (mysql2) straight into MariaDB',
      ...errorNote(run.kbinlog, 'kbinlog'),
      ...errorNote(run.sql, 'MariaDB'),
    },
    {
      scenario: 'writes',
      figure: `${label} vs memcached (not durable)`,
      unit: 'writes/s',
      kbinlog: run.kbinlog.perSecond,
      reference: run.memcached?.perSecond ?? null,
      referenceName: 'real memcached 1.6 (Debian), same client',
      ...errorNote(run.memcached, 'memcached'),
    },
  ];
}

/**
 * Scenario 2 (and 6): durable memcached writes through the source with 1, 8 and 50 clients,
 * against the same rows written as autocommit SQL straight into the source's MariaDB (a scratch
 * schema without capture triggers), real memcached as the non-durable ceiling, and Kafka
 * transactions alone as the ceiling of one transaction per group. The services' resident memory
 * is sampled throughout, and read once more right after the last kbinlog run.
 */
export const writesScenario: Scenario = {
  name: 'writes',
  async run(context: BenchContext): Promise<ScenarioResult> {
    const { options } = context;
    await runStatements(nodeDatabase(context, SOURCE_NODE), [`CREATE DATABASE IF NOT EXISTS ${DIRECT_SCHEMA}`, `CREATE TABLE IF NOT EXISTS ${DIRECT_SCHEMA}.demo_test LIKE test.demo_test`]);
    const sampler = memorySampler(context);
    const runs: ClientCountRun[] = [];
    let endRss = new Map<string, number>();
    let peaks = new Map<string, number>();
    sampler.start();
    try {
      await withReferenceMemcached(context, async (memcached) => {
        for (const clients of options.clients) runs.push(await runClientCount(context, clients, memcached, () => (endRss = sampler.sample())));
      });
    } finally {
      peaks = await sampler.stop();
    }

    progress(`writes: Kafka transactions alone (kafkajs, one record each), ${options.durationS} s…`);
    const transactions = await kafkaTransactionRate(context.kafka, options.durationS, 300);
    progress(`writes: ${formatCount(transactions.perSecond)} Kafka transactions/s, p50 ${transactions.latencyMs?.p50.toFixed(2) ?? '-'} ms`);

    const fifty = runs.find((run) => run.clients === 50);
    return {
      scenario: 'writes',
      rows: [
        ...runs.flatMap(clientCountRows),
        {
          scenario: 'writes',
          figure: 'best of the above vs Kafka transactions alone',
          unit: 'writes/s',
          kbinlog: Math.max(...runs.map((run) => run.kbinlog.perSecond)),
          reference: transactions.perSecond,
          referenceName: "sequential kafkajs transactions of one record each, the binlog writer's settings",
        },
        ...memoryRows(endRss, peaks),
      ],
      details: {
        runs: runs.map((run) => ({ clients: run.clients, kbinlog: summary(run.kbinlog), mariadbAutocommitSql: summary(run.sql), memcached: summary(run.memcached) })),
        kafkaTransactionsAlone: transactions,
        residentMb: { endOfLastKbinlogRun: Object.fromEntries(endRss), peak: Object.fromEntries(peaks) },
        targets: { ratio50VsSql: fifty ? fifty.kbinlog.perSecond / fifty.sql.perSecond : undefined, maxServiceRssMb: largestServicePeak(peaks) },
      },
    };
  },
};
