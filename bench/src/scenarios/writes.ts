import { kafkaTransactionRate } from '../clients/kafka-transactions';
import { withFsyncPerAppend } from '../clients/topic-flush';
import type { MariadbReplication } from '../env/mariadb-replication';
import { binlogTopic } from '../env/layout';
import { referenceSetSql } from '../measure/reference-stamps';
import { runStatements, type SqlEndpoint } from '../clients/mariadb';
import type { ReferenceMemcached } from '../env/reference-memcached';
import { formatCount, progress } from '../env/progress';
import { type ClosedLoopResult, errorNote } from '../load/closed-loop';
import { memcachedLoad, sqlLoad } from '../load/drivers';
import type { ResultRow, ScenarioResult } from '../report/result';
import { type BenchContext, type Scenario, sourceMemcached, sourceSql, valueFor, workerKey } from './context';
import { largestServicePeak, memoryRows, memorySampler } from './memory';
import { referenceReplication, withReferenceMemcached } from './reference';

/** The row a memcached set of the demo container writes (c1 key, c2 value, c3 flags, c4 cas, c5 expiry), as autocommit SQL. */
function setSql(table: string): string {
  return `INSERT INTO ${table} (c1, c2, c3, c4, c5) VALUES (?, ?, 0, ?, 0)
    ON DUPLICATE KEY UPDATE c2 = VALUES(c2), c3 = VALUES(c3), c4 = VALUES(c4), c5 = VALUES(c5)`;
}

/** Through kbinlog's MySQL port: created through it, so the DDL replicates and the table has capture triggers. */
const SQL_SCHEMA = 'kbinlog_bench';
const SQL_TABLE = `${SQL_SCHEMA}.demo_test`;

interface ClientCountRun {
  readonly clients: number;
  readonly kbinlog: ClosedLoopResult;
  readonly kbinlogSql: ClosedLoopResult;
  readonly mariadb: ClosedLoopResult | undefined;
  readonly memcached: ClosedLoopResult | undefined;
}

/** The fsync comparisons, at the largest client count. */
interface DurabilityRuns {
  readonly clients: number;
  /** kbinlog with the broker fsyncing every append (flush.messages=1 on the binlog topic). */
  readonly kbinlogFsync: ClosedLoopResult;
  /** MariaDB's source flushing nothing at commit (sync_binlog=0, innodb_flush_log_at_trx_commit=2). */
  readonly mariadbNoFsync: ClosedLoopResult;
}

function summary(result: ClosedLoopResult | undefined): Record<string, unknown> | null {
  if (!result) return null;
  return { perSecond: result.perSecond, operations: result.operations, errors: result.errors, firstError: result.firstError, latencyMs: result.latencyMs };
}

function logRun(what: string, result: ClosedLoopResult): void {
  const errors = result.errors > 0 ? `, ${result.errors} errors (${result.firstError})` : '';
  progress(`writes: ${what}: ${formatCount(result.perSecond)} writes/s, p50 ${result.latencyMs?.p50.toFixed(2) ?? '-'} ms${errors}`);
}

const MARIADB_FSYNC = "MariaDB's replication source (binlog, GTID, 2 replicas): autocommit upserts, sync_binlog=1, innodb_flush_log_at_trx_commit=1";
const MARIADB_NO_FSYNC = "the same MariaDB source with sync_binlog=0, innodb_flush_log_at_trx_commit=2 (no fsync at commit)";

function keyOf(options: BenchContext['options'], clients: number): (worker: number, index: number) => string {
  return (worker, index) => workerKey('bw:', options.keys, clients, worker, index);
}

/** The same sets (keys, values) by `clients` clients: memcached and SQL through kbinlog, autocommit SQL on MariaDB's source, real memcached. */
/** The loads both runs use, for one client count: each closed-loop for the bench's duration. */
function loadsFor(context: BenchContext, clients: number) {
  const { options } = context;
  const load = { durationS: options.durationS, warmupS: options.warmupS };
  const key = keyOf(options, clients);
  const value = (index: number): string => valueFor(options.valueSize, index);
  return {
    memcachedSets: (endpoint: { host: string; port: number }) => memcachedLoad(endpoint, clients, 1, (client, worker, index) => client.set(key(worker, index), value(index)), load),
    sqlUpserts: (endpoint: SqlEndpoint, sql: string) => sqlLoad(endpoint, clients, (worker, index) => [sql, [key(worker, index), value(index), index + 1]], load),
  };
}

async function runClientCount(context: BenchContext, clients: number, replication: MariadbReplication | undefined, memcached: ReferenceMemcached | undefined, afterKbinlog: () => void): Promise<ClientCountRun> {
  const { options } = context;
  const loads = loadsFor(context, clients);

  progress(`writes: ${clients} client(s), memcached sets through the source, ${options.durationS} s…`);
  const kbinlog = await loads.memcachedSets(sourceMemcached(context));
  afterKbinlog();
  logRun(`kbinlog memcached, ${clients} client(s)`, kbinlog);

  const kbinlogSql = await loads.sqlUpserts(sourceSql(context), setSql(SQL_TABLE));
  logRun(`kbinlog SQL (MySQL port), ${clients} client(s)`, kbinlogSql);

  let mariadb: ClosedLoopResult | undefined;
  if (replication) {
    mariadb = await loads.sqlUpserts(replication.source, referenceSetSql(false));
    logRun(`MariaDB replication source, ${clients} client(s)`, mariadb);
  }

  let reference: ClosedLoopResult | undefined;
  if (memcached) {
    reference = await loads.memcachedSets({ host: '127.0.0.1', port: memcached.port });
    logRun(`memcached, ${clients} client(s)`, reference);
  }
  return { clients, kbinlog, kbinlogSql, mariadb, memcached: reference };
}

/** Both sides with the other's fsync policy: kbinlog with a broker that fsyncs each append, MariaDB with no fsync at commit. */
async function runDurability(context: BenchContext, clients: number, replication: MariadbReplication): Promise<DurabilityRuns> {
  const loads = loadsFor(context, clients);
  progress(`writes: ${clients} clients, memcached sets with the broker fsyncing each append (flush.messages=1)…`);
  const kbinlogFsync = await withFsyncPerAppend(context.kafka, binlogTopic(context.layout), () => loads.memcachedSets(sourceMemcached(context)));
  logRun(`kbinlog memcached, broker fsync per append, ${clients} clients`, kbinlogFsync);
  await replication.setDurability('none');
  try {
    const mariadbNoFsync = await loads.sqlUpserts(replication.source, referenceSetSql(false));
    logRun(`MariaDB replication source, no fsync at commit, ${clients} clients`, mariadbNoFsync);
    return { clients, kbinlogFsync, mariadbNoFsync };
  } finally {
    await replication.setDurability('fsync');
  }
}

function clientCountRows(run: ClientCountRun): ResultRow[] {
  const label = `${run.clients} client${run.clients === 1 ? '' : 's'}`;
  return [
    {
      scenario: 'writes',
      figure: `${label}: memcached sets vs MariaDB source (fsync)`,
      unit: 'writes/s',
      kbinlog: run.kbinlog.perSecond,
      reference: run.mariadb?.perSecond ?? null,
      referenceName: MARIADB_FSYNC,
      ...errorNote(run.kbinlog, 'kbinlog'),
      ...errorNote(run.mariadb, 'MariaDB'),
    },
    {
      scenario: 'writes',
      figure: `${label}: SQL upserts (MySQL port) vs MariaDB source (fsync)`,
      unit: 'writes/s',
      kbinlog: run.kbinlogSql.perSecond,
      reference: run.mariadb?.perSecond ?? null,
      referenceName: MARIADB_FSYNC,
      ...errorNote(run.kbinlogSql, 'kbinlog SQL'),
    },
    {
      scenario: 'writes',
      figure: `${label}: memcached sets vs memcached (not durable)`,
      unit: 'writes/s',
      kbinlog: run.kbinlog.perSecond,
      reference: run.memcached?.perSecond ?? null,
      referenceName: 'real memcached 1.6 (Debian), same client',
      ...errorNote(run.memcached, 'memcached'),
    },
  ];
}

function durabilityRows(run: DurabilityRuns, sameClients: ClientCountRun | undefined): ResultRow[] {
  const label = `${run.clients} clients`;
  return [
    {
      scenario: 'writes',
      figure: `${label}, no fsync either side: memcached sets vs MariaDB source`,
      unit: 'writes/s',
      kbinlog: sameClients?.kbinlog.perSecond ?? null,
      reference: run.mariadbNoFsync.perSecond,
      referenceName: MARIADB_NO_FSYNC,
      ...errorNote(run.mariadbNoFsync, 'MariaDB'),
    },
    {
      scenario: 'writes',
      figure: `${label}, fsync both sides: memcached sets (broker flush.messages=1) vs MariaDB source`,
      unit: 'writes/s',
      kbinlog: run.kbinlogFsync.perSecond,
      reference: sameClients?.mariadb?.perSecond ?? null,
      referenceName: MARIADB_FSYNC,
      ...errorNote(run.kbinlogFsync, 'kbinlog'),
    },
  ];
}

/**
 * Scenario 2 (and 6): durable writes with 1, 8 and 50 clients: memcached sets and autocommit SQL
 * upserts through kbinlog, against the same rows as autocommit SQL on MariaDB's own replication
 * source (sync_binlog=1, two replicas attached), and real memcached as the non-durable ceiling.
 * At the largest count, each side also runs with the other's fsync policy. Kafka transactions
 * alone are the ceiling of one transaction per group. The services' resident memory is sampled
 * throughout, and read once more right after the last kbinlog run.
 */
export const writesScenario: Scenario = {
  name: 'writes',
  async run(context: BenchContext): Promise<ScenarioResult> {
    const { options } = context;
    await runStatements(sourceSql(context), [
      `CREATE DATABASE IF NOT EXISTS ${SQL_SCHEMA}`,
      `CREATE TABLE IF NOT EXISTS ${SQL_TABLE} (c1 VARCHAR(32) NOT NULL PRIMARY KEY, c2 VARCHAR(1024), c3 INT, c4 BIGINT UNSIGNED, c5 INT) ENGINE=InnoDB`,
    ]);
    const replication = await referenceReplication(context).catch((error: unknown) => {
      progress(`writes: MariaDB's replication could not be started, its reference is skipped: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
    const sampler = memorySampler(context);
    const runs: ClientCountRun[] = [];
    let durability: DurabilityRuns | undefined;
    let endRss = new Map<string, number>();
    let peaks = new Map<string, number>();
    sampler.start();
    try {
      await withReferenceMemcached(context, async (memcached) => {
        for (const clients of options.clients) runs.push(await runClientCount(context, clients, replication, memcached, () => (endRss = sampler.sample())));
      });
      if (replication) durability = await runDurability(context, Math.max(...options.clients), replication);
    } finally {
      peaks = await sampler.stop();
    }

    progress(`writes: Kafka transactions alone (kafkajs, one record each), ${options.durationS} s…`);
    const transactions = await kafkaTransactionRate(context.kafka, options.durationS, 300);
    progress(`writes: ${formatCount(transactions.perSecond)} Kafka transactions/s, p50 ${transactions.latencyMs?.p50.toFixed(2) ?? '-'} ms`);

    const fifty = runs.find((run) => run.clients === 50);
    const sameClients = durability && runs.find((run) => run.clients === durability?.clients);
    return {
      scenario: 'writes',
      rows: [
        ...runs.flatMap(clientCountRows),
        ...(durability ? durabilityRows(durability, sameClients) : []),
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
        runs: runs.map((run) => ({ clients: run.clients, kbinlogMemcached: summary(run.kbinlog), kbinlogSql: summary(run.kbinlogSql), mariadbSourceFsync: summary(run.mariadb), memcached: summary(run.memcached) })),
        durability: durability ? { clients: durability.clients, kbinlogBrokerFsync: summary(durability.kbinlogFsync), mariadbSourceNoFsync: summary(durability.mariadbNoFsync) } : null,
        kafkaTransactionsAlone: transactions,
        residentMb: { endOfLastKbinlogRun: Object.fromEntries(endRss), peak: Object.fromEntries(peaks) },
        targets: { ratio50VsSql: fifty?.mariadb ? fifty.kbinlog.perSecond / fifty.mariadb.perSecond : undefined, maxServiceRssMb: largestServicePeak(peaks) },
      },
    };
  },
};
