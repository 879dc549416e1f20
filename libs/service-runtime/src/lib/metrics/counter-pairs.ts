import { Counter, type Registry } from 'prom-client';

export interface CounterPairsConfiguration {
  readonly name: string;
  readonly help: string;
  /** The two labels, e.g. `['command', 'result']`. */
  readonly labelNames: readonly [string, string];
}

interface Cell {
  readonly labels: Readonly<Record<string, string>>;
  count: number;
}

/**
 * A counter with two labels for a hot path. prom-client hashes a child's labels into a string
 * at every increment; here each pair that occurs gets a cell on first use, an increment is two
 * map lookups and an addition, and the counter reads the cells when scraped. Only the pairs that
 * occur get a series.
 */
export class CounterPairs<First extends string, Second extends string> {
  private readonly cells = new Map<First, Map<Second, Cell>>();

  constructor(
    registry: Registry,
    private readonly configuration: CounterPairsConfiguration,
  ) {
    const cells = this.cells;
    new Counter({
      name: configuration.name,
      help: configuration.help,
      labelNames: configuration.labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const bySecond of cells.values()) for (const cell of bySecond.values()) this.inc(cell.labels, cell.count);
      },
    });
  }

  inc(first: First, second: Second): void {
    let bySecond = this.cells.get(first);
    if (!bySecond) this.cells.set(first, (bySecond = new Map()));
    let cell = bySecond.get(second);
    if (!cell) {
      const [firstName, secondName] = this.configuration.labelNames;
      bySecond.set(second, (cell = { labels: { [firstName]: first, [secondName]: second }, count: 0 }));
    }
    cell.count++;
  }
}
