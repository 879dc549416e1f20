import { classifyStatement } from './classify';
import { REFUSALS } from './refusals';
import { splitStatements } from './split';
import type { Classified } from './types';

const MB = 1 << 20;
const KINDS = new Set(['read', 'dml', 'ddl', 'transaction', 'session', 'refused']);
const RULES = new Set(REFUSALS.map((rule) => rule.id));

/** The fastest of three runs, in milliseconds (the first run also pays for compilation). */
function fastest(run: () => unknown): number {
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    run();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

function expectWellFormed(result: Classified): void {
  expect(KINDS.has(result.kind)).toBe(true);
  if (result.kind === 'refused') {
    expect(RULES.has(result.rule)).toBe(true);
    expect(result.message).not.toMatch(/\{\w+\}/);
  }
}

/** A deterministic pseudo-random generator (LCG), so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('sql-statement', () => {
  describe('hostile input', () => {
    it.each([
      ['nothing', ''],
      ['spaces, tabs and newlines', ' \t\r\n\v\f '],
    ])('answers %s with ER_EMPTY_QUERY', (_name, sql) => {
      expect(classifyStatement(sql)).toEqual({ kind: 'refused', rule: 'empty-query', errno: 1065, sqlState: '42000', message: 'Query was empty' });
    });

    it.each([
      ["SELECT 'abc", "'abc", 1],
      ['SELECT "abc', '"abc', 1],
      ['SELECT `abc', '`abc', 1],
      ["SELECT 1,\n  2,\n  'abc", "'abc", 3],
      ['SELECT 1 /* never closed', '/* never closed', 1],
      ['/*! SELECT 1', '', 1],
      ['SELECT 1; DELETE FROM t', 'DELETE FROM t', 1],
      ['SELECT 1;\nDELETE FROM t', 'DELETE FROM t', 2],
      [';', ';', 1],
      ['SELECT 1;;', ';', 1],
      ['INSERT INTO', '', 1],
      ['INSERT INTO db.', '', 1],
      ['UPDATE t', '', 1],
      ['UPDATE t SET', '', 1],
      ['UPDATE t SET a', '', 1],
      ['UPDATE t1 JOIN SET a = 1', 'SET a = 1', 1],
      ['UPDATE ((t1 SET a = 1', '', 1],
      ['UPDATE t1) SET a = 1', ') SET a = 1', 1],
      ['DELETE t1 WHERE a = 1', 'WHERE a = 1', 1],
      ['DELETE FROM t1, t2 WHERE a = 1', 'WHERE a = 1', 1],
      ['DELETE FROM', '', 1],
      ['CREATE', '', 1],
      ['CREATE TABLE', '', 1],
      ['DROP INDEX i', '', 1],
      ['RENAME TABLE a b', 'b', 1],
      ['USE', '', 1],
      ['USE a b', 'b', 1],
      ['SET', '', 1],
      ['SET x', '', 1],
      ['SET x =', '', 1],
      ['SET @x 1', '1', 1],
      ['SET x = (1', '', 1],
      ['SET x = 1)', ')', 1],
      ['UPDATE t SET a = (1', '', 1],
      ["'just a string'", "'just a string'", 1],
      ['@x', '@x', 1],
      ['((DELETE FROM t))', 'DELETE FROM t))', 1],
      ['WITH c AS (SELECT 1', '', 1],
    ])('refuses %j as a syntax error near %j at line %d', (sql, near, line) => {
      const result = classifyStatement(sql);
      expect(result).toMatchObject({ kind: 'refused', rule: 'parse-error', errno: 1064, sqlState: '42000' });
      expect(result.kind === 'refused' && result.message).toBe(
        `You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use near '${near}' at line ${line}`,
      );
    });

    it('quotes at most 80 characters of the text near a syntax error, without splitting a character', () => {
      const result = classifyStatement(`SELECT 1; ${'x'.repeat(200)}`);
      expect(result.kind === 'refused' && result.message).toContain(`near '${'x'.repeat(80)}' at line 1`);
      const emoji = classifyStatement(`SELECT 1; ${'x'.repeat(79)}😀😀`);
      expect(emoji.kind === 'refused' && emoji.message).toContain(`near '${'x'.repeat(79)}' at line 1`);
    });

    it('refuses NUL bytes outside strings and block comments, and accepts them inside', () => {
      expect(classifyStatement('SELECT\0 1')).toMatchObject({ rule: 'parse-error' });
      expect(classifyStatement('\0SELECT 1')).toMatchObject({ rule: 'parse-error' });
      expect(classifyStatement('SELECT 1 -- \0\nDELETE FROM t')).toMatchObject({ rule: 'parse-error' });
      expect(classifyStatement('INSERT INTO `t\0` VALUES (1)')).toMatchObject({ rule: 'parse-error' });
      expect(classifyStatement("INSERT INTO t VALUES ('\0\0\0')")).toEqual({ kind: 'dml', verb: 'insert', tables: [{ table: 't' }] });
      expect(classifyStatement('SELECT 1 /* \0 */')).toEqual({ kind: 'read', verb: 'select', locking: false });
    });

    it('reads unicode identifiers, and does not fold non-ASCII letters into keywords', () => {
      expect(classifyStatement('INSERT INTO `données`.表 VALUES (1)')).toEqual({
        kind: 'dml',
        verb: 'insert',
        tables: [{ schema: 'données', table: '表' }],
      });
      expect(classifyStatement('UPDATE Ωmega SET π = 3.14')).toEqual({ kind: 'dml', verb: 'update', tables: [{ table: 'Ωmega' }] });
      // 'ſelect'.toUpperCase() is 'SELECT' and 'ınsert'.toUpperCase() is 'INSERT'; MariaDB sees identifiers.
      expect(classifyStatement('ſelect 1')).toMatchObject({ rule: 'unrecognized' });
      expect(classifyStatement('ınsert INTO t VALUES (1)')).toMatchObject({ rule: 'unrecognized' });
      expect(classifyStatement('SET ſql_log_bin = 0')).toEqual({ kind: 'session', verb: 'set', variables: ['ſql_log_bin'] });
      // lone surrogates and emoji are identifier characters too
      expect(classifyStatement('SELECT \ud800, 😀 FROM t')).toEqual({ kind: 'read', verb: 'select', locking: false });
    });

    it('does not mistake control characters and odd punctuation for statements', () => {
      expect(classifyStatement('\u0001SELECT 1')).toMatchObject({ rule: 'parse-error' });
      expect(classifyStatement('+-*/%^~!<>=|&?')).toMatchObject({ rule: 'parse-error' });
      expect(classifyStatement('SELECT 1 */')).toEqual({ kind: 'read', verb: 'select', locking: false });
    });

    it('classifies 10,000 nested parentheses without recursion', () => {
      const deep = 10_000;
      const open = '('.repeat(deep);
      const close = ')'.repeat(deep);
      expect(classifyStatement(`${open}SELECT 1${close}`)).toEqual({ kind: 'read', verb: 'select', locking: false });
      expect(classifyStatement(`SELECT ${open}1${close} FOR UPDATE`)).toEqual({ kind: 'read', verb: 'select', locking: true });
      expect(classifyStatement(`UPDATE ${open}t${close} SET a = ${open}1${close}`)).toEqual({ kind: 'dml', verb: 'update', tables: [{ table: 't' }] });
      expect(classifyStatement(`UPDATE t1 JOIN ${open}SELECT 1${close} d ON ${open}1${close} SET t1.a = 1`)).toEqual({
        kind: 'dml',
        verb: 'update',
        tables: [{ table: 't1' }],
      });
      expect(classifyStatement(`DELETE FROM t WHERE a IN ${open}1${close}`)).toEqual({ kind: 'dml', verb: 'delete', tables: [{ table: 't' }] });
      expect(classifyStatement(`WITH c AS ${open}SELECT 1${close} DELETE FROM t`)).toEqual({ kind: 'dml', verb: 'delete', tables: [{ table: 't' }] });
      expect(classifyStatement(`SET @a = ${open}1${close}, autocommit = 0`)).toMatchObject({ autocommit: false });
      expect(classifyStatement(`CREATE TABLE t (a INT CHECK ${open}a > 0${close})`)).toMatchObject({ kind: 'ddl' });
      expect(classifyStatement(`ALTER TABLE t ADD CHECK ${open}a${close}, RENAME TO u`)).toMatchObject({ tables: [{ table: 't' }, { table: 'u' }] });
      expect(classifyStatement(`${open}SELECT 1`)).toEqual({ kind: 'read', verb: 'select', locking: false });
      expect(classifyStatement(`UPDATE ${open}t SET a = 1`)).toMatchObject({ rule: 'parse-error' });
      expect(classifyStatement(`SET a = ${open}1`)).toMatchObject({ rule: 'parse-error' });
      expect(splitStatements(`${open}SELECT 1${close}; SELECT 2`)).toHaveLength(2);
    });

    // Bounds generous enough for a loaded CI machine; quadratic work on a megabyte takes minutes.
    it('classifies a realistic 1 MB statement in well under 2 s', () => {
      const rows: string[] = [];
      for (let i = 0, length = 0; length < MB; i++) {
        const row = `(${i}, 'name ${i}', "it's; -- not a comment", NULL, 3.25e${i % 10})`;
        rows.push(row);
        length += row.length + 1;
      }
      const insert = `INSERT INTO shop.orders (id, name, note, x, y) VALUES ${rows.join(',')}`;
      expect(insert.length).toBeGreaterThanOrEqual(MB);
      expect(classifyStatement(insert)).toEqual({ kind: 'dml', verb: 'insert', tables: [{ schema: 'shop', table: 'orders' }] });
      expect(fastest(() => classifyStatement(insert))).toBeLessThan(2000);

      const select = `SELECT * FROM t WHERE doc = '${'x'.repeat(MB)}' FOR UPDATE`;
      expect(classifyStatement(select)).toEqual({ kind: 'read', verb: 'select', locking: true });
      expect(fastest(() => classifyStatement(select))).toBeLessThan(2000);
    });

    // Quadratic work on a megabyte would take minutes; five seconds is a generous, non-flaky bound.
    it.each([
      ['half a million tokens in a select list', () => `SELECT ${'a,'.repeat(MB / 2)}1`],
      ['a megabyte of comments', () => `${'/* x */ -- y\n# z\n'.repeat(MB / 20)}SELECT 1`],
      ['a megabyte of open parentheses', () => `${'('.repeat(MB)}SELECT 1`],
      ['a megabyte of closing parentheses', () => `SELECT 1${')'.repeat(MB)}`],
      ['a megabyte of semicolons', () => ';'.repeat(MB)],
      ['a megabyte of executable comment openers', () => '/*!40101 '.repeat(MB / 9)],
      ['a megabyte of skipped versioned comments', () => `${'/*!80000 /* x */ y */'.repeat(MB / 21)}SELECT 1`],
      ['a megabyte of escaped quotes', () => `SELECT '${"\\'''".repeat(MB / 4)}'`],
      ['a megabyte of backticks', () => `SELECT \`${'``'.repeat(MB / 2)}\``],
      ['a megabyte of user variables', () => `SET ${Array.from({ length: MB / 12 }, (_, i) => `@v${i} = 1`).join(', ')}`],
      ['a megabyte of SET STATEMENT variables', () => `SET STATEMENT ${'a = 1, '.repeat(MB / 7)}b = 1 FOR SELECT 1`],
      ['a 50,000-table UPDATE', () => `UPDATE ${Array.from({ length: 50_000 }, (_, i) => `t${i} a${i}`).join(', ')} SET ${Array.from({ length: 50_000 }, (_, i) => `a${i}.c = 1`).join(', ')}`],
      ['a 50,000-table DELETE', () => `DELETE ${Array.from({ length: 50_000 }, (_, i) => `a${i}`).join(', ')} FROM ${Array.from({ length: 50_000 }, (_, i) => `t${i} a${i}`).join(' JOIN ')}`],
      ['a 50,000-table DROP', () => `DROP TABLE ${Array.from({ length: 50_000 }, (_, i) => `db.t${i}`).join(', ')}`],
      ['50,000 common table expressions', () => `WITH ${Array.from({ length: 50_000 }, (_, i) => `c${i} AS (SELECT ${i})`).join(', ')} SELECT 1`],
      ['an ALTER TABLE of 50,000 clauses', () => `ALTER TABLE t ${'ADD COLUMN c INT, '.repeat(50_000)}RENAME TO u`],
      ['a megabyte of garbage words', () => 'x '.repeat(MB / 2)],
    ])('classifies %s in linear time', (_name, make) => {
      const sql = make();
      expect(sql.length).toBeGreaterThan(MB / 2);
      expectWellFormed(classifyStatement(sql));
      expect(fastest(() => classifyStatement(sql))).toBeLessThan(5000);
    });

    it('splits a megabyte of statements in linear time', () => {
      const count = Math.ceil(MB / 31);
      const sql = "INSERT INTO t VALUES (1, ';');\n".repeat(count);
      expect(sql.length).toBeGreaterThanOrEqual(MB);
      expect(splitStatements(sql)).toHaveLength(count);
      expect(fastest(() => splitStatements(sql))).toBeLessThan(5000);
    });

    it('never throws, whatever the text (fuzzed)', () => {
      const fragments = [
        'SELECT', 'INSERT', 'INTO', 'UPDATE', 'SET', 'DELETE', 'FROM', 'USING', 'JOIN', 'ON', 'WITH', 'AS', 'CREATE', 'TABLE',
        'TEMPORARY', 'DROP', 'ALTER', 'RENAME', 'TO', 'BEGIN', 'NOT', 'COMMIT', 'ROLLBACK', 'AND', 'NO', 'CHAIN', 'RELEASE',
        'SAVEPOINT', 'STATEMENT', 'FOR', 'GLOBAL', 'SESSION', 'autocommit', 'sql_log_bin', 'OUTFILE', 'LOCK', 'IN', 'SHARE',
        'DEFINER', 'VIEW', 'INDEX', 'DATABASE', 'IF', 'EXISTS', 't', 'db', '1', '0', '(', ')', ',', '.', '*', ';', '=', ':=',
        '{', '}', '@', '@@', '@x', "'", '"', '`', "'s'", '"d"', '`q`', '\\', '/*', '*/', '/*!', '/*!50100', '/*!999999', '/*M!',
        '--', '-- ', '#', '\n', ' ', '\t', '\0', 'é', '😀', '\ud800',
      ];
      const next = random(20240601);
      for (let round = 0; round < 2000; round++) {
        let sql = '';
        const count = 1 + Math.floor(next() * 24);
        for (let k = 0; k < count; k++) sql += fragments[Math.floor(next() * fragments.length)] + (next() < 0.7 ? ' ' : '');
        expectWellFormed(classifyStatement(sql));
        expectWellFormed(classifyStatement(sql, { serverVersion: 101119, noBackslashEscapes: next() < 0.5, ansiQuotes: next() < 0.5 }));
        for (const piece of splitStatements(sql)) expectWellFormed(classifyStatement(piece));
      }
    });

    it('never throws on any prefix of a valid statement (truncated input)', () => {
      const statements = [
        "INSERT INTO db.t (a, b) VALUES (1, 'x;y') ON DUPLICATE KEY UPDATE b = VALUES(b)",
        'UPDATE t1 AS a JOIN (t2 b, t3) ON a.id = b.id SET a.x = (SELECT MAX(y) FROM t4), b.z = 2 WHERE a.k IN (1, 2)',
        'DELETE a, b FROM t1 a LEFT JOIN t2 b USING (id) WHERE a.x IS NULL',
        "SET STATEMENT max_statement_time = 1 FOR SELECT * FROM t INTO OUTFILE '/tmp/x'",
        "/*!40101 SET @OLD = @@SQL_MODE, SQL_MODE = 'NO_AUTO_VALUE_ON_ZERO', autocommit = 0 */",
        'CREATE OR REPLACE DEFINER=`u`@`h` SQL SECURITY INVOKER VIEW v AS SELECT 1',
        'ROLLBACK WORK AND NO CHAIN NO RELEASE',
        'WITH RECURSIVE c (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) UPDATE t JOIN c SET t.a = c.n',
      ];
      for (const sql of statements) {
        for (let cut = 0; cut <= sql.length; cut++) {
          expectWellFormed(classifyStatement(sql.slice(0, cut)));
          expectWellFormed(classifyStatement(sql.slice(cut)));
        }
      }
    });
  });
});
