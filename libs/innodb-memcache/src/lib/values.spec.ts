import { joinValues, splitValue, valueColumnForFlags } from './values';

describe('innodb-memcache > values', () => {
  describe('splitValue', () => {
    it('stores the whole value in a single value column, separators included', () => {
      expect(splitValue('a|b|c', '|', 1)).toEqual(['a|b|c']);
      expect(splitValue('HELLO, HELLO', ',', 1)).toEqual(['HELLO, HELLO']);
      expect(splitValue('', '|', 1)).toEqual(['']);
    });

    it('splits across several columns (the manual example)', () => {
      expect(splitValue('valuecolx|valuecoly', '|', 2)).toEqual(['valuecolx', 'valuecoly']);
    });

    it('ignores parts beyond the column count', () => {
      expect(splitValue('1|2|3|4|5|6|7', '|', 6)).toEqual(['1', '2', '3', '4', '5', '6']);
      expect(splitValue('a|b|c', '|', 2)).toEqual(['a', 'b']);
    });

    it('fills missing parts with NULL', () => {
      expect(splitValue('a', '|', 3)).toEqual(['a', null, null]);
      expect(splitValue('a|b', '|', 3)).toEqual(['a', 'b', null]);
      expect(splitValue('', '|', 3)).toEqual(['', null, null]);
    });

    it('keeps empty parts in place as empty strings', () => {
      expect(splitValue('a||c', '|', 3)).toEqual(['a', '', 'c']);
      expect(splitValue('|b|', '|', 3)).toEqual(['', 'b', '']);
      expect(splitValue('||', '|', 3)).toEqual(['', '', '']);
    });

    it('uses a separator of several characters as a whole', () => {
      expect(splitValue('a::b:c::d', '::', 3)).toEqual(['a', 'b:c', 'd']);
      expect(splitValue('a:b', '::', 2)).toEqual(['a:b', null]);
      expect(splitValue('a:::b', '::', 2)).toEqual(['a', ':b']);
      expect(splitValue('x€€y', '€€', 2)).toEqual(['x', 'y']);
    });

    it('treats regex and whitespace characters literally', () => {
      expect(splitValue('a.*b.*c', '.*', 3)).toEqual(['a', 'b', 'c']);
      expect(splitValue('a\r\nb', '\r\n', 2)).toEqual(['a', 'b']);
      expect(splitValue('a b', ' ', 2)).toEqual(['a', 'b']);
    });

    it('handles a huge value without splitting more than needed', () => {
      const huge = `${'x'.repeat(1024 * 1024)}|${'|'.repeat(100_000)}`;
      const columns = splitValue(huge, '|', 2);
      expect(columns[0]).toHaveLength(1024 * 1024);
      expect(columns[1]).toBe('');
      expect(splitValue('y'.repeat(2 * 1024 * 1024), '|', 1)[0]).toHaveLength(2 * 1024 * 1024);
    });

    it('refuses an empty separator and a column count below 1', () => {
      expect(() => splitValue('a', '', 2)).toThrow(RangeError);
      expect(() => splitValue('a', '|', 0)).toThrow(RangeError);
      expect(() => splitValue('a', '|', 1.5)).toThrow(RangeError);
      expect(() => splitValue('a', '|', Number.NaN)).toThrow(RangeError);
    });
  });

  describe('joinValues', () => {
    it('joins columns with the separator', () => {
      expect(joinValues(['a', 'b', 'c'], '|')).toBe('a|b|c');
      expect(joinValues(['a', 'b'], '::')).toBe('a::b');
    });

    it('renders NULL columns as empty, separators kept', () => {
      expect(joinValues(['a', null, 'c'], '|')).toBe('a||c');
      expect(joinValues([null, null], '|')).toBe('|');
      expect(joinValues([null], '|')).toBe('');
    });

    it('returns a single column as it is', () => {
      expect(joinValues(['HELLO, HELLO'], '|')).toBe('HELLO, HELLO');
    });

    it('round-trips with splitValue when no part contains the separator', () => {
      const parts = ['a', '', 'c', 'd'];
      expect(splitValue(joinValues(parts, '|'), '|', 4)).toEqual(parts);
    });

    it('refuses an empty separator and no columns', () => {
      expect(() => joinValues(['a'], '')).toThrow(RangeError);
      expect(() => joinValues([], '|')).toThrow(RangeError);
    });
  });

  describe('valueColumnForFlags', () => {
    it('uses the flags as a 0-based column index', () => {
      expect(valueColumnForFlags(0, 3)).toBe(0);
      expect(valueColumnForFlags(1, 3)).toBe(1);
      expect(valueColumnForFlags(2, 3)).toBe(2);
      expect(valueColumnForFlags(2n, 3)).toBe(2);
    });

    it('falls back to column 0 when the flags are out of range', () => {
      expect(valueColumnForFlags(3, 3)).toBe(0);
      expect(valueColumnForFlags(4294967295, 3)).toBe(0);
      expect(valueColumnForFlags(2n ** 64n, 3)).toBe(0);
      expect(valueColumnForFlags(-1, 3)).toBe(0);
      expect(valueColumnForFlags(1.5, 3)).toBe(0);
      expect(valueColumnForFlags(Number.NaN, 3)).toBe(0);
    });

    it('is always 0 with one value column', () => {
      expect(valueColumnForFlags(0, 1)).toBe(0);
      expect(valueColumnForFlags(8, 1)).toBe(0);
    });

    it('refuses a column count below 1', () => {
      expect(() => valueColumnForFlags(0, 0)).toThrow(RangeError);
    });
  });
});
