/**
 * The cas counter: one per process, +1 for every write, its value stored in the cas column
 * [S] (mci_get_cas: a process-wide counter, first value 1). The plugin starts at 0 at every
 * start, so cas values repeat across restarts; we start from the largest value already in the
 * tables (`SELECT MAX(<cas column>)` over every container's table) so they never go backwards.
 *
 * After flush_all (TRUNCATE) MAX is NULL again: a restart then reuses small values. A `gets` from
 * before the flush cannot match a row written after it unless the client kept a cas across a
 * flush and a restart; memcached gives no more than that either.
 */
import { UINT64_MAX } from './arithmetic';

export class CasCounter {
  private last: bigint;
  private readonly max: bigint;

  /**
   * @param seed the largest cas already stored (0 when none); `next()` returns seed + 1.
   * @param max the largest value the cas columns hold: 2^64 - 1 for BIGINT UNSIGNED, 2^63 - 1
   *   when any container's cas column is a signed BIGINT (pass the smallest `Container.cas.max`).
   */
  constructor(seed = 0n, max: bigint = UINT64_MAX) {
    if (typeof max !== 'bigint' || max < 1n || max > UINT64_MAX) {
      throw new RangeError(`cas max must be 1..${UINT64_MAX}, got ${String(max)}`);
    }
    assertCas(seed, max, 'seed');
    this.last = seed;
    this.max = max;
  }

  /**
   * From `SELECT MAX(cas)` results, one per table, as drivers return them: NULL (empty table or
   * no cas column), number, string or bigint. Negative values (a signed column written by hand)
   * count as 0.
   */
  static fromStoredMaxima(
    maxima: readonly (bigint | number | string | null | undefined)[],
    max: bigint = UINT64_MAX,
  ): CasCounter {
    let seed = 0n;
    for (const stored of maxima) {
      if (stored === null || stored === undefined) continue;
      const value = BigInt(stored);
      if (value > seed) seed = value;
    }
    return new CasCounter(seed, max);
  }

  /** The last value handed out (or the seed). */
  get current(): bigint {
    return this.last;
  }

  /**
   * The next cas: strictly greater than every value handed out or observed. Throws when the
   * columns' range is exhausted (2^64 - 1 writes: a bug, not an outcome).
   */
  next(): bigint {
    if (this.last >= this.max) {
      throw new RangeError(`cas counter exhausted at ${this.max}`);
    }
    this.last += 1n;
    return this.last;
  }

  /** Raises the floor after reading a larger cas than ours (e.g. a row written by SQL). */
  observe(value: bigint): void {
    assertCas(value, this.max, 'observed value');
    if (value > this.last) this.last = value;
  }
}

function assertCas(value: bigint, max: bigint, what: string): void {
  if (typeof value !== 'bigint' || value < 0n || value > max) {
    throw new RangeError(`cas ${what} must be 0..${max}, got ${String(value)}`);
  }
}
