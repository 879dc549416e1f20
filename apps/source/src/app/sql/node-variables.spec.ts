import type { StatementResult } from './backend-connection';
import { showVariablesOf, withNodeVariableRows, withNodeVariables } from './node-variables';

const VARIABLES = new Map<string, string | number>([
  ['server_id', 2],
  ['server_uuid', 'c2a0c1f2-0000-4000-8000-000000000001'],
  ['binlog_format', "RO'W"],
]);

describe('source > sql > node variables', () => {
  it.each([
    ['SELECT @@server_id', 'SELECT 2 AS `@@server_id`'],
    ['SELECT @@GLOBAL.server_uuid, @@version', "SELECT 'c2a0c1f2-0000-4000-8000-000000000001' AS `@@GLOBAL.server_uuid`, @@version"],
    ['SELECT @@server_id AS id, @@server_id + 1', 'SELECT 2 AS id, 2 + 1'],
    ['SELECT @@binlog_format', "SELECT 'RO''W' AS `@@binlog_format`"],
    ["SELECT '@@server_id', @@hostname", "SELECT '@@server_id', @@hostname"],
  ])('%s → %s', (sql, expected) => {
    expect(withNodeVariables(sql, () => VARIABLES, {})).toBe(expected);
  });

  it('reads no variables for a SELECT that names none', () => {
    const variables = jest.fn(() => VARIABLES);
    expect(withNodeVariables('SELECT 1', variables, {})).toBe('SELECT 1');
    expect(withNodeVariables("SELECT '@@x'", variables, {})).toBe("SELECT '@@x'");
    expect(variables).not.toHaveBeenCalled();
  });

  describe('SHOW VARIABLES / STATUS', () => {
    const rows = (...names: string[]): StatementResult => ({
      kind: 'rows',
      columns: [{ name: 'Variable_name', type: 253, length: 64 }, { name: 'Value', type: 253, length: 64 }],
      rows: names.map((name) => [name, 'db']),
    });
    const OWN = new Map<string, string | number>([['server_id', 2], ['gtid_executed', 'u:1-3'], ['read_only', 'ON'], ['Slave_running', 'OFF']]);
    const answer = (sql: string, result: StatementResult) => {
      const show = showVariablesOf(sql);
      if (!show) throw new Error(`not a SHOW VARIABLES: ${sql}`);
      const patched = withNodeVariableRows(result, show, OWN);
      return patched.kind === 'rows' ? patched.rows : patched;
    };

    it.each([
      ['SHOW VARIABLES', { kind: 'variables', filter: 'all' }],
      ['  show global status', { kind: 'status', filter: 'all' }],
      ["SHOW SESSION VARIABLES LIKE 'gtid%'", { kind: 'variables', filter: { like: /^gtid.*$/is } }],
      ["SHOW STATUS WHERE Variable_name = 'Slave_running'", { kind: 'status', filter: 'where' }],
    ])('reads %j', (sql, expected) => {
      expect(showVariablesOf(sql)).toEqual(expected);
    });

    it.each(['SHOW TABLES', 'SHOW VARIABLESX', 'SELECT 1', 'SHOW GLOBAL'])('leaves %j alone', (sql) => {
      expect(showVariablesOf(sql)).toBeUndefined();
    });

    it("gives the database's rows kbinlog's values and adds the ones it lacks in name order", () => {
      expect(answer('SHOW GLOBAL VARIABLES', rows('autocommit', 'read_only', 'server_id', 'version'))).toEqual([
        ['autocommit', 'db'],
        ['gtid_executed', 'u:1-3'],
        ['read_only', 'ON'],
        ['server_id', '2'],
        ['Slave_running', 'OFF'],
        ['version', 'db'],
      ]);
    });

    it('adds only what a LIKE pattern matches, with LIKE escapes, case-insensitively', () => {
      expect(answer("SHOW VARIABLES LIKE 'GTID\\_%'", rows())).toEqual([['gtid_executed', 'u:1-3']]);
      expect(answer("SHOW VARIABLES LIKE 'server_i_'", rows('server_id'))).toEqual([['server_id', '2']]);
      expect(answer("SHOW VARIABLES LIKE 'gtid.executed'", rows())).toEqual([]);
      expect(answer("SHOW STATUS LIKE 'slave%'", rows('Slave_heartbeat_period'))).toEqual([['Slave_heartbeat_period', 'db'], ['Slave_running', 'OFF']]);
    });

    it('under a WHERE, patches what the database returned and adds nothing', () => {
      expect(answer("SHOW VARIABLES WHERE Value = 'x'", rows('read_only', 'version'))).toEqual([['read_only', 'ON'], ['version', 'db']]);
    });

    it('leaves a result that is not name and value alone', () => {
      const other: StatementResult = { kind: 'rows', columns: [{ name: 'Tables_in_test', type: 253, length: 64 }], rows: [['server_id']] };
      expect(answer('SHOW VARIABLES', other)).toEqual([['server_id']]);
    });
  });
});
