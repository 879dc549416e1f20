import { classifyStatement } from './classify';
import { splitStatements } from './split';

describe('sql-statement', () => {
  describe('splitStatements', () => {
    it.each([
      ['SELECT 1', ['SELECT 1']],
      ['SELECT 1;', ['SELECT 1']],
      ['SELECT 1; SELECT 2', ['SELECT 1', 'SELECT 2']],
      ['  SELECT 1 ;\n\tSELECT 2 ;  ', ['SELECT 1', 'SELECT 2']],
      ['SELECT 1;;; ;SELECT 2', ['SELECT 1', 'SELECT 2']],
      ['', []],
      [' ; ; ', []],
      ["SELECT 'a;b'; SELECT \"c;d\"; SELECT `e;f`", ["SELECT 'a;b'", 'SELECT "c;d"', 'SELECT `e;f`']],
      ["SELECT 'it''s;'; SELECT 'it\\'s;'", ["SELECT 'it''s;'", "SELECT 'it\\'s;'"]],
      ['SELECT `a``;`; SELECT 2', ['SELECT `a``;`', 'SELECT 2']],
      ['SELECT 1 /* ; */; SELECT 2 -- ;\n; SELECT 3 # ;\n', ['SELECT 1 /* ; */', 'SELECT 2 -- ;', 'SELECT 3 # ;']],
      ['/* lead */ SELECT 1; -- only a comment\n; SELECT 2', ['/* lead */ SELECT 1', 'SELECT 2']],
      ['SELECT 1; /* trailing */', ['SELECT 1']],
      ['SELECT 1; /*!999999 DELETE FROM t; */', ['SELECT 1']],
      ['INSERT INTO t VALUES (1);\nUPDATE t SET a = 2;\nDELETE FROM t', ['INSERT INTO t VALUES (1)', 'UPDATE t SET a = 2', 'DELETE FROM t']],
      ['\u00a0SELECT 1;', ['\u00a0SELECT 1']],
    ])('%j → %j', (sql, statements) => {
      expect(splitStatements(sql, { serverVersion: 110402 })).toEqual(statements);
    });

    it('splits inside an executable comment, whose pieces the classifier then refuses', () => {
      const pieces = splitStatements('/*!40101 SET @a = 1; SET sql_log_bin = 0 */');
      expect(pieces).toEqual(['/*!40101 SET @a = 1', 'SET sql_log_bin = 0 */']);
      expect(pieces.map((sql) => classifyStatement(sql))).toMatchObject([
        { kind: 'refused', rule: 'parse-error' },
        { kind: 'refused', rule: 'sql-log-bin' },
      ]);
    });

    it('keeps the rest of the text after an unterminated string as one statement', () => {
      const pieces = splitStatements("SELECT 1; SELECT 'abc; DELETE FROM t; SELECT 2");
      expect(pieces).toEqual(['SELECT 1', "SELECT 'abc; DELETE FROM t; SELECT 2"]);
      expect(classifyStatement(pieces[1])).toMatchObject({ kind: 'refused', rule: 'parse-error', errno: 1064 });
    });

    it('keeps the rest of the text after an unterminated comment, or a NUL', () => {
      expect(splitStatements('SELECT 1; /* DELETE FROM t; SELECT 2')).toEqual(['SELECT 1', '/* DELETE FROM t; SELECT 2']);
      expect(splitStatements('SELECT 1; SELECT \0; DELETE FROM t')).toEqual(['SELECT 1', 'SELECT \0; DELETE FROM t']);
    });

    it('follows NO_BACKSLASH_ESCAPES when told', () => {
      const sql = "SELECT 'a\\'; DELETE FROM t; SELECT '1'";
      expect(splitStatements(sql)).toEqual(["SELECT 'a\\'; DELETE FROM t; SELECT '1'"]);
      expect(splitStatements(sql, { noBackslashEscapes: true })).toEqual(["SELECT 'a\\'", 'DELETE FROM t', "SELECT '1'"]);
    });

    it('classifies a mysqldump-style script piece by piece', () => {
      const dump = [
        '/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;',
        '/*!40101 SET NAMES utf8mb4 */;',
        "/*!40103 SET TIME_ZONE='+00:00' */;",
        "/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;",
        'DROP TABLE IF EXISTS `t`;',
        'CREATE TABLE `t` (`id` int NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB;',
        'LOCK TABLES `t` WRITE;',
        '/*!40000 ALTER TABLE `t` DISABLE KEYS */;',
        "INSERT INTO `t` VALUES (1),(2);",
        'UNLOCK TABLES;',
      ].join('\n');
      expect(splitStatements(dump).map((sql) => {
        const result = classifyStatement(sql);
        return result.kind === 'refused' ? result.rule : result.kind;
      })).toEqual(['session', 'session', 'session', 'session', 'ddl', 'ddl', 'lock-tables', 'ddl', 'dml', 'session']);
    });
  });
});
