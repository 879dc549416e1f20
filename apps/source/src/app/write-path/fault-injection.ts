/**
 * Test-only crash points (KBINLOG_FAULT_INJECTION=<point>@<n>): the n-th time the write path
 * passes <point>, the process kills itself with SIGKILL, as a power cut would. End-to-end tests
 * use it to prove invariant 2 at the one moment a crash is most dangerous.
 */
export const FAULT_POINTS = ['after-log-commit'] as const;
export type FaultPoint = (typeof FAULT_POINTS)[number];

export interface FaultInjection {
  hit(point: FaultPoint): void;
}

export const NO_FAULTS: FaultInjection = { hit: () => undefined };

export function parseFaultInjection(spec: string): FaultInjection {
  if (spec === '') return NO_FAULTS;
  const match = /^([a-z-]+)@(\d+)$/.exec(spec);
  const point = match?.[1] as FaultPoint | undefined;
  if (!match || !point || !FAULT_POINTS.includes(point) || Number(match[2]) < 1) {
    throw new Error(`fault injection must be <point>@<n> with point one of ${FAULT_POINTS.join(', ')}; got "${spec}"`);
  }
  const target = Number(match[2]);
  let count = 0;
  return {
    hit: (reached) => {
      if (reached === point && ++count === target) process.kill(process.pid, 'SIGKILL');
    },
  };
}
