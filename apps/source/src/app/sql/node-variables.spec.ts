import { withNodeVariables } from './node-variables';

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
    expect(withNodeVariables(sql, VARIABLES, {})).toBe(expected);
  });
});
