import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, hostname, totalmem } from 'node:os';
import { join } from 'node:path';
import { ratio, type ScenarioResult } from './result';
import type { TargetStanding } from './targets';

export interface RunInfo {
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly options: Record<string, unknown>;
  readonly failures: { scenario: string; error: string }[];
}

/** Writes the run's results as JSON (for comparing runs) and returns the file's path. */
export function writeJsonReport(dir: string, run: RunInfo, results: readonly ScenarioResult[], targets: readonly TargetStanding[], file?: string): string {
  const path = file ?? join(dir, `${run.startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(dir, { recursive: true });
  const report = {
    format: 1,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt.toISOString(),
    host: { hostname: hostname(), cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryMb: Math.round(totalmem() / 2 ** 20), node: process.version },
    options: run.options,
    rows: results.flatMap((result) => result.rows.map((row) => ({ ...row, ratio: ratio(row) }))),
    targets,
    failures: run.failures,
    scenarios: Object.fromEntries(results.map((result) => [result.scenario, result.details])),
  };
  writeFileSync(path, `${JSON.stringify(report, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2)}\n`);
  return path;
}
