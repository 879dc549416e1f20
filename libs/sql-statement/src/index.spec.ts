import {
  type Classified,
  classifyStatement,
  MIN_SERVER_VERSION,
  parseServerVersion,
  REFUSALS,
  type SqlTextOptions,
  splitStatements,
} from './index';

describe('sql-statement', () => {
  describe('public API', () => {
    it('classifies each statement of a multi-statement query', () => {
      const options: SqlTextOptions = { serverVersion: parseServerVersion('5.5.5-10.11.19-MariaDB') };
      const results: Classified[] = splitStatements('BEGIN; UPDATE shop.stock SET n = n - 1 WHERE id = 7; COMMIT', options).map((sql) =>
        classifyStatement(sql, options),
      );
      expect(results).toEqual([
        { kind: 'transaction', verb: 'begin' },
        { kind: 'dml', verb: 'update', tables: [{ schema: 'shop', table: 'stock' }] },
        { kind: 'transaction', verb: 'commit' },
      ]);
    });

    it('exports the refusal table and the oldest server version', () => {
      expect(REFUSALS.length).toBeGreaterThan(20);
      expect(MIN_SERVER_VERSION).toBe(101100);
    });
  });
});
