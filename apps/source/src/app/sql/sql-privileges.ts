import type { ReplicationStatement } from '@kbinlog/sql-statement';
import { DatabaseError } from './backend-connection';

/**
 * The privileges kbinlog checks itself, for the statements it answers itself: MySQL 8.0's
 * replication privileges. Data privileges are the database's business: every session runs
 * there as the node's own account.
 */
export const PRIVILEGES = ['REPLICATION CLIENT', 'REPLICATION SLAVE', 'REPLICATION_SLAVE_ADMIN', 'SUPER'] as const;
export type Privilege = (typeof PRIVILEGES)[number];

/** How --sql-users spells them: MySQL's names with `_` for spaces, case-insensitive; ALL and USAGE as in GRANT. */
export function parsePrivileges(spec: string): { ok: true; privileges: ReadonlySet<Privilege> } | { ok: false; error: string } {
  const privileges = new Set<Privilege>();
  for (const word of spec.split('+')) {
    const name = word.trim().toUpperCase();
    if (name === 'ALL') PRIVILEGES.forEach((privilege) => privileges.add(privilege));
    else if (name === 'USAGE') continue;
    else {
      const privilege = PRIVILEGES.find((known) => known.replace(/ /g, '_') === name);
      if (!privilege) return { ok: false, error: `unknown privilege ${JSON.stringify(word)}; known: ALL, USAGE, ${PRIVILEGES.map((known) => known.replace(/ /g, '_')).join(', ')}` };
      privileges.add(privilege);
    }
  }
  return { ok: true, privileges };
}

export const ALL_PRIVILEGES: ReadonlySet<Privilege> = new Set(PRIVILEGES);

/** What MySQL 8.0 requires for each statement, any one of them; none for the waits. */
function required(statement: ReplicationStatement): readonly Privilege[] {
  switch (statement.verb) {
    case 'show-binlog-status':
    case 'show-binary-logs':
    case 'show-replica-status':
      return ['SUPER', 'REPLICATION CLIENT'];
    case 'show-replicas':
    case 'show-binlog-events':
      return ['REPLICATION SLAVE'];
    case 'start-replica':
    case 'stop-replica':
    case 'change-source':
      return ['SUPER', 'REPLICATION_SLAVE_ADMIN'];
    case 'source-pos-wait':
    case 'wait-for-executed-gtid-set':
      return [];
  }
}

/** MySQL's 1227 for an account without any of the privileges the statement needs. */
export function checkPrivileges(statement: ReplicationStatement, granted: ReadonlySet<Privilege>): void {
  const needed = required(statement);
  if (needed.length === 0 || needed.some((privilege) => granted.has(privilege))) return;
  const names = needed.length === 1 ? `the ${needed[0]}` : `(at least one of) the ${needed.slice(0, -1).join(', ')} or ${needed[needed.length - 1]}`;
  throw new DatabaseError(1227, '42000', `Access denied; you need ${names} privilege(s) for this operation`);
}
