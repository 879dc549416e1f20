import type { BinlogEvent, RowEvent, StatementEvent } from '@kbinlog/binlog';
import type { FilterSettings } from './filter-settings';
import { parseFilterRules, type ReplicationFilter } from './replication-filter';

function filterOf(settings: FilterSettings): ReplicationFilter {
  const parsed = parseFilterRules(settings);
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.filter;
}

function insert(schema: string, table: string): RowEvent {
  return { type: 'insert', schema, table, after: { id: '1' } };
}

function statement(schema: string, sql: string, tables?: [string, string][]): StatementEvent {
  return { type: 'statement', schema, sql, ...(tables ? { tables: tables.map(([db, table]) => ({ schema: db, table })) } : {}) };
}

/** Which of `db.tbl` names the filter applies. */
function applied(filter: ReplicationFilter, names: readonly string[]): string[] {
  return names.filter((name) => {
    const [schema, table] = name.split('.');
    return filter.apply(insert(schema, table)) !== null;
  });
}

describe('ReplicationFilter: no rules', () => {
  it('applies every event, returning the same object', () => {
    const filter = filterOf({});
    const events: BinlogEvent[] = [insert('a', 't'), statement('a', 'TRUNCATE TABLE `a`.`t`', [['a', 't']]), statement('b', 'CREATE DATABASE b')];
    for (const event of events) expect(filter.apply(event)).toBe(event);
  });
});

describe('ReplicationFilter: database-level rules (row-based: the database of the changed table)', () => {
  it('replicate-do-db: only tables of those databases (manual: USE prices; UPDATE sales.february … is applied)', () => {
    const filter = filterOf({ 'replicate-do-db': ['sales'] });
    // Row events carry the table's own database; the source's default database (prices) plays no part.
    expect(applied(filter, ['sales.february', 'prices.march'])).toEqual(['sales.february']);
  });

  it('replicate-ignore-db: every database but those (manual: UPDATE sales.year2007 has no effect)', () => {
    const filter = filterOf({ 'replicate-ignore-db': ['sales'] });
    expect(applied(filter, ['sales.year2007', 'prices.march'])).toEqual(['prices.march']);
  });

  it('with any replicate-do-db, replicate-ignore-db is not consulted (manual: do-db=db2, ignore-db=db1)', () => {
    const filter = filterOf({ 'replicate-do-db': ['db2'], 'replicate-ignore-db': ['db1'] });
    // USE db1; INSERT INTO db2.mytbl2 …: row-based, the change is to db2, so it is applied.
    expect(applied(filter, ['db2.mytbl2', 'db1.mytbl1', 'db3.t'])).toEqual(['db2.mytbl2']);
    expect(filter.passesDatabase('db1')).toBe(false);
  });

  it('filters row events one by one (manual: UPDATE db1.table1, db2.table2 with do-db=db1 changes table1 only)', () => {
    const filter = filterOf({ 'replicate-do-db': ['db1'] });
    const group = [insert('db1', 'table1'), insert('db2', 'table2'), insert('db1', 'table1')];
    expect(group.map((event) => filter.apply(event))).toEqual([group[0], null, group[2]]);
  });

  it('several databases in one list', () => {
    const filter = filterOf({ 'replicate-do-db': ['a', 'b'] });
    expect(applied(filter, ['a.t', 'b.t', 'c.t'])).toEqual(['a.t', 'b.t']);
  });
});

describe('ReplicationFilter: table-level rules', () => {
  const names = ['db1.t1', 'db1.t2', 'db2.t1', 'db2.t2'];

  it('replicate-do-table: only the tables named', () => {
    expect(applied(filterOf({ 'replicate-do-table': ['db1.t1', 'db2.t2'] }), names)).toEqual(['db1.t1', 'db2.t2']);
  });

  it('replicate-ignore-table: every table but those', () => {
    expect(applied(filterOf({ 'replicate-ignore-table': ['db1.t1'] }), names)).toEqual(['db1.t2', 'db2.t1', 'db2.t2']);
  });

  it('replicate-do-table is checked before replicate-ignore-table', () => {
    const filter = filterOf({ 'replicate-do-table': ['db1.t1'], 'replicate-ignore-table': ['db1.t1', 'db2.t1'] });
    // db1.t1 matches do-table first; the rest match nothing in a do list, so are skipped.
    expect(applied(filter, names)).toEqual(['db1.t1']);
  });

  it('replicate-ignore-table is checked before replicate-wild-do-table', () => {
    const filter = filterOf({ 'replicate-ignore-table': ['db1.t1'], 'replicate-wild-do-table': ['db1.%'] });
    expect(applied(filter, names)).toEqual(['db1.t2']);
  });

  it('replicate-wild-do-table is checked before replicate-wild-ignore-table', () => {
    const filter = filterOf({ 'replicate-wild-do-table': ['db1.t%'], 'replicate-wild-ignore-table': ['db%.%'] });
    expect(applied(filter, names)).toEqual(['db1.t1', 'db1.t2']);
  });

  it('with only ignore rules, what matches nothing is applied', () => {
    const filter = filterOf({ 'replicate-ignore-table': ['db1.t1'], 'replicate-wild-ignore-table': ['db2.%'] });
    expect(applied(filter, names)).toEqual(['db1.t2']);
  });

  it('with a wild do list, what matches nothing is skipped', () => {
    const filter = filterOf({ 'replicate-wild-do-table': ['db2.%'], 'replicate-wild-ignore-table': ['db1.t1'] });
    expect(applied(filter, names)).toEqual(['db2.t1', 'db2.t2']);
  });

  it('replicate-wild-do-table=foo%.bar%: databases starting with foo, tables starting with bar (manual)', () => {
    const filter = filterOf({ 'replicate-wild-do-table': ['foo%.bar%'] });
    expect(applied(filter, ['foo.bar', 'foodb.bartab', 'foodb.tab', 'xfoo.bar'])).toEqual(['foo.bar', 'foodb.bartab']);
  });

  it('replicate-wild-do-table=db%.t_ and an escaped literal underscore', () => {
    expect(applied(filterOf({ 'replicate-wild-do-table': ['db%.t_'] }), ['db.t1', 'db42.tx', 'db.t10', 'xdb.t1'])).toEqual(['db.t1', 'db42.tx']);
    const escaped = filterOf({ 'replicate-wild-do-table': ['my\\_own\\%db.%'] });
    expect(applied(escaped, ['my_own%db.t', 'my1ownAABCdb.t', 'myXownYdb.t'])).toEqual(['my_own%db.t']);
  });

  it('compares names case-sensitively (lower_case_table_names=0, MySQL on Linux)', () => {
    expect(applied(filterOf({ 'replicate-do-table': ['Sales.Orders'] }), ['Sales.Orders', 'sales.orders', 'SALES.ORDERS'])).toEqual(['Sales.Orders']);
    expect(applied(filterOf({ 'replicate-do-db': ['Sales'] }), ['Sales.t', 'sales.t'])).toEqual(['Sales.t']);
    expect(applied(filterOf({ 'replicate-wild-ignore-table': ['tmp%.%'] }), ['tmp1.t', 'TMP1.t'])).toEqual(['TMP1.t']);
  });
});

describe('ReplicationFilter: database-level rules first, then table-level', () => {
  it('a table must pass the database rules before the table rules are read', () => {
    const filter = filterOf({ 'replicate-do-db': ['db1'], 'replicate-do-table': ['db2.t1'] });
    // db2.t1 is named by do-table but its database is not a do-db: skipped at the database level.
    expect(applied(filter, ['db1.t1', 'db2.t1'])).toEqual([]);
    expect(filter.passesTable('db2', 't1')).toBe(false);
  });

  it('what passes the database rules still meets the table rules', () => {
    const filter = filterOf({ 'replicate-do-db': ['db1'], 'replicate-ignore-table': ['db1.secret'] });
    expect(applied(filter, ['db1.t1', 'db1.secret', 'db2.t1'])).toEqual(['db1.t1']);
  });

  it('ignore-db and wild-do-table together', () => {
    const filter = filterOf({ 'replicate-ignore-db': ['mysql'], 'replicate-wild-do-table': ['%.user%'] });
    expect(applied(filter, ['mysql.user', 'app.users', 'app.orders'])).toEqual(['app.users']);
  });
});

describe('ReplicationFilter: replicate-rewrite-db', () => {
  it('rewrites the database of row events, returning a new event', () => {
    const filter = filterOf({ 'replicate-rewrite-db': ['prod->prod_copy'] });
    const event = insert('prod', 'orders');
    expect(filter.apply(event)).toEqual({ ...event, schema: 'prod_copy' });
    expect(event.schema).toBe('prod');
    const other = insert('hr', 'staff');
    expect(filter.apply(other)).toBe(other);
  });

  it('comes before every other rule: they see the new name', () => {
    const toNew = filterOf({ 'replicate-rewrite-db': ['a->b'], 'replicate-do-db': ['b'] });
    expect(toNew.apply(insert('a', 't'))).toEqual(insert('b', 't'));
    const onOld = filterOf({ 'replicate-rewrite-db': ['a->b'], 'replicate-do-db': ['a'] });
    expect(onOld.apply(insert('a', 't'))).toBeNull();
    const table = filterOf({ 'replicate-rewrite-db': ['a->b'], 'replicate-ignore-table': ['b.secret'] });
    expect(table.apply(insert('a', 'secret'))).toBeNull();
    expect(table.apply(insert('b', 'secret'))).toBeNull();
    expect(table.apply(insert('a', 'open'))).toEqual(insert('b', 'open'));
  });

  it('rewrites once, never in a chain', () => {
    const filter = filterOf({ 'replicate-rewrite-db': ['a->b', 'b->c'] });
    expect(filter.rewriteDb('a')).toBe('b');
    expect(filter.rewriteDb('b')).toBe('c');
    expect(filter.rewriteDb('c')).toBe('c');
  });

  it('is case-sensitive', () => {
    expect(filterOf({ 'replicate-rewrite-db': ['Prod->copy'] }).rewriteDb('prod')).toBe('prod');
  });

  it("rewrites a statement's default database and its tables, never its SQL text", () => {
    const filter = filterOf({ 'replicate-rewrite-db': ['test->test_copy'] });
    const event = statement('test', 'TRUNCATE TABLE `test`.`demo_test`', [['test', 'demo_test'], ['other', 't']]);
    expect(filter.apply(event)).toEqual({
      type: 'statement',
      schema: 'test_copy',
      sql: 'TRUNCATE TABLE `test`.`demo_test`',
      tables: [{ schema: 'test_copy', table: 'demo_test' }, { schema: 'other', table: 't' }],
    });
  });
});

describe('ReplicationFilter: statement events', () => {
  const truncate = (db: string, table: string, defaultDb = db) => statement(defaultDb, `TRUNCATE TABLE \`${db}\`.\`${table}\``, [[db, table]]);

  it('checks the tables a statement changes, not its default database', () => {
    const filter = filterOf({ 'replicate-do-db': ['sales'] });
    // USE prices; TRUNCATE sales.orders: applied (statement-based MySQL would skip it on prices).
    expect(filter.apply(truncate('sales', 'orders', 'prices'))).not.toBeNull();
    // USE sales; TRUNCATE prices.march: skipped.
    expect(filter.apply(truncate('prices', 'march', 'sales'))).toBeNull();
  });

  it('applies a statement that changes a wanted table, whatever else it changes', () => {
    const doTable = filterOf({ 'replicate-do-table': ['db.a'] });
    const dropAc = statement('db', 'DROP TABLE a, c', [['db', 'a'], ['db', 'c']]);
    const dropCa = statement('db', 'DROP TABLE c, a', [['db', 'c'], ['db', 'a']]);
    expect(doTable.apply(dropAc)).toBe(dropAc);
    expect(doTable.apply(dropCa)).toBe(dropCa);
    expect(doTable.apply(statement('db', 'DROP TABLE c, d', [['db', 'c'], ['db', 'd']]))).toBeNull();
    const doDb = filterOf({ 'replicate-do-db': ['sales'] });
    expect(doDb.apply(statement('hr', 'DROP TABLE sales.a, hr.b', [['sales', 'a'], ['hr', 'b']]))).not.toBeNull();
  });

  it('skips a statement that changes an ignored table, even if it changes others (manual: replicate-ignore-table)', () => {
    const filter = filterOf({ 'replicate-ignore-table': ['db.a'] });
    expect(filter.apply(statement('db', 'DROP TABLE a, c', [['db', 'a'], ['db', 'c']]))).toBeNull();
    expect(filter.apply(statement('db', 'DROP TABLE c, a', [['db', 'c'], ['db', 'a']]))).toBeNull();
    const dropCd = statement('db', 'DROP TABLE c, d', [['db', 'c'], ['db', 'd']]);
    expect(filter.apply(dropCd)).toBe(dropCd);
    const wild = filterOf({ 'replicate-wild-ignore-table': ['db.tmp%'] });
    expect(wild.apply(statement('db', 'RENAME TABLE t TO tmp_t', [['db', 't'], ['db', 'tmp_t']]))).toBeNull();
    const ignoreDb = filterOf({ 'replicate-ignore-db': ['hr'] });
    expect(ignoreDb.apply(statement('sales', 'DROP TABLE sales.a, hr.b', [['sales', 'a'], ['hr', 'b']]))).toBeNull();
  });

  it('lets an ignore rule win over a do rule whatever the order of the tables (MySQL decides on the first)', () => {
    const filter = filterOf({ 'replicate-do-table': ['db.a'], 'replicate-ignore-table': ['db.c'] });
    expect(filter.apply(statement('db', 'DROP TABLE a, c', [['db', 'a'], ['db', 'c']]))).toBeNull();
    expect(filter.apply(statement('db', 'DROP TABLE c, a', [['db', 'c'], ['db', 'a']]))).toBeNull();
  });

  it('table rules apply to statements as to rows', () => {
    const filter = filterOf({ 'replicate-wild-do-table': ['test.demo%'] });
    expect(filter.apply(truncate('test', 'demo_test'))).not.toBeNull();
    expect(filter.apply(truncate('test', 'other'))).toBeNull();
  });

  it('CREATE/DROP DATABASE (no tables): the database rules on the database named', () => {
    const filter = filterOf({ 'replicate-do-db': ['sales'], 'replicate-do-table': ['hr.t'] });
    expect(filter.apply(statement('sales', 'CREATE DATABASE sales'))).not.toBeNull();
    expect(filter.apply(statement('hr', 'CREATE DATABASE hr'))).toBeNull();
    expect(filterOf({ 'replicate-ignore-db': ['tmp'] }).apply(statement('tmp', 'DROP DATABASE tmp'))).toBeNull();
    expect(filterOf({ 'replicate-ignore-db': ['tmp'] }).apply(statement('app', 'DROP DATABASE app'))).not.toBeNull();
  });

  it('CREATE/DROP DATABASE without database rules: the wild table rules on "db." (MySQL db_stmt_db_ok)', () => {
    const ignore = filterOf({ 'replicate-wild-ignore-table': ['db1.%'] });
    expect(ignore.apply(statement('db1', 'DROP DATABASE db1'))).toBeNull();
    expect(ignore.apply(statement('db2', 'DROP DATABASE db2'))).not.toBeNull();
    const wildDo = filterOf({ 'replicate-wild-do-table': ['foo%.%'] });
    expect(wildDo.apply(statement('foo1', 'CREATE DATABASE foo1'))).not.toBeNull();
    expect(wildDo.apply(statement('bar', 'CREATE DATABASE bar'))).toBeNull();
    // A pattern that needs a table name matches no database statement.
    expect(filterOf({ 'replicate-wild-do-table': ['foo%.bar%'] }).apply(statement('foo1', 'CREATE DATABASE foo1'))).toBeNull();
    // Plain do-table rules do not reach database statements (MySQL applies them).
    expect(filterOf({ 'replicate-do-table': ['x.t'] }).apply(statement('y', 'CREATE DATABASE y'))).not.toBeNull();
  });

  it('CREATE DATABASE is checked on the rewritten name', () => {
    const filter = filterOf({ 'replicate-rewrite-db': ['a->b'], 'replicate-do-db': ['b'] });
    expect(filter.apply(statement('a', 'CREATE DATABASE a'))).toEqual(statement('b', 'CREATE DATABASE a'));
  });

  it('an empty table list counts as none', () => {
    const filter = filterOf({ 'replicate-do-db': ['sales'] });
    expect(filter.apply({ type: 'statement', schema: 'hr', sql: 'CREATE DATABASE hr', tables: [] })).toBeNull();
  });

  it('a statement without any database passes (MySQL: no database, no database rule)', () => {
    expect(filterOf({ 'replicate-do-db': ['sales'] }).apply(statement('', 'FLUSH PRIVILEGES'))).not.toBeNull();
  });
});

describe('ReplicationFilter.status (SHOW REPLICA STATUS)', () => {
  it("is '' everywhere without rules", () => {
    expect(filterOf({}).status()).toEqual({
      Replicate_Do_DB: '',
      Replicate_Ignore_DB: '',
      Replicate_Do_Table: '',
      Replicate_Ignore_Table: '',
      Replicate_Wild_Do_Table: '',
      Replicate_Wild_Ignore_Table: '',
      Replicate_Rewrite_DB: '',
    });
  });

  it('joins each list with commas, rewrites as MySQL 8 shows them', () => {
    const filter = filterOf({
      'replicate-do-db': ['sales', 'hr'],
      'replicate-ignore-db': ['tmp'],
      'replicate-do-table': ['sales.orders', 'hr.staff'],
      'replicate-ignore-table': ['sales.tmp'],
      'replicate-wild-do-table': ['db%.t_', 'my\\_db.%'],
      'replicate-wild-ignore-table': ['%.bak%'],
      'replicate-rewrite-db': ['prod->prod_copy', 'hr->hr_copy'],
    });
    expect(filter.status()).toEqual({
      Replicate_Do_DB: 'sales,hr',
      Replicate_Ignore_DB: 'tmp',
      Replicate_Do_Table: 'sales.orders,hr.staff',
      Replicate_Ignore_Table: 'sales.tmp',
      Replicate_Wild_Do_Table: 'db%.t_,my\\_db.%',
      Replicate_Wild_Ignore_Table: '%.bak%',
      Replicate_Rewrite_DB: '(prod,prod_copy),(hr,hr_copy)',
    });
    expect(filter.isEmpty).toBe(false);
  });
});
