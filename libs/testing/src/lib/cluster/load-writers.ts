import { type Connection, createConnection, type ResultSetHeader } from 'mysql2/promise';
import { MemcachedTestClient } from '../memcached-client';
import { type LoadTable, MEMCACHED_TABLE, SQL_TABLE } from './write-ledger';
import type { SourceEndpoint } from './source-endpoint';

/** One write a load client sends: a new key, or (SQL) an update of a key it wrote before. */
export interface PlannedWrite {
  readonly table: LoadTable;
  readonly key: string;
  readonly value: string;
  readonly update: boolean;
}

/** A connection to the source that sends one write at a time; true when it was acknowledged. */
export interface LoadWriter {
  send(write: PlannedWrite, timeoutMs: number): Promise<boolean>;
  close(): void;
}

export type LoadProtocol = 'memcached' | 'sql';

export const SQL_ACCOUNT = { user: 'kbinlog', password: 'kbinlog' } as const;

export function tableOf(protocol: LoadProtocol): LoadTable {
  return protocol === 'memcached' ? MEMCACHED_TABLE : SQL_TABLE;
}

export async function openWriter(protocol: LoadProtocol, endpoint: SourceEndpoint, timeoutMs: number): Promise<LoadWriter> {
  return protocol === 'memcached' ? openMemcachedWriter(endpoint, timeoutMs) : openSqlWriter(endpoint, timeoutMs);
}

async function openMemcachedWriter(endpoint: SourceEndpoint, timeoutMs: number): Promise<LoadWriter> {
  const connecting = MemcachedTestClient.connect(endpoint.memcached.port, endpoint.memcached.host);
  // A frozen process's kernel still accepts the connection: a late one is closed, not leaked.
  const client = await withTimeout(connecting, timeoutMs, 'memcached connect').catch((error: unknown) => {
    void connecting.then((late) => late.close(), () => undefined);
    throw error;
  });
  return {
    // STORED is the acknowledgement; SERVER_ERROR (read only, fenced…) or no reply is not.
    send: async (write, sendTimeoutMs) =>
      (await client.call(`set ${write.key} 0 0 ${Buffer.byteLength(write.value)}\r\n${write.value}\r\n`, (reply) => reply.endsWith('\r\n'), sendTimeoutMs)) === 'STORED\r\n',
    close: () => client.close(),
  };
}

async function openSqlWriter(endpoint: SourceEndpoint, timeoutMs: number): Promise<LoadWriter> {
  if (endpoint.mysql === null) throw new Error(`${endpoint.node} has no MySQL port`);
  const connection: Connection = await createConnection({ ...endpoint.mysql, ...SQL_ACCOUNT, connectTimeout: timeoutMs });
  // A killed source closes the socket between queries: without a listener that error would be thrown.
  connection.on('error', () => undefined);
  const { schema, table, keyColumn, valueColumn } = SQL_TABLE;
  return {
    send: async (write, sendTimeoutMs) => {
      const sql = write.update
        ? `UPDATE \`${schema}\`.\`${table}\` SET \`${valueColumn}\` = ? WHERE \`${keyColumn}\` = ?`
        : `INSERT INTO \`${schema}\`.\`${table}\` (\`${keyColumn}\`, \`${valueColumn}\`) VALUES (?, ?)`;
      const values = write.update ? [write.value, write.key] : [write.key, write.value];
      const [result] = await connection.query<ResultSetHeader>({ sql, values, timeout: sendTimeoutMs });
      return result.affectedRows === 1;
    },
    close: () => connection.destroy(),
  };
}

/** The load's SQL table, created through the source's MySQL port so the DDL is in the log. */
export async function createSqlTable(endpoint: SourceEndpoint): Promise<void> {
  if (endpoint.mysql === null) throw new Error(`${endpoint.node} has no MySQL port`);
  const connection = await createConnection({ ...endpoint.mysql, ...SQL_ACCOUNT });
  try {
    const { schema, table, keyColumn, valueColumn } = SQL_TABLE;
    await connection.query(`CREATE DATABASE \`${schema}\``);
    await connection.query(`CREATE TABLE \`${schema}\`.\`${table}\` (\`${keyColumn}\` VARCHAR(64) NOT NULL PRIMARY KEY, \`${valueColumn}\` VARCHAR(255) NOT NULL)`);
  } finally {
    await connection.end();
  }
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
