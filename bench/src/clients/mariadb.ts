import { type Connection, createConnection } from 'mysql2/promise';

/** A MySQL-protocol endpoint: a MariaDB server, or the source's MySQL port. */
export interface SqlEndpoint {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
}

/** "mysql://kbinlog:kbinlog@127.0.0.1:26316/" (a node's database URL) → endpoint. */
export function endpointOfUrl(url: string): SqlEndpoint {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port), user: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) };
}

export function connectSql(endpoint: SqlEndpoint): Promise<Connection> {
  return createConnection({ host: endpoint.host, port: endpoint.port, user: endpoint.user, password: endpoint.password, supportBigNumbers: true, bigNumberStrings: true });
}

/** Runs `body` on one short-lived connection, closed whatever it does. */
export async function withConnection<T>(endpoint: SqlEndpoint, body: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await connectSql(endpoint);
  try {
    return await body(connection);
  } finally {
    await connection.end();
  }
}

/** Runs statements on one short-lived connection. */
export function runStatements(endpoint: SqlEndpoint, statements: readonly string[]): Promise<void> {
  return withConnection(endpoint, async (connection) => {
    for (const statement of statements) await connection.query(statement);
  });
}

/** Opens `count` connections (closed together by the returned function). */
export async function connectMany(endpoint: SqlEndpoint, count: number): Promise<{ connections: Connection[]; close: () => Promise<void> }> {
  const connections = await Promise.all(Array.from({ length: count }, () => connectSql(endpoint)));
  return { connections, close: async () => void (await Promise.allSettled(connections.map((connection) => connection.end()))) };
}
