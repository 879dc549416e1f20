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

/**
 * The targets, each from the figure its scenario reports under `details.targets`:
 * delay (worst replica's p50 and p99), writes (50-client ratio to direct SQL, peak RSS), gets
 * (ratio to memcached), catch-up (groups/s).
 */
export function targetStandings(results: readonly ScenarioResult[]): TargetStanding[] {
  const delay = figures(results, 'delay');
  const writes = figures(results, 'writes');
  const gets = figures(results, 'gets');
  const catchup = figures(results, 'catchup');
  return [
    standing('replication delay p50 ≤ 1 ms at 1,000 sets/s', num(delay?.['p50Ms']), ms, (value) => value <= 1),
    standing('replication delay p99 ≤ 5 ms at 1,000 sets/s', num(delay?.['p99Ms']), ms, (value) => value <= 5),
    standing('durable memcached writes, 50 clients ≥ 2× direct autocommit SQL', num(writes?.['ratio50VsSql']), times, (value) => value >= 2),
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
