import { applyArithmetic, decrementValue, incrementValue, parseCounter, UINT64_MAX } from './arithmetic';

const MAX = '18446744073709551615';

describe('innodb-memcache > arithmetic', () => {
  describe('parseCounter', () => {
    it.each([
      ['0', 0n],
      ['12', 12n],
      [MAX, UINT64_MAX],
      ['18446744073709551614', UINT64_MAX - 1n],
      [' 12', 12n],
      ['\t\n12', 12n],
      ['12 ', 12n],
      ['12\r\n', 12n],
      ['12 abc', 12n],
      ['+12', 12n],
      ['007', 7n],
      ['000000000000000000001', 1n],
      ['12\u0000junk', 12n],
    ])('reads %j as %s, as safe_strtoull does', (stored, value) => {
      expect(parseCounter(stored)).toEqual({ ok: true, value });
    });

    it.each([
      '',
      ' ',
      'abc',
      '12abc',
      '1.5',
      '1e3',
      '-1',
      '-0',
      '-18446744073709551615',
      '+',
      '+-1',
      '+ 12',
      '0x10',
      '18446744073709551616',
      '100000000000000000000',
      '99999999999999999999',
      '١٢',
      '１２',
      '\u00a012',
    ])('refuses %j', (stored) => {
      expect(parseCounter(stored)).toEqual({ ok: false, reason: 'non-numeric' });
    });

    it('refuses NULL', () => {
      expect(parseCounter(null)).toEqual({ ok: false, reason: 'non-numeric' });
      expect(parseCounter(undefined)).toEqual({ ok: false, reason: 'non-numeric' });
    });

    it('counts 20 digits as numeric and 21 significant digits as not', () => {
      expect(parseCounter('1'.repeat(19)).ok).toBe(true);
      expect(parseCounter('1'.repeat(20)).ok).toBe(true);
      expect(parseCounter('1'.repeat(21)).ok).toBe(false);
    });

    it('stays fast on huge values', () => {
      const started = Date.now();
      expect(parseCounter('9'.repeat(1024 * 1024)).ok).toBe(false);
      expect(parseCounter(`${'0'.repeat(1024 * 1024)}5`)).toEqual({ ok: true, value: 5n });
      expect(parseCounter(`${' '.repeat(1024 * 1024)}x`).ok).toBe(false);
      expect(Date.now() - started).toBeLessThan(1000);
    });
  });

  describe('incrementValue', () => {
    it('adds and returns decimal', () => {
      expect(incrementValue('0', 1n)).toEqual({ ok: true, value: '1' });
      expect(incrementValue('41', 1n)).toEqual({ ok: true, value: '42' });
      expect(incrementValue('12 ', 0n)).toEqual({ ok: true, value: '12' });
      expect(incrementValue(' 007', 3n)).toEqual({ ok: true, value: '10' });
    });

    it('wraps modulo 2^64', () => {
      expect(incrementValue(MAX, 1n)).toEqual({ ok: true, value: '0' });
      expect(incrementValue(MAX, UINT64_MAX)).toEqual({ ok: true, value: '18446744073709551614' });
      expect(incrementValue('10', UINT64_MAX)).toEqual({ ok: true, value: '9' });
    });

    it('refuses non-numeric stored values', () => {
      for (const stored of ['', 'abc', '12abc', '-1', '100000000000000000000', null]) {
        expect(incrementValue(stored, 1n)).toEqual({ ok: false, reason: 'non-numeric' });
      }
    });

    it('throws on a delta outside 0..2^64-1 (the parser never produces one)', () => {
      expect(() => incrementValue('1', -1n)).toThrow(RangeError);
      expect(() => incrementValue('1', UINT64_MAX + 1n)).toThrow(RangeError);
      expect(() => incrementValue('1', 1 as unknown as bigint)).toThrow(RangeError);
    });
  });

  describe('decrementValue', () => {
    it('subtracts', () => {
      expect(decrementValue('100', 1n)).toEqual({ ok: true, value: '99' });
      expect(decrementValue(MAX, UINT64_MAX)).toEqual({ ok: true, value: '0' });
      expect(decrementValue(MAX, 1n)).toEqual({ ok: true, value: '18446744073709551614' });
    });

    it('stops at 0', () => {
      expect(decrementValue('0', 1n)).toEqual({ ok: true, value: '0' });
      expect(decrementValue('5', 6n)).toEqual({ ok: true, value: '0' });
      expect(decrementValue('5', UINT64_MAX)).toEqual({ ok: true, value: '0' });
    });

    it('stores without the padding memcached leaves in place', () => {
      expect(decrementValue('100', 91n)).toEqual({ ok: true, value: '9' });
      expect(decrementValue('99 ', 1n)).toEqual({ ok: true, value: '98' });
    });

    it('refuses non-numeric stored values', () => {
      expect(decrementValue('HELLO, HELLO', 1n)).toEqual({ ok: false, reason: 'non-numeric' });
    });
  });

  describe('applyArithmetic', () => {
    it('dispatches incr and decr', () => {
      expect(applyArithmetic('incr', '1', 2n)).toEqual({ ok: true, value: '3' });
      expect(applyArithmetic('decr', '1', 2n)).toEqual({ ok: true, value: '0' });
    });
  });
});
