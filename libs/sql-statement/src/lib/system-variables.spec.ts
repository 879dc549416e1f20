import { systemVariableRefs } from './system-variables';

const refs = (sql: string) => systemVariableRefs(sql).map((ref) => [ref.name, sql.slice(ref.start, ref.end), ref.item]);

describe('sql-statement > system variable references', () => {
  it.each([
    ['SELECT @@server_id', [['server_id', '@@server_id', true]]],
    ['select @@GLOBAL.server_uuid, @@session.read_only FROM dual', [['server_uuid', '@@GLOBAL.server_uuid', true], ['read_only', '@@session.read_only', true]]],
    ['SELECT @@local.log_bin;', [['log_bin', '@@local.log_bin', true]]],
    ['SELECT @@server_id AS id', [['server_id', '@@server_id', false]]],
    ['SELECT @@server_id id', [['server_id', '@@server_id', false]]],
    ['SELECT @@server_id + 1, CONCAT(@@server_uuid, ":")', [['server_id', '@@server_id', false], ['server_uuid', '@@server_uuid', false]]],
    ['SELECT * FROM t WHERE id = @@server_id', [['server_id', '@@server_id', false]]],
    ['SELECT x FROM (SELECT @@gtid_executed) AS g', [['gtid_executed', '@@gtid_executed', true]]],
    ['SELECT CONCAT(@@server_uuid, ":", @@server_id), IF(1, @@log_bin, 0)', [['server_uuid', '@@server_uuid', false], ['server_id', '@@server_id', false], ['log_bin', '@@log_bin', false]]],
    ['SELECT (@@server_id), @@read_only', [['server_id', '@@server_id', false], ['read_only', '@@read_only', true]]],
    ['SELECT a FROM t WHERE b IN (1, @@server_id)', [['server_id', '@@server_id', false]]],
  ])('%s', (sql, expected) => {
    expect(refs(sql)).toEqual(expected);
  });

  it.each([
    "SELECT '@@server_id'",
    'SELECT `@@server_id` FROM t',
    'SELECT 1 /* @@server_id */',
    'SELECT 1 -- @@server_id',
    'SELECT @server_id',
  ])('finds none in strings, names, comments and user variables: %s', (sql) => {
    expect(refs(sql)).toEqual([]);
  });

  it.each(['SELECT @@', 'SELECT @@global.', 'SELECT @@.x', "SELECT '@@server_id", 'SELECT @@global', '@@@@@@', ''])('survives malformed and truncated text: %s', (sql) => {
    expect(() => systemVariableRefs(sql)).not.toThrow();
    expect(systemVariableRefs(sql).every((ref) => ref.end <= sql.length && ref.start < ref.end)).toBe(true);
  });

  it('reads a megabyte of references in linear time', () => {
    const sql = `SELECT ${Array.from({ length: 50_000 }, () => '@@server_id').join(', ')}`;
    const started = process.hrtime.bigint();
    expect(systemVariableRefs(sql)).toHaveLength(50_000);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(2_000);
  });
});
