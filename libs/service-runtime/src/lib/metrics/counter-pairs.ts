import type { Counter } from 'prom-client';

/**
 * The children of a counter with two labels, made on first use and kept: a hot path counts with
 * two map lookups and an increment, never building a label set or its hash again. Only the pairs
 * that occur get a series.
 */
export class CounterPairs<A extends string, B extends string> {
  private readonly children = new Map<A, Map<B, Counter.Internal>>();

  constructor(private readonly counter: Counter<string>) {}

  inc(first: A, second: B): void {
    let bySecond = this.children.get(first);
    if (!bySecond) this.children.set(first, (bySecond = new Map()));
    let child = bySecond.get(second);
    if (!child) bySecond.set(second, (child = this.counter.labels(first, second)));
    child.inc();
  }
}
