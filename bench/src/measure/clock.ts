import { performance } from 'node:perf_hooks';

/**
 * Microseconds since the Unix epoch, computed as the source computes `commit_time_us`
 * (apps/source write path): the process's time origin plus its monotonic clock. On one host the
 * bench and the services read the same clock, so their stamps can be subtracted.
 */
export function nowUs(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
