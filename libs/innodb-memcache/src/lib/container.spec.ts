import { DEMO_CONTAINER_ROW } from './bootstrap-sql';
import type { ColumnMetadata, ContainerRow, IndexMetadata, TableMetadata } from './container';
import {
  defaultContainer,
  indexesFromStatistics,
  isUnusedColumn,
  parseValueColumns,
  resolveContainers,
  validateContainer,
} from './container';

function column(name: string, columnType: string, nullable = true, extra = ''): ColumnMetadata {
  const dataType = columnType.replace(/\(.*$/, '').replace(/ .*$/, '').toLowerCase();
  const length = /^(?:var)?char\((\d+)\)/i.exec(columnType);
  return {
    COLUMN_NAME: name,
    DATA_TYPE: dataType,
    COLUMN_TYPE: columnType,
    IS_NULLABLE: nullable ? 'YES' : 'NO',
    CHARACTER_MAXIMUM_LENGTH: length ? Number(length[1]) : dataType.endsWith('text') ? 65535 : null,
    EXTRA: extra,
  };
}

/** test.demo_test as the bootstrap creates it. */
function demoTable(overrides: Partial<TableMetadata> = {}): TableMetadata {
  return {
    schema: 'test',
    table: 'demo_test',
    columns: [
      column('c1', 'varchar(32)', false),
      column('c2', 'varchar(1024)'),
      column('c3', 'int(11)'),
      column('c4', 'bigint(20) unsigned'),
      column('c5', 'int(11)'),
    ],
    indexes: [{ name: 'PRIMARY', columns: ['c1'], unique: true }],
    ...overrides,
  };
}

function row(overrides: Partial<ContainerRow> = {}): ContainerRow {
  return { ...DEMO_CONTAINER_ROW, ...overrides };
}

function errorsOf(containerRow: ContainerRow, table: TableMetadata | null = demoTable()): readonly string[] {
  const result = validateContainer(containerRow, table);
  if (result.ok) throw new Error('expected validation to fail');
  return result.errors;
}

function codesOf(containerRow: ContainerRow, table: TableMetadata | null = demoTable()): string[] {
  const result = validateContainer(containerRow, table);
  if (result.ok) throw new Error('expected validation to fail');
  return result.issues.map((issue) => issue.code);
}

describe('innodb-memcache > container', () => {
  describe('validateContainer', () => {
    it('resolves the demo container aaa -> test.demo_test', () => {
      const result = validateContainer(DEMO_CONTAINER_ROW, demoTable());
      expect(result).toEqual({
        ok: true,
        container: {
          name: 'aaa',
          schema: 'test',
          table: 'demo_test',
          key: { name: 'c1', dataType: 'varchar', maxLength: 32 },
          values: [{ name: 'c2', dataType: 'varchar', nullable: true, maxLength: 1024 }],
          flags: { name: 'c3', dataType: 'int', unsigned: false, nullable: true, min: -(2n ** 31n), max: 2n ** 31n - 1n },
          cas: { name: 'c4', dataType: 'bigint', unsigned: true, nullable: true, min: 0n, max: 2n ** 64n - 1n },
          expiry: { name: 'c5', dataType: 'int', unsigned: false, nullable: true, min: -(2n ** 31n), max: 2n ** 31n - 1n },
          uniqueIndex: 'PRIMARY',
        },
      });
    });

    it.each([
      ['0', '0', '0'],
      ['', '', ''],
      [null, null, null],
    ])('treats flags/cas/expiry %j as unused', (flags, cas, expiry) => {
      const result = validateContainer(row({ flags, cas_column: cas, expire_time_column: expiry }), demoTable());
      expect(result.ok && [result.container.flags, result.container.cas, result.container.expiry]).toEqual([null, null, null]);
    });

    it('maps several value columns in value_columns order', () => {
      const table = demoTable({
        columns: [
          column('k', 'char(10)', false),
          column('v1', 'varchar(10)'),
          column('v2', 'text'),
          column('v3', 'longblob', false),
          column('v4', 'char(3)'),
          column('v5', 'mediumtext'),
        ],
        indexes: [{ name: 'PRIMARY', columns: ['k'], unique: true }],
      });
      const result = validateContainer(
        row({ key_columns: 'k', value_columns: 'v3|v1,v2;v4 v5', flags: '0', cas_column: '0', expire_time_column: '0' }),
        table,
      );
      expect(result.ok && result.container.values.map((value) => [value.name, value.dataType, value.nullable])).toEqual([
        ['v3', 'longblob', false],
        ['v1', 'varchar', true],
        ['v2', 'text', true],
        ['v4', 'char', true],
        ['v5', 'mediumtext', true],
      ]);
    });

    it('matches column and index names case-insensitively and keeps the table spelling', () => {
      const table = demoTable({
        columns: [...demoTable().columns.slice(0, 4), column('C5', 'int(11)')],
        indexes: [{ name: 'PRIMARY', columns: ['C1'], unique: true }],
      });
      const result = validateContainer(row({ unique_idx_name_on_key: 'primary' }), table);
      expect(result.ok && result.container.expiry?.name).toBe('C5');
      expect(result.ok && result.container.uniqueIndex).toBe('PRIMARY');
    });

    it('folds case in ASCII only, so look-alike Unicode names do not match', () => {
      const table = demoTable({ columns: [column('\u212A', 'varchar(32)', false), ...demoTable().columns.slice(1)] });
      expect(codesOf(row({ key_columns: 'k', unique_idx_name_on_key: 'PRIMARY' }), table)).toEqual(['column-not-found']);
    });

    it('accepts a unique secondary index on the key column', () => {
      const table = demoTable({
        columns: [column('id', 'int(11)', false), ...demoTable().columns],
        indexes: [
          { name: 'PRIMARY', columns: ['id'], unique: true },
          { name: 'uk_c1', columns: ['c1'], unique: true },
        ],
      });
      const result = validateContainer(row({ unique_idx_name_on_key: 'uk_c1' }), table);
      expect(result.ok && result.container.uniqueIndex).toBe('uk_c1');
    });

    it('accepts BIGINT for flags and expiry and a signed BIGINT cas, and reports their ranges', () => {
      const table = demoTable({
        columns: [
          column('c1', 'varchar(32)', false),
          column('c2', 'varchar(1024)'),
          column('c3', 'bigint(20) unsigned'),
          column('c4', 'bigint(20)'),
          column('c5', 'int(10) unsigned'),
        ],
      });
      const result = validateContainer(row(), table);
      expect(result.ok && result.container.flags?.max).toBe(2n ** 64n - 1n);
      expect(result.ok && result.container.cas).toMatchObject({ unsigned: false, max: 2n ** 63n - 1n });
      expect(result.ok && result.container.expiry).toMatchObject({ unsigned: true, min: 0n, max: 2n ** 32n - 1n });
    });

    describe('the row', () => {
      it.each([
        ['name', { name: '' }],
        ['name', { name: null }],
        ['db_schema', { db_schema: null }],
        ['db_table', { db_table: '' }],
        ['key_columns', { key_columns: null }],
        ['value_columns', { value_columns: null }],
        ['unique_idx_name_on_key', { unique_idx_name_on_key: '' }],
      ] as const)('requires %s', (field, overrides) => {
        const result = validateContainer(row(overrides), demoTable());
        expect(result.ok).toBe(false);
        expect(!result.ok && result.issues.some((issue) => issue.field === field && issue.code === 'missing-value')).toBe(true);
      });

      it('names the container and table in every message', () => {
        const errors = errorsOf(row({ value_columns: 'nope' }));
        expect(errors).toEqual(['container "aaa" (test.demo_test): value column "nope" does not exist in table test.demo_test']);
      });

      it('labels a container without a name', () => {
        expect(errorsOf(row({ name: null }))[0]).toMatch(/^container \(unnamed\) \(test\.demo_test\): name is required/);
      });

      it.each([
        ['name', { name: 'aaa`; DROP TABLE x; --' }],
        ['db_schema', { db_schema: 'test`; DROP DATABASE test; --' }],
        ['db_table', { db_table: "demo_test' OR '1'='1" }],
        ['db_table', { db_table: 'demo_test`' }],
        ['key_columns', { key_columns: 'c1"' }],
        ['value_columns', { value_columns: 'c2|c3`)' }],
        ['flags', { flags: 'c3; DELETE FROM t' }],
        ['cas_column', { cas_column: 'c4\u0000' }],
        ['expire_time_column', { expire_time_column: 'c5\t' }],
        ['unique_idx_name_on_key', { unique_idx_name_on_key: 'PRIMARY`' }],
        ['db_table', { db_table: 'x'.repeat(65) }],
        ['db_schema', { db_schema: 'ünïcode' }],
      ] as const)('refuses an unsafe identifier in %s', (field, overrides) => {
        const result = validateContainer(row(overrides), demoTable());
        expect(result.ok).toBe(false);
        expect(!result.ok && result.issues.find((issue) => issue.field === field)?.code).toBe('unsafe-identifier');
      });

      it('quotes hostile names in messages, control characters escaped and long text cut', () => {
        const [message] = errorsOf(row({ db_table: `evil\r\nSERVER_ERROR x${'y'.repeat(500)}` }));
        expect(message).not.toMatch(/[\r\n]/);
        expect(message).toContain('"evil\\r\\nSERVER_ERROR x');
        expect(message.length).toBeLessThan(250);
      });

      it('refuses values that are not text', () => {
        const hostile = { ...DEMO_CONTAINER_ROW, db_schema: 42, value_columns: Buffer.from('c2') } as unknown as ContainerRow;
        expect(codesOf(hostile)).toEqual(['unsafe-identifier', 'unsafe-identifier']);
      });

      it.each(['c2,,c3', '|c2|c3|', ' c2 ;; c3\n', 'c2 | c3'])('skips empty entries in value_columns %j', (valueColumns) => {
        expect(parseValueColumns(valueColumns)).toEqual(['c2', 'c3']);
        const table = demoTable({ columns: [...demoTable().columns.slice(0, 2), column('c3', 'text'), ...demoTable().columns.slice(3)] });
        const result = validateContainer(row({ value_columns: valueColumns, flags: '0' }), table);
        expect(result.ok && result.container.values.map((value) => value.name)).toEqual(['c2', 'c3']);
      });

      it.each([',', '|||', ' ; ', '\n'])('refuses value_columns %j that lists no column', (valueColumns) => {
        expect(codesOf(row({ value_columns: valueColumns }))).toContain('no-value-columns');
      });

      it('refuses other separators inside value column names', () => {
        expect(codesOf(row({ value_columns: 'c2\tc3' }))).toEqual(['unsafe-identifier']);
        expect(codesOf(row({ value_columns: 'c2/c3' }))).toEqual(['unsafe-identifier']);
      });

      it('refuses several key columns', () => {
        expect(errorsOf(row({ key_columns: 'c1,c2' }))[0]).toMatch(/names several columns; a container has exactly one key column/);
      });

      it('refuses a column listed twice or playing two roles', () => {
        expect(errorsOf(row({ value_columns: 'c2|C2' }))).toEqual(['container "aaa" (test.demo_test): value column "C2" is listed twice']);
        expect(errorsOf(row({ value_columns: 'c1' }))[0]).toMatch(/column "c1" cannot be both the key column and the value column/);
        expect(errorsOf(row({ flags: 'c4' }))[0]).toMatch(/column "c4" cannot be both the flags column and the cas column/);
        expect(errorsOf(row({ expire_time_column: 'c2' }))[0]).toMatch(/cannot be both the value column and the expiry column/);
      });
    });

    describe('the table', () => {
      it('must exist', () => {
        expect(errorsOf(row(), null)).toEqual(['container "aaa" (test.demo_test): table test.demo_test does not exist']);
        expect(validateContainer(row(), undefined).ok).toBe(false);
      });

      it('does not look for a table whose name is unsafe', () => {
        expect(codesOf(row({ db_table: 'a`b' }), null)).toEqual(['unsafe-identifier']);
      });

      it('refuses metadata of another table', () => {
        expect(codesOf(row(), demoTable({ table: 'other' }))).toEqual(['metadata-mismatch']);
      });

      it('accepts metadata whose table name differs only in case (lower_case_table_names)', () => {
        expect(validateContainer(row({ db_table: 'Demo_Test' }), demoTable()).ok).toBe(true);
      });

      it('lists every missing column, not only the first', () => {
        const table = demoTable({ columns: [column('c1', 'varchar(32)', false)] });
        expect(codesOf(row(), table)).toEqual(['column-not-found', 'column-not-found', 'column-not-found', 'column-not-found']);
      });
    });

    describe('the key column', () => {
      it.each(['int(11)', 'text', 'varbinary(32)', 'blob', 'enum(\'a\')', 'datetime'])('must be CHAR or VARCHAR, not %s', (type) => {
        const table = demoTable({ columns: [column('c1', type, false), ...demoTable().columns.slice(1)] });
        expect(errorsOf(row(), table)).toEqual([
          `container "aaa" (test.demo_test): key column "c1" of table test.demo_test is ${type}; it must be CHAR or VARCHAR`,
        ]);
      });

      it('must be NOT NULL', () => {
        const table = demoTable({
          columns: [column('c1', 'varchar(32)', true), ...demoTable().columns.slice(1)],
          indexes: [{ name: 'uk', columns: ['c1'], unique: true }],
        });
        expect(errorsOf(row({ unique_idx_name_on_key: 'uk' }), table)).toEqual([
          'container "aaa" (test.demo_test): key column "c1" of table test.demo_test allows NULL; it must be NOT NULL',
        ]);
      });

      it('must not be a generated column', () => {
        const table = demoTable({ columns: [column('c1', 'varchar(32)', false, 'VIRTUAL GENERATED'), ...demoTable().columns.slice(1)] });
        expect(codesOf(row(), table)).toEqual(['generated-column']);
      });
    });

    describe('value columns', () => {
      it.each(['int(11)', 'bigint(20)', 'varbinary(10)', 'json', 'datetime', 'decimal(10,2)'])('refuses %s', (type) => {
        const table = demoTable({ columns: [column('c1', 'varchar(32)', false), column('c2', type), ...demoTable().columns.slice(2)] });
        expect(errorsOf(row(), table)[0]).toMatch(new RegExp(`value column "c2" of table test.demo_test is .+; it must be CHAR, VARCHAR, TEXT or BLOB`));
      });

      it('may be NOT NULL (the write then fails on a missing part)', () => {
        const table = demoTable({ columns: [column('c1', 'varchar(32)', false), column('c2', 'varchar(5)', false), ...demoTable().columns.slice(2)] });
        const result = validateContainer(row(), table);
        expect(result.ok && result.container.values[0].nullable).toBe(false);
      });
    });

    describe('flags, cas and expiry columns', () => {
      it.each([
        ['flags', 'c3', 'smallint(6)', 'INT or BIGINT (an integer of at least 32 bits)'],
        ['flags', 'c3', 'mediumint(9)', 'INT or BIGINT (an integer of at least 32 bits)'],
        ['flags', 'c3', 'varchar(10)', 'INT or BIGINT (an integer of at least 32 bits)'],
        ['cas', 'c4', 'int(10) unsigned', 'BIGINT or BIGINT UNSIGNED (64 bits)'],
        ['cas', 'c4', 'decimal(20,0)', 'BIGINT or BIGINT UNSIGNED (64 bits)'],
        ['expiry', 'c5', 'tinyint(4)', 'INT or BIGINT (an integer of at least 4 bytes)'],
        ['expiry', 'c5', 'timestamp', 'INT or BIGINT (an integer of at least 4 bytes)'],
      ])('refuses a %s column of type %s', (role, name, type, expected) => {
        const columns = demoTable().columns.map((candidate) => (candidate.COLUMN_NAME === name ? column(name, type) : candidate));
        expect(errorsOf(row(), demoTable({ columns }))).toEqual([
          `container "aaa" (test.demo_test): ${role} column "${name}" of table test.demo_test is ${type}; it must be ${expected}`,
        ]);
      });

      it('refuses a named column that does not exist (the plugin would silently ignore it)', () => {
        expect(errorsOf(row({ cas_column: 'c9' }))).toEqual([
          'container "aaa" (test.demo_test): cas column "c9" does not exist in table test.demo_test',
        ]);
      });

      it('refuses "0 " and other near-misses of the unused marker', () => {
        expect(codesOf(row({ flags: '0 ' }))).toEqual(['unsafe-identifier']);
        expect(codesOf(row({ flags: '00' }))).toEqual(['column-not-found']);
        expect(isUnusedColumn('0')).toBe(true);
        expect(isUnusedColumn('')).toBe(true);
        expect(isUnusedColumn(null)).toBe(true);
        expect(isUnusedColumn(' 0')).toBe(false);
      });
    });

    describe('the unique index', () => {
      it('must exist', () => {
        expect(errorsOf(row({ unique_idx_name_on_key: 'uk_missing' }))).toEqual([
          'container "aaa" (test.demo_test): index "uk_missing" does not exist on table test.demo_test',
        ]);
      });

      it('must be unique', () => {
        const indexes: IndexMetadata[] = [...demoTable().indexes, { name: 'k_c1', columns: ['c1'], unique: false }];
        expect(errorsOf(row({ unique_idx_name_on_key: 'k_c1' }), demoTable({ indexes }))).toEqual([
          'container "aaa" (test.demo_test): index "k_c1" on table test.demo_test is not unique; the key index must be unique',
        ]);
      });

      it('must be on the key column', () => {
        const indexes: IndexMetadata[] = [...demoTable().indexes, { name: 'uk_c2', columns: ['c2'], unique: true }];
        expect(errorsOf(row({ unique_idx_name_on_key: 'uk_c2' }), demoTable({ indexes }))).toEqual([
          'container "aaa" (test.demo_test): index "uk_c2" on table test.demo_test covers (c2); it must cover exactly the key column "c1"',
        ]);
      });

      it('must be on the key column only', () => {
        const indexes: IndexMetadata[] = [{ name: 'PRIMARY', columns: ['c1', 'c3'], unique: true }];
        expect(codesOf(row(), demoTable({ indexes }))).toEqual(['index-not-on-key']);
      });
    });
  });

  describe('indexesFromStatistics', () => {
    it('groups rows into indexes, columns in SEQ_IN_INDEX order', () => {
      expect(
        indexesFromStatistics([
          { INDEX_NAME: 'PRIMARY', NON_UNIQUE: 0, SEQ_IN_INDEX: 1, COLUMN_NAME: 'c1' },
          { INDEX_NAME: 'k_multi', NON_UNIQUE: '1', SEQ_IN_INDEX: '2', COLUMN_NAME: 'c3' },
          { INDEX_NAME: 'k_multi', NON_UNIQUE: '1', SEQ_IN_INDEX: '1', COLUMN_NAME: 'c2' },
          { INDEX_NAME: 'uk_fn', NON_UNIQUE: 0n, SEQ_IN_INDEX: 1n, COLUMN_NAME: null },
        ]),
      ).toEqual([
        { name: 'PRIMARY', unique: true, columns: ['c1'] },
        { name: 'k_multi', unique: false, columns: ['c2', 'c3'] },
        { name: 'uk_fn', unique: true, columns: ['(expression)'] },
      ]);
    });
  });

  describe('resolveContainers', () => {
    const tables = new Map<string, TableMetadata>([['test.demo_test', demoTable()]]);
    const lookup = (schema: string, table: string): TableMetadata | undefined => tables.get(`${schema}.${table}`);

    it('resolves every row and picks the default', () => {
      const result = resolveContainers([row({ name: 'zzz' }), row()], lookup);
      expect(result.ok && [...result.containers.keys()]).toEqual(['zzz', 'aaa']);
      expect(result.ok && result.defaultContainer.name).toBe('aaa');
    });

    it('fails as a whole when one row is bad, listing every error', () => {
      const result = resolveContainers([row(), row({ name: 'b', db_table: 'missing' }), row({ name: 'c', key_columns: 'c9' })], lookup);
      expect(!result.ok && result.errors).toEqual([
        'container "b" (test.missing): table test.missing does not exist',
        'container "c" (test.demo_test): key column "c9" does not exist in table test.demo_test',
      ]);
    });

    it('never looks up a table with an unsafe name', () => {
      const seen: string[] = [];
      resolveContainers([row({ db_schema: 'x`y' })], (schema, table) => {
        seen.push(`${schema}.${table}`);
        return undefined;
      });
      expect(seen).toEqual([]);
    });

    it('refuses an empty containers table and duplicate names', () => {
      expect(resolveContainers([], lookup)).toEqual({ ok: false, errors: [expect.stringMatching(/has no rows/)] });
      expect(!resolveContainers([row(), row()], lookup).ok).toBe(true);
    });
  });

  describe('defaultContainer', () => {
    it('picks the container named default', () => {
      expect(defaultContainer([{ name: 'aaa' }, { name: 'default' }, { name: 'AAA' }])?.name).toBe('default');
    });

    it('otherwise picks the first by name ascending, in byte order', () => {
      expect(defaultContainer([{ name: 'zeta' }, { name: 'beta' }, { name: 'alpha' }])?.name).toBe('alpha');
      expect(defaultContainer([{ name: 'b' }, { name: 'B' }, { name: '_x' }, { name: '9' }])?.name).toBe('9');
      expect(defaultContainer([{ name: 'b' }, { name: 'a_' }, { name: 'aa' }])?.name).toBe('a_');
    });

    it('matches "default" exactly and skips unnamed entries', () => {
      expect(defaultContainer([{ name: 'Default' }, { name: 'DEFAULT' }])?.name).toBe('DEFAULT');
      expect(defaultContainer([{ name: null }, { name: 'x' }])?.name).toBe('x');
      expect(defaultContainer([])).toBeUndefined();
    });
  });
});
