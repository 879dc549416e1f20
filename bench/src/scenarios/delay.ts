import { BinlogTail } from '../clients/binlog-tail';
import { MemcachedClient } from '../clients/memcached-client';
import { sourceStatus } from '../clients/node-api';
import { binlogTopic } from '../env/layout';
import { formatCount, progress } from '../env/progress';
import { type PacedResult, runPaced } from '../load/paced';
import { ApplyStamps } from '../measure/apply-stamps';
import { groupDelays } from '../measure/delays';
import { Samples, scaled, type Summary } from '../measure/histogram';
import type { ResultRow, ScenarioResult } from '../report/result';
import { type BenchContext, nodeDatabase, nodeHttp, type Scenario, sourceMemcached, valueFor, SOURCE_NODE } from './context';

const REPLICAS = ['node-2', 'node-3'];
const DRAIN_TIMEOUT_MS = 120_000;

function percentileRows(replica: string, summary: Summary | null, floor: Summary | null): ResultRow[] {
  return (['p50', 'p90', 'p99', 'max'] as const).map((percentile) => ({
    scenario: 'delay',
    figure: `${replica}: source commit → replica commit, ${percentile}`,
    unit: 'ms',
    kbinlog: summary?.[percentile] ?? null,
    reference: floor?.[percentile] ?? null,
    referenceName: 'the same groups reaching a plain kafkajs read_committed consumer (the log alone)',
  }));
}

/** Sends the paced sets; returns the load's outcome and the binlog range its groups took. */
async function pacedSets(context: BenchContext, sourceHttp: string): Promise<{ load: PacedResult; until: bigint }> {
  const { options } = context;
  const address = sourceMemcached(context);
  const clients = await Promise.all(Array.from({ length: options.delayConnections }, () => MemcachedClient.connect(address.host, address.port)));
  try {
    progress(`delay: ${formatCount(options.rate)} sets/s offered for ${options.delayDurationS} s over ${options.delayConnections} connections…`);
    const load = await runPaced((connection, index) => clients[connection].set(`bd:${index % options.keys}`, valueFor(options.valueSize, index)), {
      ratePerS: options.rate,
      durationS: options.delayDurationS,
      connections: options.delayConnections,
      onTick: (sent, answered, elapsedS) => {
        if (Math.round(elapsedS) % 10 === 0) progress(`delay: ${Math.round(elapsedS)} s, ${formatCount(sent)} sent, ${formatCount(answered)} stored`);
      },
    });
    return { load, until: BigInt((await sourceStatus(sourceHttp)).Position) };
  } finally {
    for (const client of clients) client.close();
  }
}

/**
 * Scenario 1: replication delay at a paced memcached set rate. For every group written during
 * the run: from its commit_time_us (stamped by the source as it forms the group, read from the
 * binlog) to the replica's own microsecond stamp of the transaction that applied it (see
 * ApplyStamps: taken at the transaction's last statement, just before its COMMIT). The reference
 * is the same groups' arrival at a plain read_committed consumer: what the log alone costs.
 * Also the client's own set latency and the rate the source actually took.
 */
export const delayScenario: Scenario = {
  name: 'delay',
  async run(context: BenchContext): Promise<ScenarioResult> {
    const { options } = context;
    const sourceHttp = nodeHttp(context, SOURCE_NODE);
    const stamps = await Promise.all(REPLICAS.map((replica) => ApplyStamps.install(nodeDatabase(context, replica))));
    const removeStamps = async (): Promise<void> => void (await Promise.allSettled(stamps.map((stamp) => stamp.remove())));
    const forgetStamps = context.cleanup.add('replica apply stamps', removeStamps);
    const from = BigInt((await sourceStatus(sourceHttp)).Position);
    let tail: BinlogTail | undefined;
    try {
      tail = await BinlogTail.start(context.kafka, binlogTopic(context.layout), from);
      const { load, until } = await pacedSets(context, sourceHttp);
      progress(`delay: ${formatCount(load.answered)} sets stored (${formatCount(load.skipped)} due while all connections were busy); waiting for the replicas…`);
      for (const [index, stamp] of stamps.entries()) {
        if (!(await stamp.waitFor(until, DRAIN_TIMEOUT_MS))) progress(`delay: ${REPLICAS[index]} did not reach ${until} within ${DRAIN_TIMEOUT_MS} ms`);
      }
      if (!(await tail.waitFor(until, DRAIN_TIMEOUT_MS))) progress(`delay: the binlog tail did not reach ${until} within ${DRAIN_TIMEOUT_MS} ms`);

      const groups = tail.groups.filter((group) => group.offset < until);
      const arrival = new Samples();
      for (const group of groups) arrival.add(group.receivedUs - group.commitTimeUs);
      const floorMs = scaled(arrival.summary(), 1 / 1000);
      progress(`delay: ${formatCount(groups.length)} groups; at a plain read_committed consumer p50 ${floorMs?.p50.toFixed(2) ?? '-'} ms, p99 ${floorMs?.p99.toFixed(2) ?? '-'} ms`);
      const perReplica = await Promise.all(
        stamps.map(async (stamp, index) => {
          const delays = groupDelays(groups, await stamp.read());
          return { replica: REPLICAS[index], delayMs: scaled(delays.delays.summary(), 1 / 1000), unseen: delays.unseen };
        }),
      );
      for (const replica of perReplica) {
        progress(`delay: ${replica.replica}: p50 ${replica.delayMs?.p50.toFixed(2) ?? '-'} ms, p99 ${replica.delayMs?.p99.toFixed(2) ?? '-'} ms${replica.unseen > 0 ? `, ${replica.unseen} groups not seen applied` : ''}`);
      }

      const rows: ResultRow[] = perReplica.flatMap((replica) => percentileRows(replica.replica, replica.delayMs, floorMs));
      rows.push(
        { scenario: 'delay', figure: 'client set latency p50', unit: 'ms', kbinlog: load.latencyMs?.p50 ?? null, reference: null },
        { scenario: 'delay', figure: 'client set latency p99', unit: 'ms', kbinlog: load.latencyMs?.p99 ?? null, reference: null },
        { scenario: 'delay', figure: 'sets stored vs offered', unit: 'sets/s', kbinlog: load.achievedPerS, reference: options.rate, referenceName: 'the offered rate', ...(load.errors > 0 ? { note: `${load.errors} sets failed (${load.firstError})` } : {}) },
      );
      const worst = (percentile: 'p50' | 'p99'): number | undefined => {
        const values = perReplica.flatMap((replica) => (replica.delayMs ? [replica.delayMs[percentile]] : []));
        return values.length > 0 ? Math.max(...values) : undefined;
      };
      return {
        scenario: 'delay',
        rows,
        details: {
          offeredPerS: options.rate,
          durationS: options.delayDurationS,
          connections: options.delayConnections,
          load,
          groups: groups.length,
          binlogRange: { from, until },
          replicas: perReplica,
          plainConsumerMs: floorMs,
          targets: { p50Ms: worst('p50'), p99Ms: worst('p99') },
        },
      };
    } finally {
      await tail?.stop();
      await removeStamps();
      forgetStamps();
    }
  },
};
