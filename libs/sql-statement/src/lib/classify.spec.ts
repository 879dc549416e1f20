import { classifyStatement } from './classify';
import type { SqlTextOptions } from './lexer';
import type { Classified, TableRef } from './types';

const SERVER: SqlTextOptions = { serverVersion: 110402 };
const classify = (sql: string, options: SqlTextOptions = SERVER): Classified => classifyStatement(sql, options);

/** The refusal rule of a statement, or its kind when it is not refused. */
function ruleOf(sql: string, options: SqlTextOptions = SERVER): string {
  const result = classify(sql, options);
  return result.kind === 'refused' ? result.rule : result.kind;
}

const t = (table: string, schema?: string): TableRef => (schema === undefined ? { table } : { schema, table });

describe('sql-statement', () => {
  describe('classifyStatement: reads', () => {
    it.each([
      ['SELECT 1', 'select'],
      ['select * from t where a = 1', 'select'],
      ['SELECT a INTO @x FROM t LIMIT 1', 'select'],
      ['SELECT * FROM t1 UNION SELECT * FROM t2', 'select'],
      ['(SELECT 1)', 'select'],
      ['((SELECT 1) UNION (SELECT 2)) ORDER BY 1', 'select'],
      ['WITH c AS (SELECT 1) SELECT * FROM c', 'select'],
      ['WITH RECURSIVE c (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 5) SELECT * FROM c', 'select'],
      ['WITH a AS (SELECT 1), b AS (SELECT 2) (SELECT * FROM a) UNION (SELECT * FROM b)', 'select'],
      ['TABLE t', 'table'],
      ['VALUES (1, 2), (3, 4)', 'values'],
      ['(VALUES (1))', 'values'],
      ['SHOW TABLES', 'show'],
      ['show create table t', 'show'],
      ['SHOW MASTER STATUS NONBLOCKING', 'show'],
      ['SHOW SLAVE STATUS NOLOCK', 'show'],
      ['SHOW BINARY LOGS IN x', 'show'],
      ['DESCRIBE t', 'describe'],
      ['DESC t', 'describe'],
      ['EXPLAIN SELECT * FROM t', 'explain'],
      ['EXPLAIN FORMAT=JSON DELETE FROM t', 'explain'],
      ["HELP 'contents'", 'help'],
      ['DO SLEEP(0)', 'do'],
      ['CHECK TABLE t', 'check'],
      ['CHECKSUM TABLE t', 'checksum'],
      ['SELECT 1;', 'select'],
      ['SELECT 1; -- trailing comment', 'select'],
      ['/* hint */ SELECT 1', 'select'],
      ['  \n\t SELECT 1', 'select'],
      ["SELECT 'INTO OUTFILE', `INTO DUMPFILE`, 'FOR UPDATE'", 'select'],
      ['SELECT `into` outfile FROM t', 'select'],
    ])('%s → read %s', (sql, verb) => {
      expect(classify(sql)).toEqual({ kind: 'read', verb, locking: false });
    });

    it.each([
      ["SELECT SOURCE_POS_WAIT('kbinlog.c.binlog-0', 42)", 'kbinlog.c.binlog-0', '42', undefined, "SOURCE_POS_WAIT('kbinlog.c.binlog-0', 42)"],
      ["select master_pos_wait('f', 7, 1.5, '') AS w;", 'f', '7', 1.5, 'w'],
      ["SELECT SOURCE_POS_WAIT(\"f\", 7, 10) `done`", 'f', '7', 10, 'done'],
    ])('%s → kbinlog waits on its applier', (sql, file, position, timeoutS, column) => {
      expect(classify(sql)).toEqual({ kind: 'replication', verb: 'source-pos-wait', file, position, timeoutS, column });
    });

    it.each(["SELECT SOURCE_POS_WAIT('f', 7) + 1", "SELECT SOURCE_POS_WAIT('f', 7) FROM dual", "SELECT SOURCE_POS_WAIT('f', 'x')", "SELECT SOURCE_POS_WAIT('f', 7.5)", "SELECT SOURCE_POS_WAIT('f'", 'SELECT SOURCE_POS_WAIT', "SELECT 1, SOURCE_POS_WAIT('f', 7)"])(
      '%s is a read the database answers',
      (sql) => {
        expect(classify(sql)).toMatchObject({ kind: 'read', verb: 'select' });
      },
    );

    it.each([
      ['SHOW MASTER STATUS', 'show-binlog-status', 'master-slave'],
      ['show binary log status', 'show-binlog-status', 'source-replica'],
      ['SHOW SLAVE STATUS', 'show-replica-status', 'master-slave'],
      ['SHOW REPLICA STATUS;', 'show-replica-status', 'source-replica'],
      ['/* tool */ SHOW ALL SLAVES STATUS', 'show-replica-status', 'all-slaves'],
      ['SHOW ALL REPLICAS STATUS', 'show-replica-status', 'all-slaves'],
      ['SHOW BINARY LOGS', 'show-binary-logs', 'source-replica'],
      ['show master logs', 'show-binary-logs', 'master-slave'],
      ['SHOW REPLICAS', 'show-replicas', 'source-replica'],
      ['SHOW SLAVE HOSTS', 'show-replicas', 'master-slave'],
    ])('%s → kbinlog answers %s (%s names)', (sql, verb, names) => {
      expect(classify(sql)).toEqual({ kind: 'replication', verb, names });
    });

    it.each([
      'SELECT * FROM t WHERE id = 1 FOR UPDATE',
      'SELECT * FROM t FOR UPDATE SKIP LOCKED',
      'SELECT * FROM t FOR SHARE',
      'SELECT * FROM t LOCK IN SHARE MODE',
      'select * from t lock in share mode',
      '(SELECT * FROM t FOR UPDATE)',
      'WITH c AS (SELECT 1) SELECT * FROM t, c FOR UPDATE',
    ])('%s is a locking read', (sql) => {
      expect(classify(sql)).toEqual({ kind: 'read', verb: 'select', locking: true });
    });

    it('reads a query of comments only as MariaDB does: OK, not an error', () => {
      expect(classify('/* nothing */')).toEqual({ kind: 'read', verb: 'comment', locking: false });
      expect(classify('-- nothing')).toEqual({ kind: 'read', verb: 'comment', locking: false });
      expect(classify('# nothing\n')).toEqual({ kind: 'read', verb: 'comment', locking: false });
      expect(classify('/*!999999 SET sql_log_bin=0 */')).toEqual({ kind: 'read', verb: 'comment', locking: false });
    });
  });

  describe('classifyStatement: DML', () => {
    it.each([
      ['INSERT INTO t VALUES (1)', 'insert', [t('t')]],
      ['INSERT t VALUES (1)', 'insert', [t('t')]],
      ['insert into db.t (a, b) values (1, 2)', 'insert', [t('t', 'db')]],
      ['INSERT INTO `my db`.`my``t` SET a = 1', 'insert', [t('my`t', 'my db')]],
      ['INSERT INTO "t" VALUES (1)', 'insert', [t('t')]],
      ['INSERT LOW_PRIORITY IGNORE INTO t VALUES (1)', 'insert', [t('t')]],
      ['INSERT DELAYED t VALUES (1)', 'insert', [t('t')]],
      ['INSERT HIGH_PRIORITY INTO t VALUES (1)', 'insert', [t('t')]],
      ['INSERT IGNORE INTO t VALUES (1)', 'insert', [t('t')]],
      ['INSERT INTO t (a) SELECT a FROM u', 'insert', [t('t')]],
      ['INSERT INTO t (a) VALUES (1) ON DUPLICATE KEY UPDATE a = a + 1', 'insert', [t('t')]],
      ['INSERT INTO t PARTITION (p0) VALUES (1)', 'insert', [t('t')]],
      ['INSERT INTO t VALUES (1) RETURNING id', 'insert', [t('t')]],
      ['INSERT INTO outfile VALUES (1)', 'insert', [t('outfile')]],
      ['INSERT INTO café VALUES (1)', 'insert', [t('café')]],
      ['REPLACE INTO t VALUES (1)', 'replace', [t('t')]],
      ['REPLACE LOW_PRIORITY t SELECT * FROM u', 'replace', [t('t')]],
      ['REPLACE DELAYED INTO db.t VALUES (1)', 'replace', [t('t', 'db')]],
      ['UPDATE t SET a = 1', 'update', [t('t')]],
      ['UPDATE LOW_PRIORITY IGNORE t SET a = 1 WHERE b = 2 ORDER BY c LIMIT 1', 'update', [t('t')]],
      ['UPDATE db.t AS x SET x.a = 1', 'update', [t('t', 'db')]],
      ['UPDATE t PARTITION (p0) SET a = 1', 'update', [t('t')]],
      ['DELETE FROM t', 'delete', [t('t')]],
      ['DELETE QUICK FROM t WHERE a = 1', 'delete', [t('t')]],
      ['DELETE LOW_PRIORITY QUICK IGNORE FROM db.t WHERE a = 1 ORDER BY b LIMIT 10', 'delete', [t('t', 'db')]],
      ['DELETE FROM t AS x WHERE x.a = 1', 'delete', [t('t')]],
      ['DELETE FROM t WHERE a = 1 RETURNING *', 'delete', [t('t')]],
      ['DELETE HISTORY FROM t BEFORE SYSTEM_TIME NOW()', 'delete', [t('t')]],
    ])('%s → %s %j', (sql, verb, tables) => {
      expect(classify(sql)).toEqual({ kind: 'dml', verb, tables });
    });

    it.each([
      ['UPDATE t1, t2 SET t1.a = t2.a WHERE t1.id = t2.id', [t('t1')]],
      ['UPDATE t1, t2 SET t1.a = 1, t2.b = 2 WHERE t1.id = t2.id', [t('t1'), t('t2')]],
      ['UPDATE t1 a JOIN t2 b ON a.id = b.id SET b.x = a.x', [t('t2')]],
      ['UPDATE t1 AS a INNER JOIN db.t2 AS b USING (id) SET b.x = 1, a.y = 2', [t('t2', 'db'), t('t1')]],
      ['UPDATE t1 LEFT JOIN (t2 CROSS JOIN t3) ON t1.a = t2.a SET t3.c = 1', [t('t3')]],
      ['UPDATE (t1, t2) SET t1.a = 1', [t('t1')]],
      ['UPDATE t1 STRAIGHT_JOIN t2 ON (t1.a = f(t2.a, 1)) SET t2.b = 1', [t('t2')]],
      ['UPDATE t1 USE INDEX (i1, i2) JOIN t2 FORCE INDEX FOR JOIN (i3) ON t1.a = t2.a SET t1.b = 1', [t('t1')]],
      ['UPDATE t1, t2 SET a = 1', [t('t1'), t('t2')]],
      ['UPDATE t1, t2 SET db.t2.a = 1', [t('t2', 'db')]],
      ['UPDATE t1, (SELECT id FROM t3) AS d SET t1.a = 1 WHERE t1.id = d.id', [t('t1')]],
      ['UPDATE t1 JOIN t2 ON t1.a = (SELECT MAX(a) FROM t4 WHERE t4.b IN (1, 2)) SET t2.a = t1.a', [t('t2')]],
      ['UPDATE `t 1` x, t2 y SET `x`.a = 1', [t('t 1')]],
      ['UPDATE { OJ t1 LEFT OUTER JOIN t2 ON t1.a = t2.a } SET t2.b = 1', [t('t2')]],
    ])('multi-table %s writes %j', (sql, tables) => {
      expect(classify(sql)).toEqual({ kind: 'dml', verb: 'update', tables });
    });

    it.each([
      ['DELETE t1 FROM t1 JOIN t2 ON t1.id = t2.id', [t('t1')]],
      ['DELETE t1, t2 FROM t1 INNER JOIN t2 INNER JOIN t3 WHERE t1.id = t2.id AND t2.id = t3.id', [t('t1'), t('t2')]],
      ['DELETE t1.*, t2.* FROM t1, t2 WHERE t1.id = t2.id', [t('t1'), t('t2')]],
      ['DELETE a FROM db.t1 AS a JOIN t2 AS b ON a.id = b.id', [t('t1', 'db')]],
      ['DELETE db.t1 FROM db.t1, t2 WHERE db.t1.id = t2.id', [t('t1', 'db')]],
      ['DELETE FROM t1, t2 USING t1 INNER JOIN t2 INNER JOIN t3 WHERE t1.id = t2.id', [t('t1'), t('t2')]],
      ['DELETE FROM a.* USING db.t1 AS a LEFT JOIN t2 USING (id) WHERE t2.id IS NULL', [t('t1', 'db')]],
      ['DELETE QUICK IGNORE x FROM t1 x, t2', [t('t1')]],
      ['DELETE unknown FROM t1', [t('unknown')]],
    ])('multi-table %s deletes from %j', (sql, tables) => {
      expect(classify(sql)).toEqual({ kind: 'dml', verb: 'delete', tables });
    });

    it.each([
      ['WITH c AS (SELECT 1 AS id) UPDATE t JOIN c USING (id) SET t.a = 1', 'update', [t('t')]],
      ['WITH c AS (SELECT 1 AS id) DELETE FROM t WHERE id IN (SELECT id FROM c)', 'delete', [t('t')]],
      ['WITH c AS (SELECT 1) INSERT INTO t SELECT * FROM c', 'insert', [t('t')]],
    ])('classifies %s by its main verb', (sql, verb, tables) => {
      expect(classify(sql)).toEqual({ kind: 'dml', verb, tables });
    });

    it('keeps keywords, semicolons and quotes in strings out of the table list', () => {
      expect(classify("INSERT INTO t VALUES ('; DELETE FROM u; ', \"x\"\"y\", 'a\\'b')")).toEqual({
        kind: 'dml',
        verb: 'insert',
        tables: [t('t')],
      });
    });
  });

  describe('classifyStatement: DDL', () => {
    it.each([
      ['CREATE TABLE t (a INT)', 'CREATE TABLE', [t('t')]],
      ['CREATE TABLE IF NOT EXISTS db.t (a INT) ENGINE=InnoDB', 'CREATE TABLE', [t('t', 'db')]],
      ['CREATE OR REPLACE TABLE t (a INT)', 'CREATE TABLE', [t('t')]],
      ['CREATE TABLE t LIKE u', 'CREATE TABLE', [t('t')]],
      ["CREATE TABLE t (a INT COMMENT 'select * from u')", 'CREATE TABLE', [t('t')]],
      ['CREATE TABLE t (a INT) PARTITION BY RANGE (a) (PARTITION p0 VALUES LESS THAN (10))', 'CREATE TABLE', [t('t')]],
      ['ALTER TABLE t ADD COLUMN b INT', 'ALTER TABLE', [t('t')]],
      ['ALTER ONLINE IGNORE TABLE db.t ADD INDEX (b)', 'ALTER TABLE', [t('t', 'db')]],
      ['ALTER TABLE IF EXISTS t DROP COLUMN b', 'ALTER TABLE', [t('t')]],
      ['ALTER TABLE t RENAME TO u', 'ALTER TABLE', [t('t'), t('u')]],
      ['ALTER TABLE t ADD c INT, RENAME AS db2.u', 'ALTER TABLE', [t('t'), t('u', 'db2')]],
      ['ALTER TABLE t RENAME COLUMN a TO b', 'ALTER TABLE', [t('t')]],
      ['ALTER TABLE t RENAME INDEX i TO j', 'ALTER TABLE', [t('t')]],
      ['DROP TABLE t', 'DROP TABLE', [t('t')]],
      ['DROP TABLE IF EXISTS t1, db.t2 CASCADE', 'DROP TABLE', [t('t1'), t('t2', 'db')]],
      ['RENAME TABLE a TO b', 'RENAME TABLE', [t('a'), t('b')]],
      ['RENAME TABLE a TO tmp, b TO a, tmp TO b', 'RENAME TABLE', [t('a'), t('tmp'), t('b')]],
      ['RENAME TABLE IF EXISTS db.a NOWAIT TO db.b', 'RENAME TABLE', [t('a', 'db'), t('b', 'db')]],
      ['TRUNCATE TABLE t', 'TRUNCATE TABLE', [t('t')]],
      ['TRUNCATE db.t', 'TRUNCATE TABLE', [t('t', 'db')]],
      ['CREATE INDEX i ON t (a)', 'CREATE INDEX', [t('t')]],
      ['CREATE UNIQUE INDEX IF NOT EXISTS i USING BTREE ON db.t (a)', 'CREATE INDEX', [t('t', 'db')]],
      ['CREATE FULLTEXT INDEX i ON t (a)', 'CREATE INDEX', [t('t')]],
      ['CREATE SPATIAL INDEX i ON t (g)', 'CREATE INDEX', [t('t')]],
      ['CREATE OR REPLACE UNIQUE INDEX i ON t (a)', 'CREATE INDEX', [t('t')]],
      ['DROP INDEX i ON t', 'DROP INDEX', [t('t')]],
      ['DROP INDEX IF EXISTS `i` ON db.t', 'DROP INDEX', [t('t', 'db')]],
    ])('%s → %s %j', (sql, verb, tables) => {
      expect(classify(sql)).toEqual({ kind: 'ddl', verb, tables });
    });

    it.each([
      ['CREATE DATABASE shop', 'CREATE DATABASE', 'shop'],
      ['CREATE SCHEMA IF NOT EXISTS `my shop` CHARACTER SET utf8mb4', 'CREATE DATABASE', 'my shop'],
      ['CREATE OR REPLACE DATABASE shop', 'CREATE DATABASE', 'shop'],
      ['DROP DATABASE shop', 'DROP DATABASE', 'shop'],
      ['DROP SCHEMA IF EXISTS shop', 'DROP DATABASE', 'shop'],
      ['ALTER DATABASE shop CHARACTER SET utf8mb4', 'ALTER DATABASE', 'shop'],
    ])('%s → %s of %s', (sql, verb, schema) => {
      expect(classify(sql)).toEqual({ kind: 'ddl', verb, schema, tables: [] });
    });

    it('reads ALTER DATABASE without a name as the current database', () => {
      expect(classify('ALTER DATABASE DEFAULT CHARACTER SET utf8mb4')).toEqual({ kind: 'ddl', verb: 'ALTER DATABASE', tables: [] });
    });
  });

  describe('classifyStatement: transactions', () => {
    it.each([
      ['BEGIN', { verb: 'begin' }],
      ['begin work', { verb: 'begin' }],
      ['START TRANSACTION', { verb: 'begin' }],
      ['START TRANSACTION READ ONLY', { verb: 'begin', readOnly: true }],
      ['START TRANSACTION READ WRITE', { verb: 'begin', readOnly: false }],
      ['START TRANSACTION WITH CONSISTENT SNAPSHOT', { verb: 'begin', consistentSnapshot: true }],
      ['START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY', { verb: 'begin', readOnly: true, consistentSnapshot: true }],
      ['COMMIT', { verb: 'commit' }],
      ['COMMIT WORK', { verb: 'commit' }],
      ['COMMIT AND CHAIN', { verb: 'commit', chain: true }],
      ['COMMIT WORK AND NO CHAIN NO RELEASE', { verb: 'commit', chain: false, release: false }],
      ['COMMIT RELEASE', { verb: 'commit', release: true }],
      ['ROLLBACK', { verb: 'rollback' }],
      ['ROLLBACK WORK AND CHAIN', { verb: 'rollback', chain: true }],
      ['ROLLBACK AND NO CHAIN RELEASE', { verb: 'rollback', chain: false, release: true }],
      ['SAVEPOINT sp1', { verb: 'savepoint', name: 'sp1' }],
      ['SAVEPOINT `my sp`', { verb: 'savepoint', name: 'my sp' }],
      ['RELEASE SAVEPOINT sp1', { verb: 'release', name: 'sp1' }],
      ['ROLLBACK TO sp1', { verb: 'rollback-to', name: 'sp1' }],
      ['ROLLBACK TO SAVEPOINT sp1', { verb: 'rollback-to', name: 'sp1' }],
      ['ROLLBACK WORK TO SAVEPOINT sp1', { verb: 'rollback-to', name: 'sp1' }],
      ['/*!40101 BEGIN */', { verb: 'begin' }],
    ])('%s → %j', (sql, fields) => {
      expect(classify(sql)).toEqual({ kind: 'transaction', ...fields });
    });

    it.each(['BEGIN TRANSACTION', 'COMMIT AND', 'COMMIT NO', 'START TRANSACTION READ', 'ROLLBACK TO', 'SAVEPOINT', 'RELEASE sp1'])(
      '%s is a syntax error',
      (sql) => {
        expect(ruleOf(sql)).toBe('parse-error');
      },
    );
  });

  describe('classifyStatement: session statements', () => {
    it.each([
      ['USE shop', 'shop'],
      ['use `my shop`', 'my shop'],
      ['USE shop;', 'shop'],
    ])('%s → use %s', (sql, schema) => {
      expect(classify(sql)).toEqual({ kind: 'session', verb: 'use', schema });
    });

    it.each([
      ['SET autocommit = 0', false],
      ['SET autocommit=1', true],
      ['SET autocommit = ON', true],
      ['SET autocommit = off', false],
      ['SET autocommit = TRUE', true],
      ['SET autocommit = FALSE', false],
      ["SET autocommit = 'ON'", true],
      ['SET @@autocommit = 0', false],
      ['SET @@session.autocommit = 0', false],
      ['SET @@SESSION.AUTOCOMMIT := 1', true],
      ['SET @@local.autocommit = 1', true],
      ['SET SESSION autocommit = 0', false],
      ['SET LOCAL autocommit = 0', false],
      ['SET `autocommit` = 0', false],
      ['/*!40101 SET autocommit = 0 */', false],
      ['SET autocommit = 0, autocommit = 1', true],
    ])('%s → autocommit %s', (sql, autocommit) => {
      expect(classify(sql)).toEqual({ kind: 'session', verb: 'set', variables: ['autocommit'], autocommit });
    });

    it.each([
      ['SET @x = 1', []],
      ['SET @sql_log_bin = 0', []],
      ["SET @`a b` = 'x', @c := (SELECT 1)", []],
      ["SET sql_mode = 'STRICT_ALL_TABLES'", ['sql_mode']],
      ['SET SESSION foreign_key_checks = 0, unique_checks = 0', ['foreign_key_checks', 'unique_checks']],
      ["SET time_zone = '+00:00', @old = @@time_zone", ['time_zone']],
      ['SET @OLD_SQL_LOG_BIN = @@SQL_LOG_BIN', []],
      ['SET @@session.sql_mode = CONCAT(@@sql_mode, \',ANSI\'), max_statement_time = 10', ['sql_mode', 'max_statement_time']],
      ['SET default.key_buffer_size = 1', ['key_buffer_size']],
    ])('%s → set %j', (sql, variables) => {
      expect(classify(sql)).toEqual({ kind: 'session', verb: 'set', variables });
    });

    it.each([
      ['SET NAMES utf8mb4', 'utf8mb4'],
      ["SET NAMES 'utf8mb4' COLLATE 'utf8mb4_bin'", 'utf8mb4'],
      ['SET NAMES DEFAULT', 'default'],
      ['SET CHARACTER SET latin1', 'latin1'],
      ['SET CHARSET UTF8', 'utf8'],
      ['/*!40101 SET NAMES utf8 */', 'utf8'],
    ])('%s → set charset %s', (sql, charset) => {
      expect(classify(sql)).toEqual({
        kind: 'session',
        verb: 'set',
        variables: ['character_set_client', 'character_set_connection', 'character_set_results'],
        charset,
      });
    });

    it('reports every variable and the autocommit of a mixed SET', () => {
      expect(classify("SET NAMES utf8, @a = 1, autocommit = 0, sql_mode = ''")).toEqual({
        kind: 'session',
        verb: 'set',
        variables: ['character_set_client', 'character_set_connection', 'character_set_results', 'autocommit', 'sql_mode'],
        autocommit: false,
        charset: 'utf8',
      });
    });

    it.each([
      ['SET TRANSACTION ISOLATION LEVEL READ COMMITTED', 'set-transaction'],
      ['SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE', 'set-transaction'],
      ['SET TRANSACTION READ ONLY', 'set-transaction'],
      ['SET ROLE analyst', 'set-role'],
      ['SET ROLE NONE', 'set-role'],
      ['UNLOCK TABLES', 'unlock-tables'],
    ])('%s → %s', (sql, verb) => {
      expect(classify(sql)).toEqual({ kind: 'session', verb });
    });

    it.each([
      ['SET STATEMENT max_statement_time = 1 FOR SELECT * FROM t', { kind: 'read', verb: 'select', locking: false }],
      ['SET STATEMENT foreign_key_checks = 0 FOR DELETE FROM t', { kind: 'dml', verb: 'delete', tables: [t('t')] }],
      ["SET STATEMENT sql_mode = '' FOR CREATE TABLE t (a INT)", { kind: 'ddl', verb: 'CREATE TABLE', tables: [t('t')] }],
    ])('%s is classified by its statement', (sql, result) => {
      expect(classify(sql)).toEqual(result);
    });

    it.each([
      ['SET STATEMENT sql_log_bin = 0 FOR DELETE FROM t', 'sql-log-bin'],
      ['SET STATEMENT binlog_format = STATEMENT FOR UPDATE t SET a = 1', 'binlog-variable'],
      ["SET STATEMENT max_statement_time = 1 FOR SELECT 1 INTO OUTFILE '/tmp/x'", 'select-into-file'],
      ['SET STATEMENT a = 1 FOR SET STATEMENT b = 2 FOR SELECT 1', 'parse-error'],
      ['SET STATEMENT a = 1 SELECT 1', 'parse-error'],
    ])('%s → refused (%s)', (sql, rule) => {
      expect(ruleOf(sql)).toBe(rule);
    });
  });

  describe('classifyStatement: refusals in detail', () => {
    it.each([
      'SET sql_log_bin = 0',
      'SET SQL_LOG_BIN=1',
      'SET @@sql_log_bin = OFF',
      'SET @@session.sql_log_bin = OFF',
      'SET @@SESSION.SQL_LOG_BIN= 0',
      'SET SESSION sql_log_bin = 0',
      'SET GLOBAL sql_log_bin = 0',
      'SET @@global.sql_log_bin = 0',
      'SET `sql_log_bin` = 0',
      'SET @a = 1, sql_log_bin = 0',
      "SET NAMES utf8, time_zone = '+00:00', sql_log_bin = 0",
      '/*!40101 SET sql_log_bin=0 */',
      '/*M! SET sql_log_bin=0 */',
      '/*!32302 SET sql_log_bin = 0 */',
      'SET /* c */ sql_log_bin /* c */ = /* c */ 0',
    ])('%s → sql-log-bin', (sql) => {
      expect(classify(sql)).toEqual({
        kind: 'refused',
        rule: 'sql-log-bin',
        errno: 1227,
        sqlState: '42000',
        message: 'Access denied; kbinlog logs every write, so sql_log_bin cannot be changed',
      });
    });

    it.each([
      ['SET binlog_format = STATEMENT', 'binlog_format'],
      ['SET SESSION binlog_row_image = MINIMAL', 'binlog_row_image'],
      ['SET @@session.gtid_domain_id = 2', 'gtid_domain_id'],
      ['SET gtid_seq_no = 100', 'gtid_seq_no'],
      ['SET sql_slave_skip_counter = 1', 'sql_slave_skip_counter'],
      ['SET sql_replica_skip_counter = 1', 'sql_replica_skip_counter'],
      ['SET skip_replication = 1', 'skip_replication'],
      ['SET server_id = 7', 'server_id'],
      ['SET pseudo_slave_mode = 1', 'pseudo_slave_mode'],
    ])('%s → binlog-variable naming %s', (sql, variable) => {
      const result = classify(sql);
      expect(result).toMatchObject({ kind: 'refused', rule: 'binlog-variable', errno: 1227, sqlState: '42000' });
      expect(result.kind === 'refused' && result.message).toContain(`'${variable}'`);
    });

    it.each([
      ['SET GLOBAL max_connections = 10', 'max_connections'],
      ['SET @@global.read_only = 1', 'read_only'],
      ['SET PERSIST max_connections = 10', 'max_connections'],
      ['SET PERSIST_ONLY max_connections = 10', 'max_connections'],
      ['SET GLOBAL TRANSACTION ISOLATION LEVEL SERIALIZABLE', 'transaction'],
      // a scope keyword carries to the assignments after it
      ['SET time_zone = "+00:00", GLOBAL x = 1, y = 2', 'x'],
    ])('%s → set-global naming %s', (sql, variable) => {
      const result = classify(sql);
      expect(result).toMatchObject({ kind: 'refused', rule: 'set-global', errno: 1227 });
      expect(result.kind === 'refused' && result.message).toContain(`'${variable}'`);
    });

    it.each([
      ['SET autocommit = @x', '@x'],
      ['SET autocommit = DEFAULT', 'DEFAULT'],
      ['SET autocommit = 1 + 0', '1 + 0'],
      ['SET autocommit = 2', '2'],
      ["SET autocommit = '1'", "'1'"],
      ['SET autocommit = IF(@a, 1, 0)', 'IF(@a, 1, 0)'],
    ])('%s → autocommit-value', (sql, value) => {
      expect(classify(sql)).toEqual({
        kind: 'refused',
        rule: 'autocommit-value',
        errno: 1231,
        sqlState: '42000',
        message: `Variable 'autocommit' can't be set to the value of '${value}'; kbinlog must know the session's autocommit and accepts only 0, 1, ON, OFF, TRUE or FALSE`,
      });
    });

    it.each([
      ["SELECT * FROM t INTO OUTFILE '/tmp/t.csv'", 'select-into-file'],
      ["SELECT a INTO DUMPFILE '/tmp/a' FROM t", 'select-into-file'],
      ["select * into outfile '/tmp/x' from t", 'select-into-file'],
      ["(SELECT 1) INTO OUTFILE '/tmp/x'", 'select-into-file'],
      ["WITH c AS (SELECT 1) SELECT * FROM c INTO OUTFILE '/tmp/x'", 'select-into-file'],
      ["TABLE t INTO OUTFILE '/tmp/x'", 'select-into-file'],
      ["SELECT 1 /*!50100 INTO OUTFILE '/tmp/x' */", 'select-into-file'],
      ["LOAD DATA INFILE '/tmp/t.csv' INTO TABLE t", 'load-data'],
      ["LOAD DATA LOCAL INFILE 't.csv' REPLACE INTO TABLE t", 'load-data'],
      ["LOAD DATA LOW_PRIORITY INFILE '/tmp/t' INTO TABLE t", 'load-data'],
      ["LOAD XML LOCAL INFILE 't.xml' INTO TABLE t", 'load-data'],
      ['CREATE TEMPORARY TABLE tmp (a INT)', 'temporary-table'],
      ['CREATE OR REPLACE TEMPORARY TABLE tmp (a INT)', 'temporary-table'],
      ['CREATE TEMPORARY TABLE IF NOT EXISTS tmp SELECT * FROM t', 'temporary-table'],
      ['DROP TEMPORARY TABLE tmp', 'temporary-table'],
      ['DROP TEMPORARY TABLE IF EXISTS tmp', 'temporary-table'],
      ['CREATE TABLE t SELECT * FROM u', 'create-table-select'],
      ['CREATE TABLE t AS SELECT * FROM u', 'create-table-select'],
      ['CREATE TABLE t (a INT) IGNORE SELECT a FROM u', 'create-table-select'],
      ['CREATE TABLE t (SELECT 1)', 'create-table-select'],
      ['CREATE VIEW v AS SELECT 1', 'view'],
      ['CREATE OR REPLACE ALGORITHM=MERGE DEFINER=`root`@`localhost` SQL SECURITY INVOKER VIEW v AS SELECT 1', 'view'],
      ["CREATE DEFINER='u'@'%' VIEW v AS SELECT 1", 'view'],
      ['CREATE DEFINER=CURRENT_USER() VIEW v AS SELECT 1', 'view'],
      ['ALTER VIEW v AS SELECT 2', 'view'],
      ['DROP VIEW IF EXISTS v', 'view'],
      ['/*!50001 CREATE ALGORITHM=UNDEFINED */ /*!50013 DEFINER=`root`@`localhost` SQL SECURITY DEFINER */ /*!50001 VIEW `v` AS select 1 */', 'view'],
      ['CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1', 'stored-program'],
      ['CREATE DEFINER=u@localhost TRIGGER tr AFTER UPDATE ON t FOR EACH ROW BEGIN END', 'stored-program'],
      ['CREATE OR REPLACE PROCEDURE p() SELECT 1', 'stored-program'],
      ['CREATE FUNCTION f() RETURNS INT RETURN 1', 'stored-program'],
      ["CREATE AGGREGATE FUNCTION f RETURNS STRING SONAME 'udf.so'", 'stored-program'],
      ['CREATE EVENT e ON SCHEDULE EVERY 1 HOUR DO DELETE FROM t', 'stored-program'],
      ['CREATE PACKAGE pkg AS FUNCTION f() RETURNS INT; END', 'stored-program'],
      ['ALTER PROCEDURE p COMMENT "x"', 'stored-program'],
      ['ALTER EVENT e DISABLE', 'stored-program'],
      ['ALTER FUNCTION f COMMENT "x"', 'stored-program'],
      ['DROP TRIGGER IF EXISTS tr', 'stored-program'],
      ['DROP PROCEDURE p', 'stored-program'],
      ['DROP FUNCTION IF EXISTS f', 'stored-program'],
      ['DROP EVENT e', 'stored-program'],
      ['CALL p()', 'call'],
      ['call db.p(1, @x)', 'call'],
      ['BEGIN NOT ATOMIC SELECT 1', 'compound-statement'],
      ['IF 1 THEN SELECT 1', 'compound-statement'],
      ['WHILE 1 DO SELECT 1', 'compound-statement'],
      ['lbl: LOOP SELECT 1', 'compound-statement'],
      ["PREPARE s FROM 'DELETE FROM t'", 'sql-prepared-statement'],
      ['EXECUTE s USING @a', 'sql-prepared-statement'],
      ["EXECUTE IMMEDIATE 'DELETE FROM t'", 'sql-prepared-statement'],
      ['DEALLOCATE PREPARE s', 'sql-prepared-statement'],
      ['DROP PREPARE s', 'sql-prepared-statement'],
      ['HANDLER t OPEN', 'handler'],
      ['HANDLER t READ FIRST', 'handler'],
      ['LOCK TABLES t WRITE', 'lock-tables'],
      ['LOCK TABLE t READ, u WRITE', 'lock-tables'],
      ["GRANT SELECT ON *.* TO 'u'@'%'", 'account-management'],
      ["REVOKE ALL ON *.* FROM 'u'@'%'", 'account-management'],
      ["CREATE USER 'u'@'%' IDENTIFIED BY 'p'", 'account-management'],
      ["ALTER USER 'u'@'%' IDENTIFIED BY 'p'", 'account-management'],
      ["DROP USER 'u'@'%'", 'account-management'],
      ["RENAME USER 'u'@'%' TO 'v'@'%'", 'account-management'],
      ['CREATE ROLE r', 'account-management'],
      ['DROP ROLE r', 'account-management'],
      ["SET PASSWORD = PASSWORD('p')", 'account-management'],
      ["SET PASSWORD FOR 'u'@'%' = 'x'", 'account-management'],
      ['SET DEFAULT ROLE r FOR u', 'account-management'],
      ["XA START 'x'", 'xa'],
      ["XA COMMIT 'x'", 'xa'],
      ['XA RECOVER', 'xa'],
      ['START GROUP_REPLICATION', 'replication-control'],
      ['STOP GROUP_REPLICATION', 'replication-control'],
      ["CHANGE MASTER TO MASTER_HOST='h'", 'replication-option'],
      ['CHANGE REPLICATION SOURCE TO SOURCE_HOST="h"', 'replication-option'],
      ['RESET MASTER', 'replication-control'],
      ['RESET REPLICA ALL', 'replication-control'],
      ["PURGE BINARY LOGS TO 'mysql-bin.000010'", 'replication-control'],
      ["BINLOG 'AAAA'", 'replication-control'],
      ['FLUSH TABLES', 'server-admin'],
      ['FLUSH TABLES WITH READ LOCK', 'server-admin'],
      ['FLUSH PRIVILEGES', 'server-admin'],
      ['FLUSH LOGS', 'server-admin'],
      ['RESET QUERY CACHE', 'server-admin'],
      ['SHUTDOWN', 'server-admin'],
      ['RESTART', 'server-admin'],
      ["INSTALL PLUGIN p SONAME 'p.so'", 'server-admin'],
      ["INSTALL SONAME 'p'", 'server-admin'],
      ['UNINSTALL PLUGIN p', 'server-admin'],
      ['CACHE INDEX t IN c', 'server-admin'],
      ['LOAD INDEX INTO CACHE t', 'server-admin'],
      ['ANALYZE TABLE t', 'table-maintenance'],
      ['ANALYZE SELECT * FROM t', 'table-maintenance'],
      ['ANALYZE UPDATE t SET a = 1', 'table-maintenance'],
      ['EXPLAIN ANALYZE SELECT 1', 'table-maintenance'],
      ['OPTIMIZE TABLE t', 'table-maintenance'],
      ['REPAIR TABLE t', 'table-maintenance'],
      ['KILL 5', 'kill'],
      ['KILL QUERY 5', 'kill'],
      ['KILL CONNECTION 5', 'kill'],
      ['CREATE SEQUENCE s', 'unrecognized'],
      ['ALTER SEQUENCE s RESTART', 'unrecognized'],
      ['DROP SEQUENCE s', 'unrecognized'],
      ['CREATE SERVER s FOREIGN DATA WRAPPER mysql OPTIONS (HOST "h")', 'unrecognized'],
      ['GET DIAGNOSTICS @n = NUMBER', 'unrecognized'],
      ["SIGNAL SQLSTATE '45000'", 'unrecognized'],
      ['BACKUP STAGE START', 'unrecognized'],
      ['LOCK INSTANCE FOR BACKUP', 'unrecognized'],
      ['FROBNICATE', 'unrecognized'],
      ['CHECK something', 'unrecognized'],
      ['START SOMETHING', 'unrecognized'],
    ])('%s → %s', (sql, rule) => {
      expect(ruleOf(sql)).toBe(rule);
    });

    it('names the statement in the unrecognized message, MySQL style', () => {
      expect(classify('create sequence s')).toEqual({
        kind: 'refused',
        rule: 'unrecognized',
        errno: 1235,
        sqlState: '42000',
        message: "This version of kbinlog doesn't yet support 'CREATE SEQUENCE': kbinlog does not know whether it can replicate it",
      });
      expect(classify('GET DIAGNOSTICS @n = NUMBER')).toMatchObject({
        message: "This version of kbinlog doesn't yet support 'GET DIAGNOSTICS': kbinlog does not know whether it can replicate it",
      });
    });

    it('names the statement in server-admin and view messages', () => {
      expect(classify('FLUSH TABLES')).toMatchObject({
        message: "Access denied; 'FLUSH TABLES' administers one server, so run it on each node, not through kbinlog",
      });
      expect(classify('DROP VIEW v')).toMatchObject({
        message:
          "This version of kbinlog doesn't yet support 'DROP VIEW': a view carries a DEFINER account, and kbinlog does not replicate accounts",
      });
    });
  });

  describe('classifyStatement: comments and executable comments', () => {
    it.each([
      ['/* a */ INSERT /* b */ INTO /* c */ t /* d */ VALUES (1)', { kind: 'dml', verb: 'insert', tables: [t('t')] }],
      ['-- a\nINSERT INTO t VALUES (1)', { kind: 'dml', verb: 'insert', tables: [t('t')] }],
      ['# a\nDELETE FROM t', { kind: 'dml', verb: 'delete', tables: [t('t')] }],
      ['/*!40000 ALTER TABLE `t` DISABLE KEYS */', { kind: 'ddl', verb: 'ALTER TABLE', tables: [t('t')] }],
      ['/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE */', { kind: 'session', verb: 'set', variables: [] }],
      ['/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */', { kind: 'session', verb: 'set', variables: ['unique_checks'] }],
      ['/*M!100100 SET STATEMENT max_statement_time=1 FOR */ SELECT 1', { kind: 'read', verb: 'select', locking: false }],
      ['/*!80000 SET sql_log_bin = 0 */ SELECT 1', { kind: 'read', verb: 'select', locking: false }],
      ['/*!999999 DELETE FROM t */ SELECT 1', { kind: 'read', verb: 'select', locking: false }],
      ['/*!999999 SELECT 1, */ DELETE FROM t', { kind: 'dml', verb: 'delete', tables: [t('t')] }],
      ['SELECT 1 /*! , 2 */ FROM t', { kind: 'read', verb: 'select', locking: false }],
      ['SELECT 1 FROM t /*!50100 FOR UPDATE */', { kind: 'read', verb: 'select', locking: true }],
    ])('%s → %j', (sql, result) => {
      expect(classify(sql)).toEqual(result);
    });

    it('follows the server version it is given', () => {
      const sql = '/*!110000 DELETE FROM t */';
      expect(classifyStatement(sql, { serverVersion: 101119 })).toEqual({ kind: 'read', verb: 'comment', locking: false });
      expect(classifyStatement(sql, { serverVersion: 110402 })).toEqual({ kind: 'dml', verb: 'delete', tables: [t('t')] });
      expect(classifyStatement(sql)).toMatchObject({
        kind: 'refused',
        rule: 'versioned-comment',
        errno: 1235,
        message: "This version of kbinlog doesn't yet support '/*!110000': without the server's version it cannot tell whether the comment's text runs",
      });
    });
  });

  describe('classifyStatement: quoting', () => {
    it.each([
      ["SELECT 'a;b'", 'read'],
      ["SELECT 'it''s; DELETE FROM t'", 'read'],
      ["SELECT 'it\\'s; DELETE FROM t'", 'read'],
      ['SELECT "x"";DELETE FROM t"', 'read'],
      ['SELECT `a;b` FROM `c``;d`', 'read'],
      ["SELECT '-- ', '/*', '#'", 'read'],
      ["SELECT 1 /* ' */", 'read'],
      ["SELECT 1 -- '\n", 'read'],
      ["SELECT _utf8mb4'x' COLLATE utf8mb4_bin, X'00', N'n', B'1'", 'read'],
    ])('%s → %s', (sql, kind) => {
      expect(ruleOf(sql)).toBe(kind);
    });

    it('follows NO_BACKSLASH_ESCAPES when told', () => {
      const sql = "SELECT 'a\\'; DELETE FROM t; SELECT '";
      // With backslash escapes (the default) the whole tail is one string: one read.
      expect(ruleOf(sql)).toBe('read');
      // Under NO_BACKSLASH_ESCAPES the string ends early and a second statement follows.
      expect(ruleOf(sql, { ...SERVER, noBackslashEscapes: true })).toBe('parse-error');
    });

    it('follows ANSI_QUOTES when told', () => {
      expect(classify('INSERT INTO "my t" VALUES (1)', { ...SERVER, ansiQuotes: true })).toEqual({
        kind: 'dml',
        verb: 'insert',
        tables: [t('my t')],
      });
    });
  });
});
