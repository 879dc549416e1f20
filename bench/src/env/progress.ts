import { loadavg } from 'node:os';

/** Progress for long phases, on stderr: stdout carries only the results table. */
export function progress(message: string): void {
  const time = new Date().toISOString().slice(11, 19);
  process.stderr.write(`[bench ${time}] ${message}\n`);
}

/** The 1-minute load average: the machine is shared, so each result carries how busy it was. */
export function loadAverage(): number {
  return Math.round(loadavg()[0] * 100) / 100;
}

export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
