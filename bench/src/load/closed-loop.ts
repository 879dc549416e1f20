import { nowUs, sleep } from '../measure/clock';
import { Samples, type Summary, scaled } from '../measure/histogram';

/** One operation of worker `worker`, its `index`-th: resolves when the system answered. */
export type Operation = (worker: number, index: number) => Promise<void>;

export interface ClosedLoopOptions {
  readonly workers: number;
  readonly durationS: number;
  /** Operations in the first seconds are run but not counted (connections, JIT, caches). */
  readonly warmupS: number;
  /** Called about once a second with the operations counted so far. */
  readonly onTick?: (done: number, elapsedS: number) => void;
}

export interface ClosedLoopResult {
  readonly operations: number;
  readonly errors: number;
  readonly firstError: string | null;
  readonly seconds: number;
  readonly perSecond: number;
  /** Latency of counted operations, in ms. */
  readonly latencyMs: Summary | null;
}

/** A worker stops after this many errors in a row (a dead connection fails every request at once). */
const MAX_CONSECUTIVE_ERRORS = 3;

/**
 * Closed-loop load: `workers` callers, each sending its next request when the previous one was
 * answered, for `durationS` after `warmupS`. Throughput is the operations answered within the
 * measured window over its length (whenever they were sent, so long latencies are not lost from
 * short windows); each counted operation's latency is from its send to its answer.
 */
export async function runClosedLoop(operation: Operation, options: ClosedLoopOptions): Promise<ClosedLoopResult> {
  const latency = new Samples();
  const startUs = nowUs();
  const measureFromUs = startUs + options.warmupS * 1e6;
  const stopAtUs = measureFromUs + options.durationS * 1e6;
  let operations = 0;
  let errors = 0;
  let firstError: string | null = null;

  const worker = async (id: number): Promise<void> => {
    let consecutiveErrors = 0;
    for (let index = 0; ; index++) {
      const sentUs = nowUs();
      if (sentUs >= stopAtUs) return;
      try {
        await operation(id, index);
        consecutiveErrors = 0;
        const doneUs = nowUs();
        if (doneUs >= measureFromUs && doneUs <= stopAtUs) {
          operations++;
          latency.add(doneUs - sentUs);
        }
      } catch (error) {
        errors++;
        firstError ??= error instanceof Error ? error.message : String(error);
        if (++consecutiveErrors >= MAX_CONSECUTIVE_ERRORS) return;
      }
    }
  };

  let ticking = true;
  const ticker = (async () => {
    while (ticking) {
      await sleep(1000);
      const elapsedS = (nowUs() - measureFromUs) / 1e6;
      if (ticking && elapsedS > 0) options.onTick?.(operations, elapsedS);
    }
  })();
  await Promise.all(Array.from({ length: options.workers }, (_, id) => worker(id)));
  ticking = false;
  await ticker;
  const seconds = options.durationS;
  return { operations, errors, firstError, seconds, perSecond: operations / seconds, latencyMs: scaled(latency.summary(), 1 / 1000) };
}

/** A row note when requests failed, so a table value built on errors does not pass unnoticed. */
export function errorNote(result: ClosedLoopResult | undefined, what: string): { note?: string } {
  return result && result.errors > 0 ? { note: `${what}: ${result.errors} requests failed (${result.firstError})` } : {};
}
