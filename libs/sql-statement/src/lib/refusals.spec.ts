import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { classifyStatement } from './classify';
import { type RefusalId, REFUSALS, refusalMessage } from './refusals';

/**
 * At least one statement for every rule. Typed as a Record over RefusalId, so a rule added to
 * the table without examples fails the type check, and the test below fails it at run time too.
 */
const EXAMPLES: Record<RefusalId, readonly string[]> = {
  'parse-error': ["SELECT 'unterminated", 'SELECT 1; DELETE FROM t', 'INSERT INTO', 'SELECT 1\0', ';'],
  'empty-query': ['', '   \n\t '],
  'versioned-comment': ['/*!110000 DELETE FROM t */ SELECT 1'],
  'load-data': ["LOAD DATA INFILE '/tmp/t.csv' INTO TABLE t", "LOAD DATA LOCAL INFILE 't.csv' INTO TABLE t", "LOAD XML INFILE 't.xml' INTO TABLE t"],
  'select-into-file': ["SELECT * FROM t INTO OUTFILE '/tmp/t.csv'", "SELECT a FROM t INTO DUMPFILE '/tmp/a'"],
  'sql-log-bin': ['SET sql_log_bin = 0', 'SET @@session.sql_log_bin = OFF', '/*!40101 SET sql_log_bin=0 */', 'SET @a = 1, sql_log_bin = 0'],
  'binlog-variable': ['SET binlog_format = STATEMENT', 'SET sql_replica_skip_counter = 1', 'SET @@gtid_seq_no = 5'],
  'set-global': ['SET GLOBAL max_connections = 10', 'SET @@global.read_only = 1'],
  'autocommit-value': ['SET autocommit = @x'],
  'temporary-table': ['CREATE TEMPORARY TABLE tmp (a INT)', 'DROP TEMPORARY TABLE tmp'],
  'create-table-select': ['CREATE TABLE t AS SELECT * FROM u'],
  view: ['CREATE VIEW v AS SELECT 1', 'ALTER VIEW v AS SELECT 2', 'DROP VIEW v'],
  'stored-program': [
    'CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1',
    'CREATE PROCEDURE p() BEGIN DELETE FROM t; END',
    'CREATE FUNCTION f() RETURNS INT RETURN 1',
    'CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO DELETE FROM t',
    'DROP PROCEDURE p',
  ],
  call: ['CALL p()'],
  'compound-statement': ['BEGIN NOT ATOMIC DELETE FROM t; END'],
  'sql-prepared-statement': ["PREPARE s FROM 'DELETE FROM t'", 'EXECUTE s', 'DEALLOCATE PREPARE s'],
  handler: ['HANDLER t OPEN'],
  'lock-tables': ['LOCK TABLES t WRITE'],
  'account-management': ["GRANT ALL ON *.* TO 'u'@'%'", "CREATE USER 'u'@'%'", "SET PASSWORD = PASSWORD('x')"],
  xa: ["XA START 'x'"],
  'replication-control': ['START GROUP_REPLICATION', 'RESET MASTER', 'RESET REPLICA ALL', 'PURGE BINARY LOGS TO \'x\'', "BINLOG 'AAAA'"],
  'replication-option': [
    "CHANGE MASTER TO MASTER_HOST='h'",
    "CHANGE REPLICATION SOURCE TO SOURCE_LOG_POS = 4, SOURCE_PORT = 3306",
    'CHANGE REPLICATION SOURCE TO IGNORE_SERVER_IDS = (1, 2)',
    "CHANGE MASTER 'other' TO MASTER_LOG_POS = 4",
    "START REPLICA UNTIL RELAY_LOG_FILE = 'r', RELAY_LOG_POS = 4",
    "START SLAVE UNTIL MASTER_GTID_POS = '0-1-2'",
    "START REPLICA USER = 'u' PASSWORD = 'p'",
    "START REPLICA FOR CHANNEL 'other'",
    "STOP SLAVE 'other'",
  ],
  'server-admin': ['FLUSH TABLES WITH READ LOCK', 'SHUTDOWN', "INSTALL PLUGIN p SONAME 'p.so'"],
  'table-maintenance': ['OPTIMIZE TABLE t', 'ANALYZE TABLE t', 'REPAIR TABLE t'],
  kill: ['KILL QUERY 12'],
  unrecognized: ['CREATE SEQUENCE s', 'FROBNICATE the database'],
};

describe('sql-statement', () => {
  describe('REFUSALS', () => {
    it('has unique ids', () => {
      expect(new Set(REFUSALS.map((rule) => rule.id)).size).toBe(REFUSALS.length);
    });

    it('has examples for every rule and no examples for rules that do not exist', () => {
      for (const rule of REFUSALS) expect([rule.id, (EXAMPLES[rule.id] ?? []).length > 0]).toEqual([rule.id, true]);
      expect(Object.keys(EXAMPLES).sort()).toEqual(REFUSALS.map((rule) => rule.id).sort());
    });

    describe.each(REFUSALS.map((rule) => [rule.id, rule] as const))('%s', (id, rule) => {
      it.each([...(EXAMPLES[id] ?? [])])('refuses %j with its errno and SQLSTATE', (sql) => {
        const result = classifyStatement(sql);
        expect(result).toMatchObject({ kind: 'refused', rule: id, errno: rule.errno, sqlState: rule.sqlState });
        expect(result.kind === 'refused' && result.message).toBeTruthy();
      });
    });

    it('uses MySQL error numbers with their SQLSTATE', () => {
      const known: Record<number, string> = { 1064: '42000', 1065: '42000', 1148: '42000', 1227: '42000', 1231: '42000', 1235: '42000' };
      for (const rule of REFUSALS) expect([rule.id, rule.sqlState]).toEqual([rule.id, known[rule.errno]]);
    });

    it('fills in every placeholder a refusal needs', () => {
      for (const [id, sqls] of Object.entries(EXAMPLES)) {
        for (const sql of sqls) {
          const result = classifyStatement(sql);
          expect([id, sql, result.kind === 'refused' ? /\{\w+\}/.test(result.message) : 'not refused']).toEqual([id, sql, false]);
        }
      }
    });

    it('formats MariaDB syntax errors and empty queries like the server', () => {
      expect(classifyStatement("SELECT 'abc")).toEqual({
        kind: 'refused',
        rule: 'parse-error',
        errno: 1064,
        sqlState: '42000',
        message:
          "You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use near ''abc' at line 1",
      });
      expect(classifyStatement('')).toEqual({ kind: 'refused', rule: 'empty-query', errno: 1065, sqlState: '42000', message: 'Query was empty' });
      expect(classifyStatement('LOAD DATA INFILE "x" INTO TABLE t')).toMatchObject({
        errno: 1148,
        message:
          'The used command is not allowed with kbinlog: LOAD DATA and LOAD XML read rows from a file kbinlog cannot log; send them as INSERT statements',
      });
    });

    it('leaves placeholders it is not given, and does not expand placeholders inside values', () => {
      expect(refusalMessage('unrecognized')).toContain("'{statement}'");
      expect(refusalMessage('unrecognized', { statement: '{near} $& $1' })).toContain("'{near} $& $1'");
    });

    it('is listed in the README as it is in the table', () => {
      const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
      const section = readme.slice(readme.indexOf('## Refusals'), readme.indexOf('\n## ', readme.indexOf('## Refusals') + 1));
      const rows = section.split('\n').filter((line) => /^\| `[a-z-]+` \|/.test(line));
      const listed = rows.map((line) => {
        const cells = line.split(/(?<!\\)\|/).map((cell) => cell.trim().replace(/\\\|/g, '|'));
        return { id: cells[1].replace(/`/g, ''), statements: cells[2], errno: Number(cells[3]), sqlState: cells[4], message: cells[5] };
      });
      expect(listed).toEqual(REFUSALS.map(({ id, statements, errno, sqlState, message }) => ({ id, statements, errno, sqlState, message })));
    });
  });
});
