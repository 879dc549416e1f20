import { readFileSync } from 'node:fs';
import { sleep } from './clock';

/** Resident set size of a process in MB (VmRSS), or undefined if it is gone. */
export function residentMb(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples the resident memory of named processes while running, keeping each one's peak. */
export class RssSampler {
  private readonly peaks = new Map<string, number>();
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly pids: ReadonlyMap<string, number>,
    private readonly intervalMs = 500,
  ) {}

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        this.sample();
        await sleep(this.intervalMs);
      }
    })();
  }

  /** Takes one sample now and returns it (name → MB). */
  sample(): Map<string, number> {
    const now = new Map<string, number>();
    for (const [name, pid] of this.pids) {
      const mb = residentMb(pid);
      if (mb === undefined) continue;
      now.set(name, mb);
      this.peaks.set(name, Math.max(this.peaks.get(name) ?? 0, mb));
    }
    return now;
  }

  async stop(): Promise<Map<string, number>> {
    this.running = false;
    await this.loop;
    return new Map(this.peaks);
  }
}
