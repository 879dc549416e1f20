import type { RecoveryRecord } from '@kbinlog/topology';

export type FailoverPermission = { readonly allowed: true } | { readonly allowed: false; readonly untilMs: number; readonly recovery: string };

/**
 * orchestrator's RecoveryPeriodBlockSeconds: after an automatic failover, another one of the
 * same cluster waits `blockMs` from the end of the last, unless an operator acknowledged it.
 * A failover that never ended (still `started`) blocks too: it is being completed. One that
 * failed does not: it left the cluster without a writer, and the next candidate must be tried.
 */
export function failoverPermission(last: RecoveryRecord | undefined, nowMs: number, blockMs: number): FailoverPermission {
  if (!last || last.type !== 'failover' || last.acknowledged || last.state === 'failed') return { allowed: true };
  const endedAtMs = last.endedAtMs ?? nowMs;
  const untilMs = endedAtMs + blockMs;
  return nowMs >= untilMs && last.endedAtMs !== null ? { allowed: true } : { allowed: false, untilMs, recovery: last.id };
}
