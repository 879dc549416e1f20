import { ColumnType } from './constants';
import { decodeExecuteParams } from './execute-params';
import { codeOf, hex } from './bytes.spec-helper';

/** NULL bitmap, new-params-bound 1, types, values: as mysql2 writes the block. */
const block = (bitmap: string, types: string, values: string) => hex(`${bitmap} 01 ${types} ${values}`);

describe('mysql-protocol', () => {
  describe('execute parameters', () => {
    it('decodes integers, signed and unsigned, in text form', () => {
      const rest = block(
        '00',
        '0100 0180 0200 0300 0380 0800 0880',
        'ff ff feff 00000080 ffffffff feffffffffffffff ffffffffffffffff',
      );
      expect(decodeExecuteParams(rest, 7).values).toEqual([
        '-1',
        '255',
        '-2',
        '-2147483648',
        '4294967295',
        '-2',
        '18446744073709551615',
      ]);
    });

    it('decodes FLOAT to its shortest form and DOUBLE', () => {
      const rest = Buffer.concat([hex('00 01 0400 0500'), Buffer.alloc(12)]);
      rest.writeFloatLE(1.1, 6);
      rest.writeDoubleLE(-2.5e-300, 10);
      expect(decodeExecuteParams(rest, 2).values).toEqual(['1.1', '-2.5e-300']);
    });

    it('decodes strings, BLOB bytes that are not text, DECIMAL and JSON', () => {
      const rest = block('00', 'fd00 fc00 f600 f500 fe00', '03 616263 02 ff00 04 312e3530 02 7b7d 00');
      expect(decodeExecuteParams(rest, 5).values).toEqual(['abc', hex('ff00'), '1.50', '{}', '']);
    });

    it('decodes DATE, DATETIME, TIMESTAMP and TIME in every length', () => {
      const rest = block(
        '00',
        '0a00 0c00 0c00 0700 0c00 0b00 0b00 0b00',
        [
          '04 e807 021d',
          '00',
          '07 e807 021d 0d0509',
          '0b e807 021d 0d0509 40e20100',
          '04 e807 0101',
          '00',
          '08 01 01000000 02 03 04',
          '0c 00 00000000 17 3b 3b 01000000',
        ].join(' '),
      );
      expect(decodeExecuteParams(rest, 8).values).toEqual([
        '2024-02-29',
        '0000-00-00 00:00:00',
        '2024-02-29 13:05:09',
        '2024-02-29 13:05:09.123456',
        '2024-01-01 00:00:00',
        '00:00:00',
        '-26:03:04',
        '23:59:59.000001',
      ]);
    });

    it('honours the NULL bitmap and the NULL type, reading no bytes for them', () => {
      const rest = block('05 01', '0300 0300 0600 0300 0300 0300 0300 0300 0300', '01000000 02000000 03000000 04000000 05000000 06000000');
      expect(decodeExecuteParams(rest, 9).values).toEqual([null, '1', null, '2', '3', '4', '5', '6', null]);
    });

    it('reuses the previous types when new-params-bound is 0', () => {
      const first = decodeExecuteParams(block('00', '0800', '0700000000000000'), 1);
      expect(first.types).toEqual([{ type: ColumnType.LONGLONG, unsigned: false }]);
      expect(decodeExecuteParams(hex('00 00 0800000000000000'), 1, first.types).values).toEqual(['8']);
    });

    it('needs no block when there are no parameters', () => {
      expect(decodeExecuteParams(Buffer.alloc(0), 0)).toEqual({ values: [], types: [] });
    });

    it.each([
      ['a paramCount larger than the bitmap', Buffer.alloc(0), 9],
      ['a bitmap without the new-params-bound flag', hex('00'), 1],
      ['types cut short', hex('00 01 08'), 1],
      ['a value cut short', block('00', '0800', '01020304'), 1],
      ['a string longer than the packet', block('00', 'fd00', 'fc ff00 61'), 1],
      ['a lenenc 0xFF', block('00', 'fd00', 'ff'), 1],
      ['an unknown parameter type', block('00', '1300', '00'), 1],
      ['no types ever sent', hex('00 00 01'), 1],
      ['a new-params-bound flag of 2', hex('00 02 0100 01'), 1],
      ['a DATETIME length of 5', block('00', '0c00', '05 e807 0101 00'), 1],
      ['a TIME length of 3', block('00', '0b00', '03 000000'), 1],
      ['a NaN double', block('00', '0500', '000000000000f87f'), 1],
    ])('refuses %s with 1210 ER_WRONG_ARGUMENTS', (_name, rest, count) => {
      expect(codeOf(() => decodeExecuteParams(rest, count))).toEqual([1210, 'HY000']);
    });

    it('refuses a JSON parameter that is not UTF-8 with 1300', () => {
      expect(codeOf(() => decodeExecuteParams(block('00', 'f500', '01 ff'), 1))).toEqual([1300, 'HY000']);
    });
  });
});
