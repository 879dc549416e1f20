import { classifyStatement } from './classify';

const U = '3e11fa47-71ca-11e1-9e33-c80aa9429562';

describe('sql-statement > replication statements', () => {
  describe('START / STOP REPLICA', () => {
    it.each([
      ['START REPLICA', { verb: 'start-replica', thread: undefined, until: undefined }],
      ['start slave', { verb: 'start-replica', thread: undefined, until: undefined }],
      ['START ALL SLAVES', { verb: 'start-replica', thread: undefined, until: undefined }],
      ["START SLAVE ''", { verb: 'start-replica', thread: undefined, until: undefined }],
      ['START REPLICA IO_THREAD', { verb: 'start-replica', thread: 'io', until: undefined }],
      ['START REPLICA SQL_THREAD;', { verb: 'start-replica', thread: 'sql', until: undefined }],
      ['START REPLICA IO_THREAD, SQL_THREAD', { verb: 'start-replica', thread: undefined, until: undefined }],
      ["START REPLICA FOR CHANNEL ''", { verb: 'start-replica', thread: undefined, until: undefined }],
      [
        "START REPLICA SQL_THREAD UNTIL SOURCE_LOG_FILE = 'kbinlog.c.binlog-0', SOURCE_LOG_POS = 18446744073709551615",
        { verb: 'start-replica', thread: 'sql', until: { kind: 'source-pos', logFile: 'kbinlog.c.binlog-0', logPos: '18446744073709551615' } },
      ],
      ["START SLAVE UNTIL MASTER_LOG_POS = 12, MASTER_LOG_FILE = 'f'", { verb: 'start-replica', thread: undefined, until: { kind: 'source-pos', logFile: 'f', logPos: '12' } }],
      [`START REPLICA UNTIL SQL_AFTER_GTIDS = '${U}:1-5'`, { verb: 'start-replica', thread: undefined, until: { kind: 'sql-after-gtids', gtidSet: `${U}:1-5` } }],
      [`START REPLICA UNTIL SQL_BEFORE_GTIDS = '${U}:9'`, { verb: 'start-replica', thread: undefined, until: { kind: 'sql-before-gtids', gtidSet: `${U}:9` } }],
      ['STOP REPLICA', { verb: 'stop-replica', thread: undefined }],
      ['STOP SLAVE IO_THREAD', { verb: 'stop-replica', thread: 'io' }],
      ['STOP ALL REPLICAS SQL_THREAD', { verb: 'stop-replica', thread: 'sql' }],
      ["STOP REPLICA SQL_THREAD FOR CHANNEL ''", { verb: 'stop-replica', thread: 'sql' }],
    ])('reads %j', (sql, statement) => {
      expect(classifyStatement(sql)).toEqual({ kind: 'replication', ...statement });
    });

    it.each([
      'START REPLICA IO_THREAD,',
      'START REPLICA UNTIL',
      "START REPLICA UNTIL SOURCE_LOG_FILE = 'f'",
      'START REPLICA UNTIL SOURCE_LOG_POS = -1',
      "START REPLICA UNTIL SOURCE_LOG_POS = 'x', SOURCE_LOG_FILE = 'f'",
      'START REPLICA UNTIL SOURCE_LOG_POS = 1.5',
      'START REPLICA UNTIL SQL_AFTER_GTIDS = 5',
      'START REPLICA UNTIL SQL_AFTER_GTIDS',
      'START REPLICA NOW',
      'START ALL',
      'STOP REPLICA IO_THREAD SQL_THREAD',
      'STOP REPLICA FOR CHANNEL',
      'STOP REPLICA; STOP REPLICA',
    ])('answers a syntax error to %j', (sql) => {
      expect(classifyStatement(sql)).toMatchObject({ kind: 'refused', rule: 'parse-error', errno: 1064 });
    });
  });

  describe('CHANGE REPLICATION SOURCE TO', () => {
    it.each([
      ["CHANGE REPLICATION SOURCE TO SOURCE_LOG_FILE = 'kbinlog.c.binlog-0', SOURCE_LOG_POS = 42", { logFile: 'kbinlog.c.binlog-0', logPos: '42', delayS: undefined }],
      ['change master to master_log_pos=7', { logFile: undefined, logPos: '7', delayS: undefined }],
      ['CHANGE REPLICATION SOURCE TO SOURCE_DELAY = 3600', { logFile: undefined, logPos: undefined, delayS: 3600 }],
      ["CHANGE MASTER TO MASTER_DELAY = 0, MASTER_LOG_FILE = 'f' FOR CHANNEL ''", { logFile: 'f', logPos: undefined, delayS: 0 }],
      ['CHANGE REPLICATION SOURCE TO SOURCE_DELAY = 99999999999999999999', { logFile: undefined, logPos: undefined, delayS: Number.MAX_SAFE_INTEGER }],
    ])('reads %j', (sql, options) => {
      expect(classifyStatement(sql)).toEqual({ kind: 'replication', verb: 'change-source', ...options });
    });

    it.each([
      ['CHANGE MASTER TO MASTER_HOST = "db2", MASTER_PORT = 3306', 'MASTER_HOST', "reads its cluster's binlog topic from Kafka"],
      ["CHANGE REPLICATION SOURCE TO SOURCE_LOG_POS = 4, SOURCE_USER = 'repl'", 'SOURCE_USER', 'not from another server'],
      ['CHANGE REPLICATION SOURCE TO SOURCE_AUTO_POSITION = 1', 'SOURCE_AUTO_POSITION', 'binlog topic offset'],
      ['CHANGE MASTER TO MASTER_USE_GTID = slave_pos', 'MASTER_USE_GTID', 'binlog topic offset'],
      ['CHANGE REPLICATION SOURCE TO IGNORE_SERVER_IDS = (2, 3)', 'IGNORE_SERVER_IDS', 'no such setting'],
      ["CHANGE REPLICATION SOURCE TO RELAY_LOG_FILE = 'relay.000002'", 'RELAY_LOG_FILE', 'in-memory buffer'],
      ["CHANGE REPLICATION SOURCE TO SOURCE_LOG_POS = 4 FOR CHANNEL 'analytics'", "FOR CHANNEL 'analytics'", 'one replication channel'],
      ["CHANGE MASTER 'analytics' TO MASTER_LOG_POS = 4", "'analytics'", 'one replication channel'],
    ])('refuses %j with why, naming %s', (sql, option, why) => {
      const result = classifyStatement(sql);
      expect(result).toMatchObject({ kind: 'refused', rule: 'replication-option', errno: 1235, sqlState: '42000' });
      expect(result.kind === 'refused' && result.message).toContain(`'${option}'`);
      expect(result.kind === 'refused' && result.message).toContain(why);
    });

    it.each([
      'CHANGE REPLICATION SOURCE TO',
      'CHANGE REPLICATION SOURCE TO SOURCE_LOG_POS',
      'CHANGE REPLICATION SOURCE TO SOURCE_LOG_POS = ',
      'CHANGE REPLICATION SOURCE TO SOURCE_LOG_POS = -4',
      "CHANGE REPLICATION SOURCE TO SOURCE_LOG_POS = '4'",
      'CHANGE REPLICATION SOURCE TO SOURCE_LOG_FILE = 4',
      'CHANGE REPLICATION SOURCE TO SOURCE_DELAY = 1.5',
      'CHANGE REPLICATION SOURCE TO SOURCE_FROBNICATE = 1',
      'CHANGE REPLICATION SOURCE TO SOURCE_LOG_POS = 4,',
      'CHANGE REPLICATION SOURCE SOURCE_LOG_POS = 4',
      'CHANGE REPLICATION TO SOURCE_LOG_POS = 4',
      'CHANGE MASTER TO MASTER_HOST =',
      'CHANGE MASTER TO IGNORE_SERVER_IDS = (1, 2',
    ])('answers a syntax error to %j', (sql) => {
      expect(classifyStatement(sql)).toMatchObject({ kind: 'refused', rule: 'parse-error', errno: 1064 });
    });
  });

  describe('SELECT SOURCE_POS_WAIT / WAIT_FOR_EXECUTED_GTID_SET', () => {
    it.each([
      [`SELECT WAIT_FOR_EXECUTED_GTID_SET('${U}:1-3')`, `${U}:1-3`, undefined, `WAIT_FOR_EXECUTED_GTID_SET('${U}:1-3')`],
      [`select wait_for_executed_gtid_set('${U}:1', 2.5) AS done`, `${U}:1`, 2.5, 'done'],
      ["SELECT WAIT_FOR_EXECUTED_GTID_SET('') `w`", '', undefined, 'w'],
    ])('reads %j as the whole statement', (sql, gtidSet, timeoutS, column) => {
      expect(classifyStatement(sql)).toEqual({ kind: 'replication', verb: 'wait-for-executed-gtid-set', gtidSet, timeoutS, column });
    });

    it.each([
      "SELECT WAIT_FOR_EXECUTED_GTID_SET('x', 1, 2)",
      'SELECT WAIT_FOR_EXECUTED_GTID_SET(@set)',
      "SELECT WAIT_FOR_EXECUTED_GTID_SET('x') + 1",
      "SELECT WAIT_FOR_EXECUTED_GTID_SET('x') FROM dual",
      "SELECT WAIT_FOR_EXECUTED_GTID_SET('x', 'y')",
      'SELECT WAIT_FOR_EXECUTED_GTID_SET()',
    ])('leaves %j to the database', (sql) => {
      expect(classifyStatement(sql)).toMatchObject({ kind: 'read', verb: 'select' });
    });

    it('reads a SOURCE_POS_WAIT with every argument, and leaves one with too many to the database', () => {
      expect(classifyStatement("SELECT MASTER_POS_WAIT('f', 9, 0.5, '')")).toEqual({ kind: 'replication', verb: 'source-pos-wait', file: 'f', position: '9', timeoutS: 0.5, column: "MASTER_POS_WAIT('f', 9, 0.5, '')" });
      expect(classifyStatement("SELECT SOURCE_POS_WAIT('f', 9, 1, '', 2)")).toMatchObject({ kind: 'read' });
      expect(classifyStatement("SELECT SOURCE_POS_WAIT('f', 9, 'x')")).toMatchObject({ kind: 'read' });
    });
  });

  describe('SHOW BINLOG EVENTS', () => {
    it.each([
      ['SHOW BINLOG EVENTS', { logName: undefined, from: undefined, limit: undefined }],
      ["show binlog events in 'kbinlog.c.binlog-0'", { logName: 'kbinlog.c.binlog-0', from: undefined, limit: undefined }],
      ['SHOW BINLOG EVENTS FROM 18446744073709551616', { logName: undefined, from: '18446744073709551616', limit: undefined }],
      ["SHOW BINLOG EVENTS IN 'f' FROM 4 LIMIT 10", { logName: 'f', from: '4', limit: { offset: '0', count: '10' } }],
      ['SHOW BINLOG EVENTS LIMIT 5, 99999999999999999999;', { logName: undefined, from: undefined, limit: { offset: '5', count: '99999999999999999999' } }],
    ])('reads %j', (sql, fields) => {
      expect(classifyStatement(sql)).toEqual({ kind: 'replication', verb: 'show-binlog-events', ...fields });
    });

    it.each([
      'SHOW BINLOG EVENTS IN',
      'SHOW BINLOG EVENTS IN f',
      'SHOW BINLOG EVENTS FROM',
      'SHOW BINLOG EVENTS FROM -1',
      "SHOW BINLOG EVENTS FROM '4'",
      'SHOW BINLOG EVENTS FROM 1.5',
      'SHOW BINLOG EVENTS LIMIT',
      'SHOW BINLOG EVENTS LIMIT 1,',
      'SHOW BINLOG EVENTS LIMIT 1 OFFSET 2',
      "SHOW BINLOG EVENTS FROM 4 IN 'f'",
      'SHOW BINLOG EVENTS WHERE 1',
    ])('answers a syntax error to %j', (sql) => {
      expect(classifyStatement(sql)).toMatchObject({ kind: 'refused', rule: 'parse-error', errno: 1064 });
    });

    it('refuses SHOW RELAYLOG EVENTS with why, and leaves other SHOWs to the database', () => {
      const relay = classifyStatement("SHOW RELAYLOG EVENTS FOR CHANNEL ''");
      expect(relay).toMatchObject({ kind: 'refused', rule: 'replication-option', errno: 1235 });
      expect(relay.kind === 'refused' && relay.message).toContain('SHOW BINLOG EVENTS lists the same groups');
      expect(classifyStatement('SHOW BINLOG')).toMatchObject({ kind: 'read', verb: 'show' });
    });
  });
});
