import { connectMany, type SqlEndpoint } from '../clients/mariadb';
import { MemcachedClient } from '../clients/memcached-client';
import { type ClosedLoopOptions, type ClosedLoopResult, runClosedLoop } from './closed-loop';

export interface Address {
  readonly host: string;
  readonly port: number;
}

/** One memcached request of worker `worker` on its connection. */
export type MemcachedRequest = (client: MemcachedClient, worker: number, index: number) => Promise<void>;

/**
 * Closed-loop memcached load: `connections` connections, `pipeline` workers sharing each (so up
 * to `pipeline` requests in flight per connection).
 */
export async function memcachedLoad(address: Address, connections: number, pipeline: number, request: MemcachedRequest, options: Omit<ClosedLoopOptions, 'workers'>): Promise<ClosedLoopResult> {
  const clients = await Promise.all(Array.from({ length: connections }, () => MemcachedClient.connect(address.host, address.port)));
  try {
    return await runClosedLoop((worker, index) => request(clients[worker % connections], worker, index), { ...options, workers: connections * pipeline });
  } finally {
    for (const client of clients) client.close();
  }
}

/** A statement and its parameters (mysql2 escapes them client-side: the text protocol). */
export type SqlRequest = (worker: number, index: number) => [sql: string, values: unknown[]];

/** Closed-loop SQL load: one connection per worker, each statement autocommit. */
export async function sqlLoad(endpoint: SqlEndpoint, workers: number, request: SqlRequest, options: Omit<ClosedLoopOptions, 'workers'>): Promise<ClosedLoopResult> {
  const { connections, close } = await connectMany(endpoint, workers);
  try {
    return await runClosedLoop(
      async (worker, index) => {
        const [sql, values] = request(worker, index);
        await connections[worker].query(sql, values);
      },
      { ...options, workers },
    );
  } finally {
    await close();
  }
}

/** Preloads keys into a memcached server with pipelined sets on one connection. */
export async function memcachedPreload(address: Address, keys: readonly string[], value: string): Promise<void> {
  const client = await MemcachedClient.connect(address.host, address.port);
  try {
    for (let first = 0; first < keys.length; first += 100) await Promise.all(keys.slice(first, first + 100).map((key) => client.set(key, value)));
  } finally {
    client.close();
  }
}
