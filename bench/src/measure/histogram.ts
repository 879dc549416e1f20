/** Percentiles of a set of samples, in the samples' own unit. */
export interface Summary {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * Keeps every sample (a run records at most a few million numbers) so percentiles are exact,
 * nearest-rank, not bucketed.
 */
export class Samples {
  private values = new Float64Array(1024);
  private size = 0;

  add(value: number): void {
    if (this.size === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.size++] = value;
  }

  get count(): number {
    return this.size;
  }

  summary(): Summary | null {
    if (this.size === 0) return null;
    const sorted = this.values.slice(0, this.size).sort();
    const rank = (q: number): number => sorted[Math.min(this.size - 1, Math.max(0, Math.ceil(q * this.size) - 1))];
    let total = 0;
    for (const value of sorted) total += value;
    return { count: this.size, mean: total / this.size, p50: rank(0.5), p90: rank(0.9), p99: rank(0.99), max: sorted[this.size - 1] };
  }
}

/** A summary in another unit (e.g. µs samples shown in ms). */
export function scaled(summary: Summary | null, factor: number): Summary | null {
  if (!summary) return null;
  return {
    count: summary.count,
    mean: summary.mean * factor,
    p50: summary.p50 * factor,
    p90: summary.p90 * factor,
    p99: summary.p99 * factor,
    max: summary.max * factor,
  };
}
