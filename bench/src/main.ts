import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { parseOptions } from './cli';
import { kafkaClient } from './clients/kafka';
import { Cleanup } from './env/cleanup';
import { benchLayout } from './env/layout';
import { loadAverage, progress } from './env/progress';
import { MariadbReplication } from './env/mariadb-replication';
import { memcachedBinary } from './env/reference-memcached';
import { BenchStack } from './env/stack';
import { writeJsonReport } from './report/json-report';
import type { ScenarioResult } from './report/result';
import { referenceLegend, resultsTable } from './report/table';
import { targetStandings, targetsText } from './report/targets';
import type { BenchContext } from './scenarios/context';
import { SCENARIOS } from './scenarios';

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const layout = benchLayout();
  const cleanup = new Cleanup();
  cleanup.onSignals();
  const startedAt = new Date();
  const results: ScenarioResult[] = [];
  const failures: { scenario: string; error: string }[] = [];
  const stack = new BenchStack(layout);
  try {
    const reused = options.keepStack ? await stack.running() : undefined;
    if (!options.keepStack) cleanup.add('stack down', () => stack.stop());
    if (reused) progress('reusing the running bench cluster (--keep-stack)');
    // A fresh run wipes the state directory: MariaDB's replication reference must not run from it.
    if (!reused) await MariadbReplication.stopAll(layout);
    const status = reused ?? (await stack.startFresh({ wBatchSize: options.wBatchSize }));
    const kafka = kafkaClient(status.kafka, 'kbinlog-bench');
    const context: BenchContext = { layout, stack, status, options, cleanup, kafka, memcachedBinary: memcachedBinary() };
    for (const name of options.scenarios) {
      if (cleanup.aborted) break;
      const load = loadAverage();
      progress(`scenario ${name} (load average ${load})`);
      try {
        const result = await SCENARIOS[name].run(context);
        results.push({ ...result, details: { ...result.details, loadAverageBefore: load, loadAverageAfter: loadAverage() } });
      } catch (error) {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        progress(`scenario ${name} failed: ${message}`);
        failures.push({ scenario: name, error: message });
      }
    }
  } catch (error) {
    failures.push({ scenario: 'setup', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    progress(`bench setup failed: ${failures[failures.length - 1].error}`);
  } finally {
    await cleanup.run();
  }

  const rows = results.flatMap((result) => result.rows);
  const targets = targetStandings(results);
  const notes = rows.flatMap((row) => (row.note && row.kbinlog !== null ? [`${row.scenario} ${row.figure}: ${row.note}`] : []));
  const json = writeJsonReport(layout.resultsDir, { startedAt, finishedAt: new Date(), options: { ...options }, failures }, results, targets, options.out && resolve(options.out));
  process.stdout.write(
    [
      '',
      resultsTable(rows),
      '',
      referenceLegend(rows),
      ...notes.map((note) => `note: ${note}`),
      ...failures.map((failure) => `FAILED: ${failure.scenario}: ${failure.error.split('\n')[0]}`),
      '',
      targetsText(targets),
      '',
      `machine: ${cpus().length} CPUs; 1-minute load average before each scenario: ${results.map((result) => `${result.scenario} ${String(result.details['loadAverageBefore'])}`).join(', ') || '-'}`,
      `results: ${json}`,
      '',
    ].join('\n'),
  );
  return failures.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
