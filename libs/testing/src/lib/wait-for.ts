import { reportDiagnostics } from './diagnostics';

export interface WaitOptions {
  /** What is awaited, for the error at the deadline: "broker answers metadata". */
  readonly description: string;
  readonly timeoutMs: number;
  readonly intervalMs?: number;
}

export class WaitTimeoutError extends Error {
  constructor(description: string, timeoutMs: number, readonly lastError: unknown, readonly diagnosticsFile?: string) {
    const cause = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
    const report = diagnosticsFile ? `; diagnostics: ${diagnosticsFile}` : '';
    super(`timed out after ${timeoutMs} ms waiting for ${description}${cause}${report}`);
    this.name = 'WaitTimeoutError';
  }
}

/**
 * Polls `probe` until it returns a value other than undefined/false, and returns that value.
 * A probe that throws counts as "not yet"; its last error is reported at the deadline.
 * This is how tests wait for readiness: on a real condition, with a deadline, never a bare sleep.
 * At the deadline it first reports the test file's registered diagnostics (the processes' recent
 * output, the topology), so the failure explains itself.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 50;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new WaitTimeoutError(options.description, options.timeoutMs, lastError, await reportDiagnostics(options.description));
    await new Promise((resolve) => setTimeout(resolve, Math.min(interval, remaining)));
  }
}
