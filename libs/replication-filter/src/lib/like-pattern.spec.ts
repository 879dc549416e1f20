import { LikePattern } from './like-pattern';

function matches(pattern: string, text: string): boolean {
  return new LikePattern(pattern).matches(text);
}

describe('LikePattern (MySQL LIKE as replicate-wild-*-table reads it)', () => {
  it('% matches any run of characters, the empty one and dots included', () => {
    expect(matches('foo%.bar%', 'foo.bar')).toBe(true);
    expect(matches('foo%.bar%', 'foo_db.bar_table')).toBe(true);
    expect(matches('foo%.bar%', 'foo.bar.baz')).toBe(true);
    expect(matches('foo%.bar%', 'xfoo.bar')).toBe(false);
    expect(matches('%.%', 'a.b')).toBe(true);
    expect(matches('db1.%', 'db1.')).toBe(true);
  });

  it('_ matches exactly one character', () => {
    expect(matches('db_.t_', 'db1.t2')).toBe(true);
    expect(matches('db_.t_', 'db.t2')).toBe(false);
    expect(matches('db_.t_', 'db12.t2')).toBe(false);
    expect(matches('db_.t_', 'db1.t')).toBe(false);
    expect(matches('db_.t_', 'dbé.t😀')).toBe(true);
  });

  it('\\ makes _ and % literal (the manual\'s my\\_own\\%db)', () => {
    const pattern = 'my\\_own\\%db.%';
    expect(matches(pattern, 'my_own%db.t1')).toBe(true);
    expect(matches(pattern, 'my1ownAABCdb.t1')).toBe(false);
    expect(matches(pattern, 'myXown%db.t1')).toBe(false);
    expect(matches('a\\\\b.%', 'a\\b.t')).toBe(true);
    expect(matches('a\\.b.%', 'a.b.t')).toBe(true);
    expect(matches('a\\xb.%', 'axb.t')).toBe(true);
  });

  it('takes a backslash at the end literally, as MySQL does', () => {
    expect(matches('db.t\\', 'db.t\\')).toBe(true);
    expect(matches('db.t\\', 'db.t')).toBe(false);
  });

  it('treats regular-expression characters as themselves', () => {
    expect(matches('d(b)+.t[1]*', 'd(b)+.t[1]*')).toBe(true);
    expect(matches('d(b)+.t[1]*', 'db.t1')).toBe(false);
    expect(matches('a-b.$x^|y{2}?/', 'a-b.$x^|y{2}?/')).toBe(true);
  });

  it('is case-sensitive (lower_case_table_names=0)', () => {
    expect(matches('Sales%.%', 'sales.orders')).toBe(false);
    expect(matches('sales.Orders', 'sales.orders')).toBe(false);
    expect(matches('sales.orders', 'sales.orders')).toBe(true);
  });

  it('matches the whole name, not a part of it', () => {
    expect(matches('db.t', 'db.t2')).toBe(false);
    expect(matches('db.t', 'xdb.t')).toBe(false);
    expect(matches('db.t', 'db.t\n')).toBe(false);
  });
});
