import { nowUs, sleep } from '../measure/clock';
import { Samples, type Summary, scaled } from '../measure/histogram';

/** Sends one request on connection `connection`: resolves when answered. */
export type PacedOperation = (connection: number, index: number) => Promise<void>;

export interface PacedOptions {
  readonly ratePerS: number;
  readonly durationS: number;
  /** Connections available; each carries one request at a time. */
  readonly connections: number;
  readonly onTick?: (sent: number, answered: number, elapsedS: number) => void;
}

export interface PacedResult {
  readonly offered: number;
  readonly sent: number;
  readonly answered: number;
  /** Requests due while every connection was busy: not sent (the system is saturated). */
  readonly skipped: number;
  readonly errors: number;
  readonly firstError: string | null;
  /** Requests answered within the run's window, per second. */
  readonly achievedPerS: number;
  /**
   * Share of the offered requests answered (successfully) within one second of when they were
   * due: a skipped or failed request, or one answered later, does not count.
   */
  readonly onTimeShare: number;
  /** From each request's send to its answer, in ms. */
  readonly latencyMs: Summary | null;
}

/** A request answered later than this after it was due was not stored "within its second". */
const ON_TIME_US = 1e6;

/**
 * Open-loop load at a fixed rate: request i is due at start + i / rate. A due request goes out on
 * an idle connection; when all are busy it is skipped and counted, so a saturated system shows
 * as a lower achieved rate instead of a growing backlog that would inflate every later latency.
 */
export async function runPaced(operation: PacedOperation, options: PacedOptions): Promise<PacedResult> {
  const latency = new Samples();
  const idle = Array.from({ length: options.connections }, (_, index) => index);
  const inFlight = new Set<Promise<void>>();
  const startUs = nowUs();
  const endUs = startUs + options.durationS * 1e6;
  let due = 0;
  let sent = 0;
  let answered = 0;
  let answeredInWindow = 0;
  let skipped = 0;
  let onTime = 0;
  let errors = 0;
  let firstError: string | null = null;
  let nextTickUs = startUs + 1e6;

  const send = (index: number, connection: number): void => {
    const sentUs = nowUs();
    const dueUs = startUs + (index / options.ratePerS) * 1e6;
    sent++;
    const request = operation(connection, index)
      .then(
        () => {
          const doneUs = nowUs();
          answered++;
          if (doneUs <= endUs) answeredInWindow++;
          if (doneUs - dueUs <= ON_TIME_US) onTime++;
          latency.add(doneUs - sentUs);
        },
        (error: unknown) => {
          errors++;
          firstError ??= error instanceof Error ? error.message : String(error);
        },
      )
      .finally(() => {
        idle.push(connection);
        inFlight.delete(request);
      });
    inFlight.add(request);
  };

  for (let now = nowUs(); now < endUs; now = nowUs()) {
    const dueNow = Math.floor(((now - startUs) / 1e6) * options.ratePerS);
    for (; due < dueNow; due++) {
      const connection = idle.pop();
      if (connection === undefined) skipped++;
      else send(due, connection);
    }
    if (now >= nextTickUs) {
      options.onTick?.(sent, answered, (now - startUs) / 1e6);
      nextTickUs += 1e6;
    }
    await sleep(1);
  }
  await Promise.all(inFlight);
  return {
    offered: due,
    sent,
    answered,
    skipped,
    errors,
    firstError,
    achievedPerS: answeredInWindow / options.durationS,
    onTimeShare: due > 0 ? onTime / due : 0,
    latencyMs: scaled(latency.summary(), 1 / 1000),
  };
}
