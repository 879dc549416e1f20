import { runStatements } from '../clients/mariadb';
import { formatCount, progress } from '../env/progress';
import { type ClosedLoopResult, errorNote } from '../load/closed-loop';
import { memcachedLoad, memcachedPreload, sqlLoad } from '../load/drivers';
import type { ScenarioResult } from '../report/result';
import { type BenchContext, nodeDatabase, type Scenario, sourceMemcached, sourceSql, valueFor, SOURCE_NODE } from './context';
import { withReferenceMemcached } from './reference';

function getKey(keys: number, worker: number, index: number): string {
  // Spread the workers over the key space, each walking it with a stride.
  return `bg:${(worker * 7919 + index * 31) % keys}`;
}

/** A get that must hit: a miss is counted as an error (the preload failed). */
async function hit(get: Promise<string | undefined>, key: string): Promise<void> {
  if ((await get) === undefined) throw new Error(`get ${key} missed`);
}

function summary(result: ClosedLoopResult): Record<string, unknown> {
  return { perSecond: result.perSecond, operations: result.operations, errors: result.errors, firstError: result.firstError, latencyMs: result.latencyMs };
}

/**
 * Scenario 3: memcached gets served by the source (from its own database), against real
 * memcached; the same keys preloaded in both (into the source as one multi-row SQL write through
 * its MySQL port, so they are real replicated rows).
 */
export const getsScenario: Scenario = {
  name: 'gets',
  async run(context: BenchContext): Promise<ScenarioResult> {
    const { options } = context;
    const keys = Array.from({ length: options.keys }, (_, index) => `bg:${index}`);
    const value = valueFor(options.valueSize, 0);
    progress(`gets: preloading ${formatCount(keys.length)} keys into the source (one SQL write through its MySQL port)…`);
    const rowsSql = keys.map((key, index) => `('${key}', '${value}', 0, ${index + 1}, 0)`).join(', ');
    await runStatements(sourceSql(context), [`INSERT INTO test.demo_test (c1, c2, c3, c4, c5) VALUES ${rowsSql} ON DUPLICATE KEY UPDATE c2 = VALUES(c2)`]);

    const load = { durationS: options.durationS, warmupS: options.warmupS };
    const clients = options.getClients;
    progress(`gets: ${clients} client(s), pipeline ${options.pipeline}, from the source, ${options.durationS} s…`);
    const kbinlog = await memcachedLoad(sourceMemcached(context), clients, options.pipeline, (client, worker, index) => {
      const key = getKey(keys.length, worker, index);
      return hit(client.get(key), key);
    }, load);
    progress(`gets: kbinlog ${formatCount(kbinlog.perSecond)} gets/s${kbinlog.errors > 0 ? `, ${kbinlog.errors} errors (${kbinlog.firstError})` : ''}`);

    // What the source's store answers for the same reads: each get is one point SELECT there.
    progress(`gets: the same keys as point SELECTs straight to the source's MariaDB…`);
    const selects = await sqlLoad(nodeDatabase(context, SOURCE_NODE), clients * options.pipeline, (worker, index) => ['SELECT * FROM test.demo_test WHERE c1 = ?', [getKey(keys.length, worker, index)]], load);
    progress(`gets: MariaDB ${formatCount(selects.perSecond)} point SELECTs/s`);

    const reference = await withReferenceMemcached(context, async (memcached) => {
      if (!memcached) return undefined;
      const address = { host: '127.0.0.1', port: memcached.port };
      await memcachedPreload(address, keys, value);
      const result = await memcachedLoad(address, clients, options.pipeline, (client, worker, index) => {
        const key = getKey(keys.length, worker, index);
        return hit(client.get(key), key);
      }, load);
      progress(`gets: memcached ${formatCount(result.perSecond)} gets/s`);
      return result;
    });

    const label = `${clients} client${clients === 1 ? '' : 's'}${options.pipeline > 1 ? `, pipeline ${options.pipeline}` : ''}`;
    return {
      scenario: 'gets',
      rows: [
        { scenario: 'gets', figure: `${label} vs memcached`, unit: 'gets/s', kbinlog: kbinlog.perSecond, reference: reference?.perSecond ?? null, referenceName: 'real memcached 1.6 (Debian), same client', ...errorNote(kbinlog, 'kbinlog'), ...errorNote(reference, 'memcached') },
        { scenario: 'gets', figure: `${label} vs point SELECTs on MariaDB`, unit: 'gets/s', kbinlog: kbinlog.perSecond, reference: selects.perSecond, referenceName: 'the same reads as point SELECTs (mysql2) straight to the source\'s MariaDB', ...errorNote(selects, 'MariaDB') },
        { scenario: 'gets', figure: `${label}, latency p50`, unit: 'ms', kbinlog: kbinlog.latencyMs?.p50 ?? null, reference: reference?.latencyMs?.p50 ?? null },
      ],
      details: {
        clients,
        pipeline: options.pipeline,
        keys: keys.length,
        kbinlog: summary(kbinlog),
        memcached: reference ? summary(reference) : null,
        mariadbPointSelects: summary(selects),
        targets: { ratioVsMemcached: reference ? kbinlog.perSecond / reference.perSecond : undefined },
      },
    };
  },
};
