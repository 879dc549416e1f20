/**
 * Test-only faults (KBINLOG_FAULT_INJECTION=<point>@<n>) at the write path's most dangerous
 * moments. The n-th time the write path passes a crash point, the process kills itself with
 * SIGKILL, as a power cut would; at a failure point it throws instead, as a broker would answer.
 *
 * - after-log-commit: crash after a Kafka commit, before the store commits (a keyed batch of
 *   memcached writes commits once, so none of it is stored).
 * - after-session-commit: crash when the n-th database commit of a batch of session
 *   transactions (SQL commits, writes run alone) completes
 *   (counted over all batches); the batch's commits run at once, so any subset of the rest may
 *   have committed too, or not.
 * - fail-log-commit: the n-th Kafka commit throws instead of committing; the committer aborts the
 *   transaction, so its outcome is known (nothing reached the log) and the source stays up.
 * - fail-session-commit: the n-th database commit of a batch of session transactions (counted over all
 *   batches) throws instead of committing, as a lost connection would, after the Kafka commit:
 *   the batch's other transactions commit, that one does not, and the source stops (a hole in the
 *   middle of a batch, which restart's catch-up fills).
 * - stall-promotion: from the n-th promotion on, every promotion's catch-up (after the fence)
 *   waits on nothing that ever comes, as a consumer that never delivers the log's end would: the
 *   promotion bound must end it, and the coordinator must promote another node.
 */
export const CRASH_POINTS = ['after-log-commit', 'after-session-commit'] as const;
export const FAILURE_POINTS = ['fail-log-commit', 'fail-session-commit'] as const;
export const STALL_POINTS = ['stall-promotion'] as const;
export const FAULT_POINTS = [...CRASH_POINTS, ...FAILURE_POINTS, ...STALL_POINTS] as const;
export type FaultPoint = (typeof FAULT_POINTS)[number];
export type StallPoint = (typeof STALL_POINTS)[number];

export interface FaultInjection {
  hit(point: Exclude<FaultPoint, StallPoint>): void;
  /** Whether this pass through a stall point stalls: every pass from the n-th on. */
  stalls(point: StallPoint): boolean;
}

export const NO_FAULTS: FaultInjection = { hit: () => undefined, stalls: () => false };

/** What an injected failure throws. */
export class InjectedFault extends Error {
  constructor(point: FaultPoint) {
    super(`injected fault: ${point}`);
    this.name = 'InjectedFault';
  }
}

export function parseFaultInjection(spec: string): FaultInjection {
  if (spec === '') return NO_FAULTS;
  const match = /^([a-z-]+)@(\d+)$/.exec(spec);
  const point = match?.[1] as FaultPoint | undefined;
  if (!match || !point || !FAULT_POINTS.includes(point) || Number(match[2]) < 1) {
    throw new Error(`fault injection must be <point>@<n> with point one of ${FAULT_POINTS.join(', ')}; got "${spec}"`);
  }
  const target = Number(match[2]);
  const crash = (CRASH_POINTS as readonly string[]).includes(point);
  let count = 0;
  return {
    hit: (reached) => {
      if (reached !== point || ++count !== target) return;
      if (crash) process.kill(process.pid, 'SIGKILL');
      else throw new InjectedFault(point);
    },
    stalls: (reached) => reached === point && ++count >= target,
  };
}
