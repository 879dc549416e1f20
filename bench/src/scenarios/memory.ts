import { RssSampler } from '../measure/rss';
import type { ResultRow } from '../report/result';
import type { BenchContext } from './context';

/** kbinlog's own services (not Kafka or MariaDB): the 300 MB target is about them. */
export const SERVICES = ['node-1', 'node-2', 'node-3', 'coordinator'];

/** Infrastructure processes, sampled for the JSON only. */
const INFRA = ['kafka-kafka', 'mariadb-node-1', 'mariadb-node-2', 'mariadb-node-3'];

/**
 * Scenario 6's instrument: a sampler of the services' resident memory (and, for context, the
 * infrastructure's), to run during the writes scenario.
 */
export function memorySampler(context: BenchContext): RssSampler {
  const pids = new Map<string, number>();
  for (const node of context.status.nodes) {
    if (SERVICES.includes(node.name) && node.pid !== null) pids.set(node.name, node.pid);
  }
  for (const instance of INFRA) {
    const pid = context.stack.infraPid(instance);
    if (pid !== undefined) pids.set(instance, pid);
  }
  return new RssSampler(pids);
}

/** Scenario 6's rows: each service's RSS at the end of the writes, and its peak during them. */
export function memoryRows(end: ReadonlyMap<string, number>, peaks: ReadonlyMap<string, number>): ResultRow[] {
  return [
    ...SERVICES.map((service) => ({ scenario: 'memory', figure: `${service} RSS at end of writes`, unit: 'MB', kbinlog: end.get(service) ?? null, reference: null })),
    ...SERVICES.map((service) => ({ scenario: 'memory', figure: `${service} RSS peak during writes`, unit: 'MB', kbinlog: peaks.get(service) ?? null, reference: null })),
  ];
}

/** The largest service peak, for the 300 MB target. */
export function largestServicePeak(peaks: ReadonlyMap<string, number>): number | undefined {
  const values = SERVICES.flatMap((service) => {
    const peak = peaks.get(service);
    return peak === undefined ? [] : [peak];
  });
  return values.length > 0 ? Math.max(...values) : undefined;
}
