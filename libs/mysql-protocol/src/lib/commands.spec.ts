import { decodeCommand } from './commands';
import { codeOf, hex } from './bytes.spec-helper';

describe('mysql-protocol', () => {
  describe('commands', () => {
    it.each([
      ['COM_QUERY as UTF-8', Buffer.concat([hex('03'), Buffer.from("SELECT 'é'")]), { kind: 'query', sql: "SELECT 'é'" }],
      ['COM_INIT_DB', Buffer.concat([hex('02'), Buffer.from('shop')]), { kind: 'init_db', schema: 'shop' }],
      ['COM_PING', hex('0e'), { kind: 'ping' }],
      ['COM_QUIT', hex('01'), { kind: 'quit' }],
      ['COM_STMT_PREPARE', Buffer.concat([hex('16'), Buffer.from('SELECT ?')]), { kind: 'stmt_prepare', sql: 'SELECT ?' }],
      ['COM_STMT_CLOSE', hex('19 05000000'), { kind: 'stmt_close', statementId: 5 }],
      ['COM_STMT_RESET', hex('1a 06000000'), { kind: 'stmt_reset', statementId: 6 }],
      ['an unknown command', hex('11 00'), { kind: 'unknown', code: 0x11 }],
      [
        'COM_STMT_EXECUTE, keeping the parameter block raw',
        hex('17 01000000 00 01000000 01 02'),
        { kind: 'stmt_execute', statementId: 1, flags: 0, iterationCount: 1, rest: hex('0102') },
      ],
    ])('decodes %s', (_name, payload, command) => {
      expect(decodeCommand(payload)).toEqual(command);
    });

    it.each([
      ['an empty payload', Buffer.alloc(0), [1835, 'HY000']],
      ['a truncated COM_STMT_CLOSE', hex('19 0500'), [1835, 'HY000']],
      ['a truncated COM_STMT_EXECUTE', hex('17 01000000 00 0100'), [1835, 'HY000']],
      ['a COM_QUERY that is not UTF-8', hex('03 53 ff'), [1300, 'HY000']],
    ])('refuses %s', (_name, payload, code) => {
      expect(codeOf(() => decodeCommand(payload))).toEqual(code);
    });
  });
});
