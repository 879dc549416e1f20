import { codeOf, hex } from './bytes.spec-helper';
import { PayloadReader, PayloadWriter } from './wire';

describe('mysql-protocol', () => {
  describe('wire', () => {
    it('reads little-endian integers', () => {
      const reader = new PayloadReader(hex('01 0201 030201 04030201 0807060504030201'));
      expect([reader.u8(), reader.u16(), reader.u24(), reader.u32(), reader.u64()]).toEqual([
        1, 0x0102, 0x010203, 0x01020304, 0x0102030405060708n,
      ]);
      expect(reader.atEnd).toBe(true);
    });

    it('reads every length-encoded integer form, NULL included', () => {
      const reader = new PayloadReader(hex('fa fb fc fb00 fd 010203 fe 0100000000000080'));
      expect([reader.lenencInt(), reader.lenencInt(), reader.lenencInt(), reader.lenencInt(), reader.lenencInt()]).toEqual([
        250n, null, 251n, 0x030201n, 0x8000000000000001n,
      ]);
    });

    it('writes the shortest length-encoded form, and reads back what it writes', () => {
      const values = [0, 250, 251, 0xffff, 0x10000, 0xffffff, 0x1000000, 0xffffffffffffffffn];
      const writer = new PayloadWriter(1);
      values.forEach((value) => writer.lenencInt(value));
      const bytes = writer.toBuffer();
      expect(bytes.subarray(0, 5)).toEqual(hex('00 fa fc fb00'));
      const reader = new PayloadReader(bytes);
      expect(values.map(() => reader.lenencInt())).toEqual(values.map((value) => BigInt(value)));
      expect(() => new PayloadWriter().lenencInt(-1)).toThrow(RangeError);
    });

    it('reads strings: length-encoded, NUL-terminated, fixed and the rest', () => {
      const reader = new PayloadReader(Buffer.concat([hex('03'), Buffer.from('abcdé\0xyz')]));
      expect(reader.lenencString()).toBe('abc');
      expect(reader.nulString()).toBe('dé');
      expect(reader.bytes(1)).toEqual(Buffer.from('x'));
      expect(reader.restString()).toBe('yz');
    });

    it('writes NUL-terminated strings and refuses embedded NULs', () => {
      expect(new PayloadWriter().nulString('ab').lenencBytes('c').zeros(2).toBuffer()).toEqual(hex('61 62 00 01 63 00 00'));
      expect(() => new PayloadWriter().nulString('a\0b')).toThrow(RangeError);
    });

    it.each([
      ['a truncated u32', (r: PayloadReader) => r.u32(), '010203'],
      ['a lenenc 0xFF', (r: PayloadReader) => r.lenencInt(), 'ff'],
      ['a truncated 0xFE lenenc', (r: PayloadReader) => r.lenencInt(), 'fe 01020304'],
      ['a length claiming more than the payload', (r: PayloadReader) => r.lenencBytes(), '05 616263'],
      ['a 2^64-1 length', (r: PayloadReader) => r.lenencBytes(), 'fe ffffffffffffffff 00'],
      ['a NULL where a length must be', (r: PayloadReader) => r.lenencBytes(), 'fb'],
      ['a NUL-terminated string without NUL', (r: PayloadReader) => r.nulString(), '616263'],
      ['fixed bytes past the end', (r: PayloadReader) => r.bytes(4), '616263'],
    ])('refuses %s with 1835 ER_MALFORMED_PACKET', (_name, read, bytes) => {
      expect(codeOf(() => read(new PayloadReader(hex(bytes))))).toEqual([1835, 'HY000']);
    });

    it('refuses invalid UTF-8 text with 1300', () => {
      expect(codeOf(() => new PayloadReader(hex('c3 28')).restString())).toEqual([1300, 'HY000']);
    });
  });
});
