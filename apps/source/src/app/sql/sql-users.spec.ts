import { AuthPlugin, nativePasswordHash } from '@kbinlog/mysql-protocol';
import { parseSqlUsers } from './sql-users';

describe('parseSqlUsers', () => {
  it('reads accounts with their plugin, storing hashes only', () => {
    const parsed = parseSqlUsers('kbinlog:kbinlog,app:s3cret:caching_sha2_password,empty:');
    if (!parsed.ok) throw new Error(parsed.errors.join('; '));
    expect([...parsed.users.values()].map((user) => [user.name, user.plugin])).toEqual([
      ['kbinlog', AuthPlugin.NATIVE_PASSWORD],
      ['app', AuthPlugin.CACHING_SHA2_PASSWORD],
      ['empty', AuthPlugin.NATIVE_PASSWORD],
    ]);
    expect(parsed.users.get('kbinlog')?.nativeHash).toEqual(nativePasswordHash('kbinlog'));
    expect(parsed.users.get('empty')?.nativeHash).toHaveLength(0);
    expect(JSON.stringify([...parsed.users.values()])).not.toContain('s3cret');
  });

  it.each([
    ['', 'entry 1: expected user:password[:plugin]'],
    ['nopassword', 'entry 1: expected user:password[:plugin]'],
    ['a:b:c:d', 'entry 1: expected user:password[:plugin]'],
    [':pw', 'entry 1: expected user:password[:plugin]'],
    ['a:b:sha256_password', 'entry 1: plugin must be one of mysql_native_password, caching_sha2_password, got "sha256_password"'],
    ['a:b,a:c', 'entry 2: user a given twice'],
  ])('refuses %p', (spec, error) => {
    expect(parseSqlUsers(spec)).toEqual({ ok: false, errors: [error] });
  });
});
