import type { ScenarioResult } from './result';

/** Where one of the targets stands after a run. */
export interface TargetStanding {
  readonly target: string;
  readonly measured: string;
  readonly verdict: 'met' | 'missed' | 'not measured';
}

type Figures = Readonly<Record<string, unknown>>;

function figures(results: readonly ScenarioResult[], scenario: string): Figures | undefined {
  return results.find((result) => result.scenario === scenario)?.details['targets'] as Figures | undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function standing(target: string, measured: number | undefined, show: (value: number) => string, met: (value: number) => boolean): TargetStanding {
  if (measured === undefined) return { target, measured: '-', verdict: 'not measured' };
  return { target, measured: show(measured), verdict: met(measured) ? 'met' : 'missed' };
}

const ms = (value: number): string => `${value.toPrecision(3)} ms`;
const times = (value: number): string => `${value.toPrecision(2)}×`;

/** `measured` within `factor`× of `reference`, both positive numbers. */
function withinFactor(measured: number | undefined, reference: number | undefined): number | undefined {
  return measured !== undefined && reference !== undefined && reference > 0 ? measured / reference : undefined;
}

/**
 * The targets, each from the figure its scenario reports under `details.targets`: delay at
 * 1,000 sets/s (the slower replica's p50 and p99, alone and against MariaDB's replication in the
 * same run), the sustainable set rate, writes (50 clients against MariaDB's fsyncing source, peak
 * RSS), gets (share of memcached), catch-up (groups/s).
 */
export function targetStandings(results: readonly ScenarioResult[]): TargetStanding[] {
  const delay = figures(results, 'delay');
  const writes = figures(results, 'writes');
  const gets = figures(results, 'gets');
  const catchup = figures(results, 'catchup');
  const p50 = num(delay?.['p50Ms']);
  const p99 = num(delay?.['p99Ms']);
  return [
    standing("durable memcached sets, 50 clients ≥ 2× autocommit SQL on MariaDB's source (sync_binlog=1)", num(writes?.['ratio50VsSql']), times, (value) => value >= 2),
    standing('sustainable memcached set rate ≥ 5,000/s (≥ 99% stored within 1 s)', num(delay?.['sustainablePerS']), (value) => `${Math.round(value).toLocaleString('en-US')} sets/s`, (value) => value >= 5000),
    standing('replication delay p50 ≤ 5 ms at 1,000 sets/s', p50, ms, (value) => value <= 5),
    standing('replication delay p99 ≤ 25 ms at 1,000 sets/s', p99, ms, (value) => value <= 25),
    standing("delay p50 at 1,000 sets/s within 10× of MariaDB's replication", withinFactor(p50, num(delay?.['mariadbP50Ms'])), times, (value) => value <= 10),
    standing("delay p99 at 1,000 sets/s within 10× of MariaDB's replication", withinFactor(p99, num(delay?.['mariadbP99Ms'])), times, (value) => value <= 10),
    standing('gets ≥ 50% of real memcached', num(gets?.['ratioVsMemcached']), (value) => `${(value * 100).toPrecision(2)}%`, (value) => value >= 0.5),
    standing('catch-up ≥ 50,000 groups/s', num(catchup?.['groupsPerS']), (value) => `${Math.round(value).toLocaleString('en-US')} groups/s`, (value) => value >= 50_000),
    standing('no service above 300 MB resident under load', num(writes?.['maxServiceRssMb']), (value) => `${Math.round(value)} MB (largest peak)`, (value) => value <= 300),
  ];
}

export function targetsText(standings: readonly TargetStanding[]): string {
  const width = Math.max(...standings.map((item) => item.target.length));
  const measuredWidth = Math.max(...standings.map((item) => item.measured.length));
  return ['targets:', ...standings.map((item) => `  ${item.target.padEnd(width)}  ${item.measured.padStart(measuredWidth)}  ${item.verdict}`)].join('\n');
}
