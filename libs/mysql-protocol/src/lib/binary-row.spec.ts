import { encodeBinaryRow } from './binary-row';
import { ColumnFlag, ColumnType } from './constants';
import type { ColumnDefinition } from './responses';
import { hex } from './bytes.spec-helper';

const column = (type: number, flags = 0): ColumnDefinition => ({ name: `c${type}`, type, flags });

describe('mysql-protocol', () => {
  describe('binary rows', () => {
    it('puts NULLs in the bitmap at offset 2 and encodes each type', () => {
      const columns = [
        column(ColumnType.LONGLONG),
        column(ColumnType.VAR_STRING),
        column(ColumnType.DOUBLE),
        column(ColumnType.DATETIME),
        column(ColumnType.TIME),
        column(ColumnType.TINY, ColumnFlag.UNSIGNED),
        column(ColumnType.NEWDECIMAL),
      ];
      const row = encodeBinaryRow(columns, ['-2', null, '2.5', '2024-02-29 13:05:09.5', '-26:03:04', 255, '1.50']);
      expect(row).toEqual(
        hex(
          [
            '00 08 00', // header; 2-byte bitmap (7 + 2 bits), column 1 at bit 3
            'feffffffffffffff',
            '0000000000000440',
            '0b e807 021d 0d0509 20a10700',
            '08 01 01000000 02 03 04',
            'ff',
            '04 312e3530',
          ].join(' '),
        ),
      );
    });

    it('uses the shortest temporal forms', () => {
      const columns = [column(ColumnType.DATE), column(ColumnType.DATETIME), column(ColumnType.TIMESTAMP), column(ColumnType.TIME)];
      expect(encodeBinaryRow(columns, ['2024-01-02', '0000-00-00 00:00:00', '2024-01-02 03:04:05', '00:00:00'])).toEqual(
        hex('00 00  04 e807 0102  00  07 e807 0102 030405  00'),
      );
    });

    it('sizes the bitmap for columns + 2 bits', () => {
      const columns = Array.from({ length: 7 }, () => column(ColumnType.LONG));
      expect(encodeBinaryRow(columns, Array(7).fill(null))).toEqual(hex('00 fc 01'));
    });

    it('refuses values the column cannot hold', () => {
      expect(() => encodeBinaryRow([column(ColumnType.TINY)], ['200'])).toThrow(RangeError);
      expect(() => encodeBinaryRow([column(ColumnType.LONG, ColumnFlag.UNSIGNED)], [-1])).toThrow(RangeError);
      expect(() => encodeBinaryRow([column(ColumnType.LONGLONG)], ['1.5'])).toThrow(RangeError);
      expect(() => encodeBinaryRow([column(ColumnType.DATE)], ['yesterday'])).toThrow(RangeError);
      expect(() => encodeBinaryRow([column(ColumnType.TIME)], ['1:2'])).toThrow(RangeError);
      expect(() => encodeBinaryRow([column(ColumnType.DOUBLE)], ['x'])).toThrow(RangeError);
      expect(() => encodeBinaryRow([column(ColumnType.LONG)], [])).toThrow(RangeError);
    });
  });
});
