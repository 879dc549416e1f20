import { parseInt32Wrapping, parseUint32Wrapping, parseUint64 } from './numbers';

const b = (text: string) => Buffer.from(text, 'latin1');

describe('memcached-protocol', () => {
  describe('numbers', () => {
    describe('parseUint64 (safe_strtoull)', () => {
      it.each([
        ['0', 0n],
        ['+42', 42n],
        ['0042', 42n],
        ['18446744073709551615', 18446744073709551615n],
      ])('reads %s', (text, expected) => {
        expect(parseUint64(b(text))).toBe(expected);
      });

      it.each(['', '-1', '-0', '18446744073709551616', '1a', 'a1', ' 1', '1 ', '1\t', '\t1', '1e3', '0x1', '١'])(
        'refuses %j',
        (text) => {
          expect(parseUint64(b(text))).toBeUndefined();
        },
      );
    });

    describe('parseUint32Wrapping (safe_strtoul into uint32_t)', () => {
      it.each([
        ['0', 0],
        ['4294967295', 4294967295],
        ['4294967296', 0],
        ['4294967297', 1],
        ['18446744073709551615', 4294967295],
      ])('reads %s as %d', (text, expected) => {
        expect(parseUint32Wrapping(b(text))).toBe(expected);
      });

      it.each(['-1', '18446744073709551616', 'abc'])('refuses %j', (text) => {
        expect(parseUint32Wrapping(b(text))).toBeUndefined();
      });
    });

    describe('parseInt32Wrapping (safe_strtol into int32_t)', () => {
      it.each([
        ['0', 0],
        ['-1', -1],
        ['+5', 5],
        ['2592000', 2592000],
        ['2147483647', 2147483647],
        ['2147483648', -2147483648],
        ['-2147483649', 2147483647],
        ['4294967296', 0],
        ['9223372036854775807', -1],
        ['-9223372036854775808', 0],
      ])('reads %s as %d', (text, expected) => {
        expect(parseInt32Wrapping(b(text))).toBe(expected);
      });

      it.each(['', '-', '+', '9223372036854775808', '-9223372036854775809', '1.5', '--1', 'abc'])('refuses %j', (text) => {
        expect(parseInt32Wrapping(b(text))).toBeUndefined();
      });
    });
  });
});
