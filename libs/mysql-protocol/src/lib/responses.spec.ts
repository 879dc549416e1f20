import { Charset, ColumnFlag, ColumnType, ServerStatus } from './constants';
import { ProtocolError, ServerError } from './errors';
import {
  encodeColumnCount,
  encodeColumnDefinition41,
  encodeEof,
  encodeErr,
  encodeOk,
  encodeProtocolError,
  encodeStmtPrepareOk,
  encodeStmtPrepareResponse,
  encodeTextResultSet,
  encodeTextRow,
  PARAMETER_DEFINITION,
} from './responses';
import { hex } from './bytes.spec-helper';

const idColumn = {
  schema: 'shop',
  table: 't',
  name: 'id',
  type: ColumnType.LONGLONG,
  charset: Charset.BINARY,
  length: 20,
  flags: ColumnFlag.NOT_NULL | ColumnFlag.PRI_KEY,
};

describe('mysql-protocol', () => {
  describe('responses', () => {
    it('encodes OK byte for byte', () => {
      expect(encodeOk({ affectedRows: 1, lastInsertId: 42 })).toEqual(hex('00 01 2a 02 00 00 00'));
      expect(encodeOk()).toEqual(hex('00 00 00 02 00 00 00'));
      expect(
        encodeOk({ affectedRows: 300, lastInsertId: 2n ** 40n, statusFlags: ServerStatus.IN_TRANS, warnings: 2, info: 'Rows matched: 1' }),
      ).toEqual(Buffer.concat([hex('00 fc 2c01 fe 0000000000010000 0100 0200'), Buffer.from('Rows matched: 1')]));
      expect(encodeOk({ affectedRows: 1, info: 'Rows matched: 1', sessionTrack: true })).toEqual(
        Buffer.concat([hex('00 01 00 0200 0000 0f'), Buffer.from('Rows matched: 1')]),
      );
    });

    it('encodes ERR byte for byte', () => {
      const message = "You have an error in your SQL syntax; check the manual near 'x' at line 1";
      expect(encodeErr({ errno: 1064, sqlState: '42000', message })).toEqual(
        Buffer.concat([hex('ff 28 04 23 34 32 30 30 30'), Buffer.from(message)]),
      );
    });

    it('encodes a ProtocolError as ERR', () => {
      const error = new ProtocolError(ServerError.UNKNOWN_STMT_HANDLER, 'Unknown prepared statement handler (7) given to mysqld_stmt_execute');
      expect(encodeProtocolError(error).subarray(0, 9)).toEqual(hex('ff db 04 23 48 59 30 30 30'));
    });

    it('validates SQLSTATE and errno, and cuts long messages on a character boundary', () => {
      expect(() => encodeErr({ errno: 1064, sqlState: '4200', message: '' })).toThrow(RangeError);
      expect(() => encodeErr({ errno: 1064, sqlState: '42000x', message: '' })).toThrow(RangeError);
      expect(() => encodeErr({ errno: 1064, sqlState: 'hy000', message: '' })).toThrow(RangeError);
      expect(() => encodeErr({ errno: 70000, sqlState: 'HY000', message: '' })).toThrow(RangeError);
      const long = encodeErr({ errno: 1064, sqlState: '42000', message: `a${'é'.repeat(600)}` });
      expect(long.length).toBe(9 + 511);
      expect(long.subarray(9).toString('utf8')).toBe(`a${'é'.repeat(255)}`);
    });

    it('encodes EOF and column counts', () => {
      expect(encodeEof({ warnings: 1, statusFlags: ServerStatus.AUTOCOMMIT | ServerStatus.IN_TRANS })).toEqual(hex('fe 0100 0300'));
      expect(encodeColumnCount(3)).toEqual(hex('03'));
      expect(encodeColumnCount(251)).toEqual(hex('fc fb00'));
    });

    it('encodes ColumnDefinition41 byte for byte', () => {
      expect(encodeColumnDefinition41(idColumn)).toEqual(
        hex('03 646566  04 73686f70  01 74  01 74  02 6964  02 6964  0c  3f00 14000000 08 0300 00 0000'),
      );
    });

    it('encodes text rows with 0xFB for NULL', () => {
      expect(encodeTextRow(['1', null, '', hex('ff')])).toEqual(hex('01 31 fb 00 01 ff'));
    });

    it('encodes a whole text result set', () => {
      const payloads = encodeTextResultSet([idColumn], [['1'], [null]], ServerStatus.IN_TRANS);
      expect(payloads).toEqual([
        hex('01'),
        encodeColumnDefinition41(idColumn),
        hex('fe 0000 0100'),
        hex('01 31'),
        hex('fb'),
        hex('fe 0000 0100'),
      ]);
      expect(() => encodeTextResultSet([idColumn], [['1', '2']])).toThrow(RangeError);
    });

    it('encodes COM_STMT_PREPARE_OK and the definitions that follow it', () => {
      expect(encodeStmtPrepareOk({ statementId: 1, columnCount: 2, paramCount: 3 })).toEqual(hex('00 01000000 0200 0300 00 0000'));
      const payloads = encodeStmtPrepareResponse(1, [PARAMETER_DEFINITION], [idColumn]);
      expect(payloads).toEqual([
        hex('00 01000000 0100 0100 00 0000'),
        encodeColumnDefinition41(PARAMETER_DEFINITION),
        hex('fe 0000 0200'),
        encodeColumnDefinition41(idColumn),
        hex('fe 0000 0200'),
      ]);
      expect(encodeStmtPrepareResponse(2, [], [])).toEqual([hex('00 02000000 0000 0000 00 0000')]);
    });
  });
});
