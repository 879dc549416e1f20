import { FLAGS_MAX, flagsFromColumnValue, flagsToColumnValue } from './flags';

const signedInt = { min: -(2n ** 31n), max: 2n ** 31n - 1n };
const unsignedInt = { min: 0n, max: 2n ** 32n - 1n };
const signedBigint = { min: -(2n ** 63n), max: 2n ** 63n - 1n };

describe('innodb-memcache > flags', () => {
  describe('flagsToColumnValue', () => {
    it('stores flags as they are when the column holds them', () => {
      expect(flagsToColumnValue(0, signedInt)).toBe(0n);
      expect(flagsToColumnValue(10, signedInt)).toBe(10n);
      expect(flagsToColumnValue(2 ** 31 - 1, signedInt)).toBe(2n ** 31n - 1n);
      expect(flagsToColumnValue(FLAGS_MAX, unsignedInt)).toBe(4294967295n);
      expect(flagsToColumnValue(FLAGS_MAX, signedBigint)).toBe(4294967295n);
    });

    it("stores 2^31 and above as two's complement in a signed INT", () => {
      expect(flagsToColumnValue(2 ** 31, signedInt)).toBe(-(2n ** 31n));
      expect(flagsToColumnValue(FLAGS_MAX, signedInt)).toBe(-1n);
    });

    it('refuses values outside 32-bit unsigned', () => {
      for (const flags of [-1, FLAGS_MAX + 1, 1.5, Number.NaN]) {
        expect(() => flagsToColumnValue(flags, signedInt)).toThrow(RangeError);
      }
    });
  });

  describe('flagsFromColumnValue', () => {
    it('reads flags back modulo 2^32', () => {
      expect(flagsFromColumnValue(8)).toBe(8);
      expect(flagsFromColumnValue(-1)).toBe(FLAGS_MAX);
      expect(flagsFromColumnValue(-(2 ** 31))).toBe(2 ** 31);
      expect(flagsFromColumnValue('4294967296')).toBe(0);
      expect(flagsFromColumnValue(2n ** 40n + 5n)).toBe(5);
    });

    it('round-trips through a signed INT', () => {
      for (const flags of [0, 1, 2 ** 31 - 1, 2 ** 31, FLAGS_MAX]) {
        expect(flagsFromColumnValue(flagsToColumnValue(flags, signedInt))).toBe(flags);
      }
    });

    it('reads NULL and garbage as 0', () => {
      expect(flagsFromColumnValue(null)).toBe(0);
      expect(flagsFromColumnValue(undefined)).toBe(0);
      expect(flagsFromColumnValue('abc')).toBe(0);
      expect(flagsFromColumnValue(1.5)).toBe(0);
    });
  });
});
