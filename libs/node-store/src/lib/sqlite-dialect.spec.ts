import { columnMetadataOf, SQLITE_DIALECT, UnsupportedStatementError } from './sqlite-dialect';

describe('the sqlite dialect', () => {
  it('describes declared columns as information_schema would', () => {
    const column = (type: string, extra: Partial<{ notnull: string; pk: string; hidden: string }> = {}) =>
      columnMetadataOf({ name: 'c', type, notnull: '0', pk: '0', hidden: '0', ...extra });
    expect(column('VARCHAR(32)', { notnull: '1' })).toEqual({ COLUMN_NAME: 'c', DATA_TYPE: 'varchar', COLUMN_TYPE: 'varchar(32)', IS_NULLABLE: 'NO', CHARACTER_MAXIMUM_LENGTH: 32, EXTRA: '' });
    expect(column('BIGINT  UNSIGNED')).toMatchObject({ DATA_TYPE: 'bigint', COLUMN_TYPE: 'bigint unsigned', CHARACTER_MAXIMUM_LENGTH: null });
    expect(column('char (4)')).toMatchObject({ DATA_TYPE: 'char', CHARACTER_MAXIMUM_LENGTH: 4 });
    expect(column('TEXT')).toMatchObject({ DATA_TYPE: 'text', CHARACTER_MAXIMUM_LENGTH: 65_535 });
    expect(column('')).toMatchObject({ DATA_TYPE: '', CHARACTER_MAXIMUM_LENGTH: null });
    // MySQL's primary key columns are NOT NULL whatever SQLite was told.
    expect(column('TEXT', { pk: '1' }).IS_NULLABLE).toBe('NO');
    expect(column('INT', { hidden: '3' }).EXTRA).toBe('STORED GENERATED');
  });

  it('runs the TRUNCATE a flush_all logs, and nothing else', () => {
    expect(SQLITE_DIALECT.statementEvent('test', 'TRUNCATE TABLE `test`.`demo_test`')).toEqual(['DELETE FROM "test.demo_test"']);
    expect(SQLITE_DIALECT.statementEvent('test', 'truncate test.t1;')).toEqual(['DELETE FROM "test.t1"']);
    expect(SQLITE_DIALECT.statementEvent('test', 'TRUNCATE `we``ird`.`t"x`')).toEqual(['DELETE FROM "we`ird.t""x"']);
    for (const sql of ['TRUNCATE TABLE demo_test', 'CREATE TABLE t (a INT)', 'TRUNCATE TABLE `a`.`b`; DROP TABLE x', '']) {
      expect(() => SQLITE_DIALECT.statementEvent('test', sql)).toThrow(UnsupportedStatementError);
    }
  });

  it("speaks MySQL's errors for SQLite's", () => {
    const failure = (code: string, message: string) => ({ driverError: { code, message } });
    const image = { c1: 'AA', c2: 'x' };
    expect(SQLITE_DIALECT.mysqlError(failure('SQLITE_CONSTRAINT_PRIMARYKEY', 'UNIQUE constraint failed: test.demo_test.c1'), { image })).toEqual({
      errno: 1062,
      message: "Duplicate entry 'AA' for key 'PRIMARY'",
    });
    expect(SQLITE_DIALECT.mysqlError(failure('SQLITE_CONSTRAINT_UNIQUE', 'UNIQUE constraint failed: test.t.c1, test.t.c2'), { image })).toEqual({
      errno: 1062,
      message: "Duplicate entry 'AA-x' for key 'c1_c2'",
    });
    expect(SQLITE_DIALECT.mysqlError(failure('SQLITE_CONSTRAINT_NOTNULL', 'NOT NULL constraint failed: test.t.c1'), {})).toEqual({ errno: 1048, message: "Column 'c1' cannot be null" });
    expect(SQLITE_DIALECT.mysqlError(failure('SQLITE_IOERR', 'disk I/O error'), {})).toEqual({ errno: 1105, message: 'SQLITE_IOERR: disk I/O error' });
    expect(SQLITE_DIALECT.mysqlError(new Error('not from sqlite'), {})).toBeUndefined();
  });

  it('updates and deletes one row by rowid, and upserts on the named key', () => {
    expect(SQLITE_DIALECT.updateOne('"s.t"', '"a" = ?', '"b" IS ?')).toBe('UPDATE "s.t" SET "a" = ? WHERE rowid = (SELECT rowid FROM "s.t" WHERE "b" IS ? LIMIT 1)');
    expect(SQLITE_DIALECT.upsert('"s.t"', ['k', 'v'], ['k'])).toBe('INSERT INTO "s.t" ("k", "v") VALUES (?, ?) ON CONFLICT ("k") DO UPDATE SET "v" = excluded."v"');
    expect(SQLITE_DIALECT.qualifiedTable('we"ird', 't')).toBe('"we""ird.t"');
  });
});
