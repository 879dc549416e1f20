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

  it('reads the replication privileges an account has: all unless listed, none with USAGE', () => {
    const parsed = parseSqlUsers('admin:a,monitor:m:replication_client,ops:o:caching_sha2_password:REPLICATION_SLAVE_ADMIN+replication_slave,app:p:USAGE,root:r:ALL');
    if (!parsed.ok) throw new Error(parsed.errors.join('; '));
    const privileges = (name: string) => [...(parsed.users.get(name)?.privileges ?? [])].sort();
    expect(privileges('admin')).toEqual(['REPLICATION CLIENT', 'REPLICATION SLAVE', 'REPLICATION_SLAVE_ADMIN', 'SUPER']);
    expect(privileges('monitor')).toEqual(['REPLICATION CLIENT']);
    expect(privileges('ops')).toEqual(['REPLICATION SLAVE', 'REPLICATION_SLAVE_ADMIN']);
    expect(parsed.users.get('ops')?.plugin).toBe(AuthPlugin.CACHING_SHA2_PASSWORD);
    expect(privileges('app')).toEqual([]);
    expect(privileges('root')).toEqual(privileges('admin'));
  });

  it.each([
    ['', 'entry 1: expected user:password[:plugin][:privileges]'],
    ['nopassword', 'entry 1: expected user:password[:plugin][:privileges]'],
    ['a:b:c:d:e', 'entry 1: expected user:password[:plugin][:privileges]'],
    [':pw', 'entry 1: expected user:password[:plugin][:privileges]'],
    ['a:b:c:d', 'entry 1: plugin must be one of mysql_native_password, caching_sha2_password, got "c"'],
    ['a:b:REPLICATION_CLIENT+GRANT_OPTION', 'entry 1: unknown privilege "GRANT_OPTION"; known: ALL, USAGE, REPLICATION_CLIENT, REPLICATION_SLAVE, REPLICATION_SLAVE_ADMIN, SUPER'],
    ['a:b:caching_sha2_password:', 'entry 1: unknown privilege ""; known: ALL, USAGE, REPLICATION_CLIENT, REPLICATION_SLAVE, REPLICATION_SLAVE_ADMIN, SUPER'],
    ['a:b:sha256_password', 'entry 1: plugin must be one of mysql_native_password, caching_sha2_password, got "sha256_password"'],
    ['a:b,a:c', 'entry 2: user a given twice'],
  ])('refuses %p', (spec, error) => {
    expect(parseSqlUsers(spec)).toEqual({ ok: false, errors: [error] });
  });
});
