import { AuthPlugin, cachingSha2Hash, nativePasswordHash } from '@kbinlog/mysql-protocol';

/** A MySQL account of the source's SQL port, with what each plugin stores for it (never the password). */
export interface SqlUser {
  readonly name: string;
  readonly plugin: (typeof AuthPlugin)[keyof typeof AuthPlugin];
  readonly nativeHash: Buffer;
  readonly sha2Hash: Buffer;
}

const PLUGINS = new Set<string>(Object.values(AuthPlugin));

/**
 * Parses `user:password[:plugin],…` (KBINLOG_SQL_USERS / --sql-users). The plugin is the one the
 * account authenticates with, as CREATE USER … IDENTIFIED WITH sets it; mysql_native_password
 * when omitted. Passwords may not contain ',' or ':'.
 */
export function parseSqlUsers(spec: string): { ok: true; users: Map<string, SqlUser> } | { ok: false; errors: string[] } {
  const users = new Map<string, SqlUser>();
  const errors: string[] = [];
  for (const [index, entry] of spec.split(',').entries()) {
    const parts = entry.split(':');
    const [name = '', password, plugin = AuthPlugin.NATIVE_PASSWORD] = parts;
    if (parts.length < 2 || parts.length > 3 || name === '' || password === undefined) {
      errors.push(`entry ${index + 1}: expected user:password[:plugin]`);
      continue;
    }
    if (name.length > 80) errors.push(`entry ${index + 1}: user name longer than 80 characters`);
    else if (!PLUGINS.has(plugin)) errors.push(`entry ${index + 1}: plugin must be one of ${[...PLUGINS].join(', ')}, got ${JSON.stringify(plugin)}`);
    else if (users.has(name)) errors.push(`entry ${index + 1}: user ${name} given twice`);
    else users.set(name, { name, plugin: plugin as SqlUser['plugin'], nativeHash: nativePasswordHash(password), sha2Hash: cachingSha2Hash(password) });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, users };
}
