import { AuthPlugin, cachingSha2Hash, nativePasswordHash } from '@kbinlog/mysql-protocol';
import { ALL_PRIVILEGES, parsePrivileges, type Privilege } from './sql-privileges';

/** A MySQL account of the source's SQL port, with what each plugin stores for it (never the password). */
export interface SqlUser {
  readonly name: string;
  readonly plugin: (typeof AuthPlugin)[keyof typeof AuthPlugin];
  readonly nativeHash: Buffer;
  readonly sha2Hash: Buffer;
  /** The replication privileges kbinlog checks (SHOW REPLICA STATUS, START REPLICA …); all unless listed. */
  readonly privileges: ReadonlySet<Privilege>;
}

const PLUGINS = new Set<string>(Object.values(AuthPlugin));

/**
 * Parses `user:password[:plugin][:privilege+privilege…],…` (KBINLOG_SQL_USERS / --sql-users).
 * The plugin is the one the account authenticates with, as CREATE USER … IDENTIFIED WITH sets
 * it; mysql_native_password when omitted. The privileges are what GRANT would give for the
 * statements kbinlog answers itself (REPLICATION_CLIENT, REPLICATION_SLAVE,
 * REPLICATION_SLAVE_ADMIN, SUPER, ALL or USAGE); ALL when omitted, as for an administrator.
 * Passwords may not contain ',' or ':'.
 */
export function parseSqlUsers(spec: string): { ok: true; users: Map<string, SqlUser> } | { ok: false; errors: string[] } {
  const users = new Map<string, SqlUser>();
  const errors: string[] = [];
  for (const [index, entry] of spec.split(',').entries()) {
    const parts = entry.split(':');
    const [name = '', password, ...rest] = parts;
    // A third field that is no plugin name (…_password) is the privilege list.
    const [plugin, privilegeSpec] = rest.length === 1 && !rest[0].endsWith('_password') ? [AuthPlugin.NATIVE_PASSWORD, rest[0]] : [rest[0] ?? AuthPlugin.NATIVE_PASSWORD, rest[1]];
    if (parts.length < 2 || parts.length > 4 || name === '' || password === undefined) {
      errors.push(`entry ${index + 1}: expected user:password[:plugin][:privileges]`);
      continue;
    }
    const privileges = privilegeSpec === undefined ? ({ ok: true, privileges: ALL_PRIVILEGES } as const) : parsePrivileges(privilegeSpec);
    if (name.length > 80) errors.push(`entry ${index + 1}: user name longer than 80 characters`);
    else if (!PLUGINS.has(plugin)) errors.push(`entry ${index + 1}: plugin must be one of ${[...PLUGINS].join(', ')}, got ${JSON.stringify(plugin)}`);
    else if (!privileges.ok) errors.push(`entry ${index + 1}: ${privileges.error}`);
    else if (users.has(name)) errors.push(`entry ${index + 1}: user ${name} given twice`);
    else {
      users.set(name, {
        name,
        plugin: plugin as SqlUser['plugin'],
        nativeHash: nativePasswordHash(password),
        sha2Hash: cachingSha2Hash(password),
        privileges: privileges.privileges,
      });
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, users };
}
