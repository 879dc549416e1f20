import { WriteRefusedError } from './binlog-committer';

/**
 * A write sent to a node that is not the source (replica, promoting, demoting). The memcached
 * edge answers `SERVER_ERROR <message>`, the MySQL edge error 1290 (ER_OPTION_PREVENTS_STATEMENT).
 */
export class ReadOnlyError extends WriteRefusedError {
  constructor(node: string, source: string | undefined) {
    super(`read only: ${node} is a replica; write to the source (${source ?? 'unknown'})`);
    this.name = 'ReadOnlyError';
  }
}

/** What MySQL answers a write under read_only, field for field. */
export const READ_ONLY_SQL_ERROR = {
  errno: 1290,
  sqlState: 'HY000',
  message: 'The MySQL server is running with the --read-only option so it cannot execute this statement',
} as const;
