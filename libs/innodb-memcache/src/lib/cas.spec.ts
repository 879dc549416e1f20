import { UINT64_MAX } from './arithmetic';
import { CasCounter } from './cas';

describe('innodb-memcache > cas', () => {
  describe('CasCounter', () => {
    it('starts after its seed and counts up by one', () => {
      const counter = new CasCounter();
      expect(counter.current).toBe(0n);
      expect([counter.next(), counter.next(), counter.next()]).toEqual([1n, 2n, 3n]);
      expect(counter.current).toBe(3n);
    });

    it('continues from the largest cas already stored', () => {
      const counter = new CasCounter(41n);
      expect(counter.next()).toBe(42n);
    });

    it('seeds from MAX(cas) results as drivers return them', () => {
      expect(CasCounter.fromStoredMaxima([null, 5, '17', 3n, undefined]).next()).toBe(18n);
      expect(CasCounter.fromStoredMaxima([]).next()).toBe(1n);
      expect(CasCounter.fromStoredMaxima([null]).next()).toBe(1n);
      expect(CasCounter.fromStoredMaxima([-9]).next()).toBe(1n);
      expect(CasCounter.fromStoredMaxima(['18446744073709551614']).next()).toBe(UINT64_MAX);
    });

    it('never goes backwards when it observes a larger value, and ignores smaller ones', () => {
      const counter = new CasCounter(10n);
      counter.observe(100n);
      expect(counter.next()).toBe(101n);
      counter.observe(5n);
      expect(counter.next()).toBe(102n);
    });

    it('throws once the 64-bit range is exhausted', () => {
      const counter = new CasCounter(UINT64_MAX - 1n);
      expect(counter.next()).toBe(UINT64_MAX);
      expect(() => counter.next()).toThrow(/exhausted/);
      expect(counter.current).toBe(UINT64_MAX);
    });

    it('stops at 2^63 - 1 for a signed BIGINT cas column', () => {
      const max = 2n ** 63n - 1n;
      const counter = new CasCounter(max - 1n, max);
      expect(counter.next()).toBe(max);
      expect(() => counter.next()).toThrow(RangeError);
    });

    it('refuses seeds and observations outside its range', () => {
      expect(() => new CasCounter(-1n)).toThrow(RangeError);
      expect(() => new CasCounter(UINT64_MAX + 1n)).toThrow(RangeError);
      expect(() => new CasCounter(10n, 5n)).toThrow(RangeError);
      expect(() => new CasCounter(0n, 0n)).toThrow(RangeError);
      expect(() => new CasCounter(1 as unknown as bigint)).toThrow(RangeError);
      expect(() => new CasCounter(0n, 2n ** 63n).observe(2n ** 63n + 1n)).toThrow(RangeError);
      expect(() => CasCounter.fromStoredMaxima([2n ** 63n], 2n ** 63n - 1n)).toThrow(RangeError);
    });
  });
});
