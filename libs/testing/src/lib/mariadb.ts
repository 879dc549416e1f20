import { createConnection } from 'mysql2/promise';
import { uniqueName } from './kafka';
import { type MariaDbServer, mariadbUrl } from './test-infra';

export interface TestDatabase {
  readonly server: MariaDbServer;
  readonly database: string;
  readonly url: string;
  drop(): Promise<void>;
}

/** Creates a fresh database on the server (names use '_': they are SQL identifiers). */
export async function createTestDatabase(server: MariaDbServer, prefix: string): Promise<TestDatabase> {
  const database = uniqueName(prefix).replace(/-/g, '_');
  const connection = await createConnection({ host: server.host, port: server.port, user: server.user, password: server.password });
  try {
    await connection.query(`CREATE DATABASE \`${database}\``);
  } finally {
    await connection.end();
  }
  return {
    server,
    database,
    url: mariadbUrl(server, database),
    drop: async () => {
      const admin = await createConnection({ host: server.host, port: server.port, user: server.user, password: server.password });
      try {
        await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
      } finally {
        await admin.end();
      }
    },
  };
}

/**
 * Databases a kbinlog node creates under fixed names (as MySQL's plugin does): dropped before a
 * test file builds a cluster on the run's servers. Test files run one at a time (jest.config.js).
 */
export const NODE_DATABASES = ['kbinlog', 'innodb_memcache', 'test'] as const;

export async function resetNodeDatabases(server: MariaDbServer): Promise<void> {
  const connection = await createConnection({ host: server.host, port: server.port, user: server.user, password: server.password });
  try {
    for (const database of NODE_DATABASES) await connection.query(`DROP DATABASE IF EXISTS \`${database}\``);
  } finally {
    await connection.end();
  }
}
