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

/** Runs a query and returns rows in MySQL's text form (strings, null), as binlog row images carry them. */
export async function queryRows(server: MariaDbServer, sql: string, values: unknown[] = []): Promise<Record<string, string | null>[]> {
  const connection = await createConnection({ host: server.host, port: server.port, user: server.user, password: server.password });
  try {
    const [rows] = await connection.query({ sql, values, typeCast: (field) => field.string() });
    return rows as Record<string, string | null>[];
  } finally {
    await connection.end();
  }
}

/** One connection kept open, rows in text form: for tests that hold transactions across statements. */
export interface TestSqlConnection {
  rows<T>(sql: string, values?: readonly (string | null)[]): Promise<T[]>;
  query(sql: string, values?: readonly (string | null)[]): Promise<unknown>;
  close(): Promise<void>;
}

export async function openSqlConnection(server: MariaDbServer): Promise<TestSqlConnection> {
  const connection = await createConnection({ host: server.host, port: server.port, user: server.user, password: server.password });
  const run = async (sql: string, values: readonly (string | null)[] = []) => (await connection.query({ sql, values: [...values], typeCast: (field) => field.string() }))[0];
  return {
    rows: async <T>(sql: string, values?: readonly (string | null)[]) => (await run(sql, values)) as T[],
    query: run,
    close: () => connection.end(),
  };
}

/** `test.demo_test` (or another table) keyed by its key column. */
export async function tableByKey(server: MariaDbServer, table = 'test.demo_test', keyColumn = 'c1'): Promise<Map<string, Record<string, string | null>>> {
  const rows = await queryRows(server, `SELECT * FROM ${table}`);
  return new Map(rows.map((row) => [String(row[keyColumn]), row]));
}

/**
 * Every base table of `schema` with its columns (name, type, nullability, key) and its rows in
 * text form, ordered by every column: what "this replica equals the source" compares.
 */
export async function dumpSchema(server: MariaDbServer, schema: string): Promise<Record<string, unknown>> {
  const tables = await queryRows(server, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY 1", [schema]);
  const dump: Record<string, unknown> = {};
  for (const { TABLE_NAME } of tables) {
    const table = String(TABLE_NAME);
    const columns = await queryRows(
      server,
      'SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_KEY FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
      [schema, table],
    );
    const order = columns.map((_, index) => index + 1).join(', ');
    dump[table] = { columns, rows: await queryRows(server, `SELECT * FROM \`${schema}\`.\`${table}\` ORDER BY ${order}`) };
  }
  return dump;
}
