import { MIN_SERVER_VERSION, parseServerVersion, type SqlTextOptions, tokenize, unquote } from './lexer';

/** The tokens' texts, or the error. */
function lex(sql: string, options: SqlTextOptions = {}): string[] | { error: string; at: number } {
  const { tokens, error } = tokenize(sql, options);
  if (error) return { error: error.kind, at: error.at };
  return tokens.toArray().map((tok) => tok.text);
}

describe('sql-statement', () => {
  describe('tokenize', () => {
    it('splits words, punctuation, strings, identifiers and variables', () => {
      expect(lex("SELECT a.b, 'x', `y`, @u, @@session.v := 1.5e3 FROM t;")).toEqual([
        'SELECT', 'a', '.', 'b', ',', "'x'", ',', '`y`', ',', '@u', ',', '@@', 'session', '.', 'v', ':=', '1', '.', '5e3',
        'FROM', 't', ';',
      ]);
    });

    it('types tokens and upper-cases words only', () => {
      const { tokens } = tokenize("select `Sel` 'str' \"dq\" @'u' @@x");
      expect(tokens.toArray().map((tok) => [tok.type, tok.upper])).toEqual([
        ['word', 'SELECT'],
        ['quoted', ''],
        ['string', ''],
        ['string', ''],
        ['uservar', ''],
        ['sysvar', ''],
        ['word', 'X'],
      ]);
    });

    it.each([
      ['/* block */ comments', 'SELECT /* ; DELETE */ 1', ['SELECT', '1']],
      ['multi-line block comments', 'SELECT /* a\n; b\n*/ 1', ['SELECT', '1']],
      ['-- comments to the end of the line', 'SELECT 1 -- ; DELETE\n, 2', ['SELECT', '1', ',', '2']],
      ['-- followed by a tab', 'SELECT 1 --\tx', ['SELECT', '1']],
      ['-- at the end of the text', 'SELECT 1 --', ['SELECT', '1']],
      ['# comments', 'SELECT 1 # ; DELETE\n, 2', ['SELECT', '1', ',', '2']],
      ['optimizer hints (comments)', 'SELECT /*+ BKA(t) */ 1', ['SELECT', '1']],
      ['no nesting in regular comments', 'SELECT /* a /* b */ 1', ['SELECT', '1']],
    ])('skips %s', (_name, sql, tokens) => {
      expect(lex(sql)).toEqual(tokens);
    });

    it('reads --x (no space) as two minus signs, as MariaDB does', () => {
      expect(lex('SELECT 1--1')).toEqual(['SELECT', '1', '-', '-', '1']);
    });

    it.each([
      ['/*! … */', 'SELECT 1 /*! , 2 */', ['SELECT', '1', ',', '2']],
      ['/*!40101 … */ (MySQL 4.1)', '/*!40101 SET NAMES utf8 */', ['SET', 'NAMES', 'utf8']],
      ['/*!50100 … */', '/*!50100 SELECT 1 */', ['SELECT', '1']],
      ['/*M! … */ (MariaDB only)', '/*M! SELECT 1 */', ['SELECT', '1']],
      ['/*M!100100 … */', '/*M!100100 SELECT 1 */', ['SELECT', '1']],
      ['/*M!50701 … */ (MariaDB runs its own comments for any version)', '/*M!50701 SELECT 1 */', ['SELECT', '1']],
      ['/*!100100 … */ (6-digit version)', '/*!100100 SELECT 1 */', ['SELECT', '1']],
      ['/*!1234 … */ (not a version: the digits are text)', '/*!1234 */', ['1234']],
      ['a string holding */ inside /*! … */', "/*! SELECT '*/' */", ['SELECT', "'*/'"]],
      ['a regular comment inside /*! … */', '/*! SELECT /* x */ 1 */', ['SELECT', '1']],
    ])('runs the text of %s', (_name, sql, tokens) => {
      expect(lex(sql)).toEqual(tokens);
    });

    it.each([
      ['MySQL 5.7+ comments (/*!50700 … */), which MariaDB ignores', 'SELECT 1 /*!50700 , 2 */', ['SELECT', '1']],
      ['/*!80000 … */ (MySQL 8)', '/*!80000 SET sql_log_bin=0 */ SELECT 1', ['SELECT', '1']],
      ['comments for a newer server', 'SELECT 1 /*!999999 , 2 */', ['SELECT', '1']],
      ['one nested comment inside a skipped versioned comment', 'SELECT 1 /*!999999 /* a */ , 2 */', ['SELECT', '1']],
    ])('skips %s', (_name, sql, tokens) => {
      expect(lex(sql, { serverVersion: 110402 })).toEqual(tokens);
    });

    it('decides versioned comments by the server version it is given', () => {
      expect(lex('/*!110400 SELECT 1 */', { serverVersion: 110402 })).toEqual(['SELECT', '1']);
      expect(lex('/*!110403 SELECT 1 */', { serverVersion: 110402 })).toEqual([]);
      expect(lex('/*!101119 SELECT 1 */', { serverVersion: 101119 })).toEqual(['SELECT', '1']);
    });

    it('refuses a versioned comment newer than MariaDB 10.11 when it does not know the version', () => {
      expect(lex(`/*!${MIN_SERVER_VERSION} SELECT 1 */`)).toEqual(['SELECT', '1']);
      expect(lex('SELECT 1 /*!110000 , 2 */')).toEqual({ error: 'version', at: 9 });
      expect(tokenize('/*M!110000 x */').error).toEqual({ kind: 'version', at: 0, version: 110000 });
      // ignored by every MariaDB, whatever the version
      expect(lex('/*!80000 x */')).toEqual([]);
    });

    it.each([
      ["'it''s'", ["'it''s'"]],
      ["'it\\'s'", ["'it\\'s'"]],
      ["'a\\\\' 'b'", ["'a\\\\'", "'b'"]],
      ['"say ""hi"""', ['"say ""hi"""']],
      ['"a\\"b"', ['"a\\"b"']],
      ['`back``tick`', ['`back``tick`']],
      ["`a\\` 'b'", ['`a\\`', "'b'"]],
      ["'; -- /* #'", ["'; -- /* #'"]],
      ["@'u''x' @`v` @\"w\"", ["@'u''x'", '@`v`', '@"w"']],
    ])('quotes %s', (sql, tokens) => {
      expect(lex(sql)).toEqual(tokens);
    });

    it('reads "…" as an identifier under ANSI_QUOTES, with no backslash escapes', () => {
      const { tokens } = tokenize('"a\\" \'b\'', { ansiQuotes: true });
      expect(tokens.toArray().map((tok) => [tok.type, tok.text])).toEqual([
        ['quoted', '"a\\"'],
        ['string', "'b'"],
      ]);
    });

    it('reads backslashes as text under NO_BACKSLASH_ESCAPES', () => {
      expect(lex("'a\\' ; 'b'", { noBackslashEscapes: true })).toEqual(["'a\\'", ';', "'b'"]);
      expect(lex("'a\\' ; 'b'")).toEqual({ error: 'syntax', at: 9 });
    });

    it.each([
      ["SELECT 'abc", 7],
      ['SELECT "abc', 7],
      ['SELECT `abc', 7],
      ["SELECT 'abc\\'", 7],
      ['SELECT 1 /* open', 9],
      ['SELECT 1 /*! open', 17],
      ['SELECT 1 /*!999999 open /* inner */', 9],
      ["SELECT @'x", 8],
    ])('reports an unterminated token: %s', (sql, at) => {
      expect(lex(sql, { serverVersion: 110402 })).toEqual({ error: 'syntax', at });
    });

    it('accepts NUL inside strings and block comments, and refuses it elsewhere', () => {
      expect(lex("SELECT 'a\0b' /* \0 */")).toEqual(['SELECT', "'a\0b'"]);
      expect(lex('SELECT 1\0')).toEqual({ error: 'syntax', at: 8 });
      // a NUL ends a line comment, and is then an error
      expect(lex('SELECT 1 -- x\0y')).toEqual({ error: 'syntax', at: 13 });
      expect(lex('SELECT 1 # x\0y')).toEqual({ error: 'syntax', at: 12 });
      // MariaDB stops a quoted identifier at a NUL
      expect(lex('SELECT `a\0b`')).toEqual({ error: 'syntax', at: 7 });
    });

    it('reads non-ASCII characters as identifier characters', () => {
      expect(lex('SELECT café, 表 FROM naïve')).toEqual(['SELECT', 'café', ',', '表', 'FROM', 'naïve']);
      expect(lex('SELECT\u00a0x')).toEqual(['SELECT\u00a0x']);
    });
  });

  describe('unquote', () => {
    it.each([
      ['Word', 'Word'],
      ['`back``tick`', 'back`tick'],
      ["'it''s'", "it's"],
      ["'a\\'b\\nc\\\\d\\%'", "a'b\nc\\d\\%"],
      ['"dq""x"', 'dq"x'],
      ["@'u'", 'u'],
      ['@name', 'name'],
    ])('%s → %s', (sql, value) => {
      const tok = tokenize(sql).tokens.token(0);
      expect(unquote(tok)).toBe(value);
    });

    it('keeps backslashes under NO_BACKSLASH_ESCAPES', () => {
      const tok = tokenize("'a\\'", { noBackslashEscapes: true }).tokens.token(0);
      expect(unquote(tok, { noBackslashEscapes: true })).toBe('a\\');
    });
  });

  describe('parseServerVersion', () => {
    it.each([
      ['10.11.19-MariaDB-0+deb12u1', 101119],
      ['11.4.2-MariaDB-ubu2404', 110402],
      ['5.5.5-10.11.6-MariaDB', 101106],
      ['8.0.36', 80036],
      ['garbage', undefined],
    ])('%s → %s', (version, id) => {
      expect(parseServerVersion(version)).toBe(id);
    });
  });
});
