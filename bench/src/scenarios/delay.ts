import { BinlogTail } from '../clients/binlog-tail';
import { connectMany } from '../clients/mariadb';
import { MemcachedClient } from '../clients/memcached-client';
import { sourceStatus } from '../clients/node-api';
import type { MariadbReplication } from '../env/mariadb-replication';
import { binlogTopic } from '../env/layout';
import { formatCount, progress } from '../env/progress';
import { type PacedOperation, type PacedResult, runPaced } from '../load/paced';
import { ApplyStamps } from '../measure/apply-stamps';
import { groupDelays } from '../measure/delays';
import { Samples, scaled, type Summary } from '../measure/histogram';
import { ReferenceApplyStamps, referenceSetSql } from '../measure/reference-stamps';
import type { ResultRow, ScenarioResult } from '../report/result';
import { type BenchContext, nodeDatabase, nodeHttp, type Scenario, sourceMemcached, valueFor, SOURCE_NODE } from './context';
import { referenceReplication } from './reference';

const REPLICAS = ['node-2', 'node-3'];
const DRAIN_TIMEOUT_MS = 120_000;
const PERCENTILES = ['p50', 'p90', 'p99', 'max'] as const;
/** A rate is sustained when at least this share of its sets is stored within a second of being offered. */
export const SUSTAINED_SHARE = 0.99;

interface ReplicaDelay {
  readonly replica: string;
  readonly delayMs: Summary | null;
  readonly unseen: number;
}

/** One side (kbinlog, or MariaDB's replication) at one offered rate. */
interface SideRun {
  readonly load: PacedResult;
  readonly replicas: readonly ReplicaDelay[];
  /** Per percentile, the slower replica's. */
  readonly worstMs: Summary | null;
}

interface RateRun {
  readonly rate: number;
  readonly kbinlog: SideRun & { readonly logAloneMs: Summary | null; readonly groups: number };
  readonly mariadb: SideRun | undefined;
}

function worstOf(replicas: readonly ReplicaDelay[]): Summary | null {
  const summaries = replicas.flatMap((replica) => (replica.delayMs ? [replica.delayMs] : []));
  if (summaries.length === 0) return null;
  const worst = (pick: (summary: Summary) => number) => Math.max(...summaries.map(pick));
  return { count: Math.min(...summaries.map((summary) => summary.count)), mean: worst((s) => s.mean), p50: worst((s) => s.p50), p90: worst((s) => s.p90), p99: worst((s) => s.p99), max: worst((s) => s.max) };
}

function paceOptions(context: BenchContext, rate: number, what: string) {
  const { options } = context;
  return {
    ratePerS: rate,
    durationS: options.delayDurationS,
    connections: options.delayConnections,
    onTick: (sent: number, answered: number, elapsedS: number) => {
      if (Math.round(elapsedS) % 10 === 0) progress(`delay: ${what} at ${formatCount(rate)}/s: ${Math.round(elapsedS)} s, ${formatCount(sent)} sent, ${formatCount(answered)} stored`);
    },
  };
}

function logSide(what: string, rate: number, run: SideRun): void {
  const worst = run.worstMs;
  progress(
    `delay: ${what} at ${formatCount(rate)}/s: ${formatCount(run.load.achievedPerS)} stored/s, ${(run.load.onTimeShare * 100).toFixed(2)}% within 1 s, ` +
      `replica delay p50 ${worst?.p50.toFixed(2) ?? '-'} ms, p99 ${worst?.p99.toFixed(2) ?? '-'} ms, set latency p50 ${run.load.latencyMs?.p50.toFixed(2) ?? '-'} ms`,
  );
}

/** kbinlog at `rate`: paced memcached sets through the source, each group's source commit → replica commit. */
async function kbinlogAt(context: BenchContext, rate: number): Promise<RateRun['kbinlog']> {
  const { options } = context;
  const sourceHttp = nodeHttp(context, SOURCE_NODE);
  const stamps = await Promise.all(REPLICAS.map((replica) => ApplyStamps.install(nodeDatabase(context, replica))));
  const removeStamps = async (): Promise<void> => void (await Promise.allSettled(stamps.map((stamp) => stamp.remove())));
  const forgetStamps = context.cleanup.add('replica apply stamps', removeStamps);
  const address = sourceMemcached(context);
  const clients = await Promise.all(Array.from({ length: options.delayConnections }, () => MemcachedClient.connect(address.host, address.port)));
  let tail: BinlogTail | undefined;
  try {
    const from = BigInt((await sourceStatus(sourceHttp)).Position);
    tail = await BinlogTail.start(context.kafka, binlogTopic(context.layout), from);
    const set: PacedOperation = (connection, index) => clients[connection].set(`bd:${index % options.keys}`, valueFor(options.valueSize, index));
    const load = await runPaced(set, paceOptions(context, rate, 'kbinlog'));
    const until = BigInt((await sourceStatus(sourceHttp)).Position);
    for (const [index, stamp] of stamps.entries()) {
      if (!(await stamp.waitFor(until, DRAIN_TIMEOUT_MS))) progress(`delay: ${REPLICAS[index]} did not reach ${until} within ${DRAIN_TIMEOUT_MS} ms`);
    }
    if (!(await tail.waitFor(until, DRAIN_TIMEOUT_MS))) progress(`delay: the binlog tail did not reach ${until} within ${DRAIN_TIMEOUT_MS} ms`);
    const groups = tail.groups.filter((group) => group.offset < until);
    const arrival = new Samples();
    for (const group of groups) arrival.add(group.receivedUs - group.commitTimeUs);
    const replicas = await Promise.all(
      stamps.map(async (stamp, index) => {
        const delays = groupDelays(groups, await stamp.read());
        return { replica: REPLICAS[index], delayMs: scaled(delays.delays.summary(), 1 / 1000), unseen: delays.unseen };
      }),
    );
    const run = { load, replicas, worstMs: worstOf(replicas), logAloneMs: scaled(arrival.summary(), 1 / 1000), groups: groups.length };
    logSide('kbinlog', rate, run);
    return run;
  } finally {
    for (const client of clients) client.close();
    await tail?.stop();
    await removeStamps();
    forgetStamps();
  }
}

/** MariaDB's replication at `rate`: the same rows as paced autocommit upserts on its source, each row's source stamp → replica commit. */
async function mariadbAt(context: BenchContext, replication: MariadbReplication, rate: number): Promise<SideRun> {
  const { options } = context;
  const stamps = await Promise.all(replication.replicas.map((replica) => ReferenceApplyStamps.install(replica)));
  const removeStamps = async (): Promise<void> => void (await Promise.allSettled(stamps.map((stamp) => stamp.remove())));
  const forgetStamps = context.cleanup.add('MariaDB replica apply stamps', removeStamps);
  const { connections, close } = await connectMany(replication.source, options.delayConnections);
  try {
    const sql = referenceSetSql(true);
    const set: PacedOperation = async (connection, index) => void (await connections[connection].query(sql, [`bd:${index % options.keys}`, valueFor(options.valueSize, index), index + 1]));
    const load = await runPaced(set, paceOptions(context, rate, 'MariaDB replication'));
    if (!(await replication.waitForReplicas(DRAIN_TIMEOUT_MS / 1000))) progress(`delay: a MariaDB replica did not catch up within ${DRAIN_TIMEOUT_MS} ms`);
    const replicas = await Promise.all(stamps.map(async (stamp, index) => ({ replica: `replica-${index + 1}`, delayMs: scaled((await stamp.delays()).summary(), 1 / 1000), unseen: 0 })));
    const run = { load, replicas, worstMs: worstOf(replicas) };
    logSide('MariaDB replication', rate, run);
    return run;
  } finally {
    await close();
    await removeStamps();
    forgetStamps();
  }
}

const MARIADB_DELAY = "MariaDB's own replication, same rows and rate: source row stamp → replica commit (GTID, sync_binlog=1)";

function rateRows(run: RateRun): ResultRow[] {
  const at = `${formatCount(run.rate)}/s`;
  const { kbinlog, mariadb } = run;
  return [
    ...PERCENTILES.map((percentile) => ({
      scenario: 'delay',
      figure: `${at}: source commit → replica commit, ${percentile}`,
      unit: 'ms',
      kbinlog: kbinlog.worstMs?.[percentile] ?? null,
      reference: mariadb?.worstMs?.[percentile] ?? null,
      referenceName: MARIADB_DELAY,
    })),
    { scenario: 'delay', figure: `${at}: the log alone (kafkajs read_committed), p50`, unit: 'ms', kbinlog: kbinlog.logAloneMs?.p50 ?? null, reference: null },
    { scenario: 'delay', figure: `${at}: client set latency p50`, unit: 'ms', kbinlog: kbinlog.load.latencyMs?.p50 ?? null, reference: mariadb?.load.latencyMs?.p50 ?? null, referenceName: MARIADB_DELAY },
    { scenario: 'delay', figure: `${at}: client set latency p99`, unit: 'ms', kbinlog: kbinlog.load.latencyMs?.p99 ?? null, reference: mariadb?.load.latencyMs?.p99 ?? null, referenceName: MARIADB_DELAY },
    {
      scenario: 'delay',
      figure: `${at}: sets stored within 1 s of offer`,
      unit: '%',
      kbinlog: kbinlog.load.onTimeShare * 100,
      reference: mariadb ? mariadb.load.onTimeShare * 100 : null,
      referenceName: MARIADB_DELAY,
      ...(kbinlog.load.errors > 0 ? { note: `${kbinlog.load.errors} sets failed (${kbinlog.load.firstError})` } : {}),
    },
  ];
}

/** The highest offered rate at which ≥ 99% of sets were stored within a second; 0 if none. */
function sustainable(runs: readonly RateRun[], side: (run: RateRun) => SideRun | undefined): number | null {
  const measured = runs.filter((run) => side(run) !== undefined);
  if (measured.length === 0) return null;
  return Math.max(0, ...measured.filter((run) => (side(run) as SideRun).load.onTimeShare >= SUSTAINED_SHARE).map((run) => run.rate));
}

/**
 * Scenario 1: replication delay as a curve over offered rates (100, 1,000 and 5,000 sets/s by
 * default), each for --duration seconds: kbinlog's (memcached sets through the source, from each
 * group's commit_time_us to the replica's stamp of the transaction that applied it, see
 * ApplyStamps) beside MariaDB's own replication at the same rate (the same rows as autocommit
 * upserts on its source, each stamped as it runs, to its replicas' stamp, see
 * ReferenceApplyStamps), with each side's set latency, the share of sets stored within a second
 * of being offered, and the sustainable rate (the highest offered rate with ≥ 99% of them).
 */
export const delayScenario: Scenario = {
  name: 'delay',
  async run(context: BenchContext): Promise<ScenarioResult> {
    const { options } = context;
    const replication = await referenceReplication(context).catch((error: unknown) => {
      progress(`delay: MariaDB's replication could not be started, its reference is skipped: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
    const runs: RateRun[] = [];
    for (const rate of options.rates) {
      progress(`delay: ${formatCount(rate)} sets/s offered for ${options.delayDurationS} s over ${options.delayConnections} connections…`);
      const kbinlog = await kbinlogAt(context, rate);
      const mariadb = replication ? await mariadbAt(context, replication, rate) : undefined;
      runs.push({ rate, kbinlog, mariadb });
    }
    const kbinlogSustained = sustainable(runs, (run) => run.kbinlog);
    const mariadbSustained = sustainable(runs, (run) => run.mariadb);
    const at1000 = runs.find((run) => run.rate === 1000);
    return {
      scenario: 'delay',
      rows: [
        ...runs.flatMap(rateRows),
        {
          scenario: 'delay',
          figure: `sustainable rate (≥ 99% stored within 1 s; of ${options.rates.map(formatCount).join(', ')})`,
          unit: 'sets/s',
          kbinlog: kbinlogSustained,
          reference: mariadbSustained,
          referenceName: MARIADB_DELAY,
        },
      ],
      details: {
        durationS: options.delayDurationS,
        connections: options.delayConnections,
        runs,
        targets: {
          p50Ms: at1000?.kbinlog.worstMs?.p50,
          p99Ms: at1000?.kbinlog.worstMs?.p99,
          mariadbP50Ms: at1000?.mariadb?.worstMs?.p50,
          mariadbP99Ms: at1000?.mariadb?.worstMs?.p99,
          sustainablePerS: kbinlogSustained ?? undefined,
        },
      },
    };
  },
};
