/**
 * The node service's run-time roles (docs/coordinator.md): two node processes on one cluster, one
 * started as source and one as replica; a switchover by demote + assignment + promote; a
 * restarted old source that rejoins as a replica; and a frozen source (SIGSTOP) that resumes
 * after another node was promoted and gets no write acknowledged (invariant 3).
 */
import {
  getJson,
  MemcachedTestClient,
  nodeFlags,
  resetNodeDatabases,
  type RunningService,
  startService,
  testInfra,
  uniqueClusterName,
  waitFor,
  writeSourceAssignment,
} from '@kbinlog/testing';
import { createConnection } from 'mysql2/promise';

const infra = testInfra();
const [serverA, serverB] = infra.mariadb;
const cluster = uniqueClusterName('roles');

interface NodeReport {
  readonly node: string;
  readonly role: string;
  readonly writable: boolean;
  readonly appliedOffset: string;
  readonly appliedAgeMs: number | null;
  readonly ioRunning: boolean;
  readonly sqlRunning: boolean;
  readonly httpUrl: string;
  readonly memcached: string | null;
  readonly mysql: string | null;
}

interface Status {
  readonly Position: string;
  readonly Memcached_Port: number;
  readonly Mysql_Port: number;
  readonly Role: string;
}

const READ_ONLY_1290 = { errno: 1290, sqlState: 'HY000', sqlMessage: 'The MySQL server is running with the --read-only option so it cannot execute this statement' };

function flags(name: 'node-a' | 'node-b', role: 'source' | 'replica'): string[] {
  return [
    ...nodeFlags(infra, { cluster, server: name === 'node-a' ? serverA : serverB, nodeName: name, serverId: name === 'node-a' ? 1 : 2 }),
    '--role', role,
    '--memcached-port', '0',
    '--mysql-port', '0',
    '--topology-interval-ms', '500',
  ];
}

const report = (node: RunningService) => getJson<NodeReport>(`${node.httpUrl}/node`);
const status = (node: RunningService) => getJson<Status>(`${node.httpUrl}/status`);

async function post(node: RunningService, path: string, body?: unknown): Promise<{ status: number; type: string; body: Record<string, unknown> }> {
  const response = await fetch(`${node.httpUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: (await response.json()) as Record<string, unknown> };
}

async function memcached(node: RunningService): Promise<MemcachedTestClient> {
  return MemcachedTestClient.connect((await status(node)).Memcached_Port);
}

async function mysql(node: RunningService) {
  return createConnection({ host: '127.0.0.1', port: (await status(node)).Mysql_Port, user: 'kbinlog', password: 'kbinlog', database: 'test' });
}

async function sqlError(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
    return 'no error';
  } catch (error) {
    const { errno, sqlState, sqlMessage } = error as { errno?: number; sqlState?: string; sqlMessage?: string };
    return { errno, sqlState, sqlMessage };
  }
}

/** Waits until `replica` applied everything `source` wrote so far. */
async function caughtUp(source: RunningService, replica: RunningService): Promise<void> {
  const { Position } = await status(source);
  await waitFor(async () => BigInt((await report(replica)).appliedOffset) >= BigInt(Position), { description: `${replica.httpUrl} to apply up to ${Position}`, timeoutMs: 20_000 });
}

async function getValue(client: MemcachedTestClient, key: string): Promise<string> {
  return client.call(`get ${key}\r\n`, (reply) => reply.endsWith('END\r\n') || reply.startsWith('SERVER_ERROR'));
}

describe('node roles: replica, switchover, rejoin, fencing', () => {
  let a: RunningService;
  let b: RunningService;
  const clients: MemcachedTestClient[] = [];

  beforeAll(async () => {
    await Promise.all([resetNodeDatabases(serverA), resetNodeDatabases(serverB)]);
    a = await startService('source', flags('node-a', 'source'), {}, 60_000);
    b = await startService('source', flags('node-b', 'replica'), {}, 60_000);
  }, 120_000);

  afterAll(async () => {
    for (const client of clients) client.close();
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('with no assignment, each node takes its --role: the replica serves reads and refuses every write', async () => {
    expect(await report(a)).toMatchObject({ node: 'node-a', role: 'source', writable: true });
    expect(await report(b)).toMatchObject({ node: 'node-b', role: 'replica', writable: false, ioRunning: true, sqlRunning: true });
    expect((await status(b)).Role).toBe('replica');
    // The replica controls act on the channel of a node that applies the log, and refuse on the source.
    expect(await getJson(`${b.httpUrl}/replica/status`)).toMatchObject({ node: 'node-b', Replica_IO_Running: 'Yes', Replica_SQL_Running: 'Yes' });
    const onSource = await fetch(`${a.httpUrl}/replica/status`);
    expect({ status: onSource.status, type: onSource.headers.get('content-type'), body: await onSource.json() }).toMatchObject({
      status: 409,
      type: expect.stringContaining('application/problem+json'),
      body: { type: 'urn:kbinlog:problem:not-a-replica', detail: 'node-a is source: it runs no replication channel' },
    });

    const toA = await memcached(a);
    clients.push(toA);
    expect(await toA.call('set k1 0 0 2\r\nv1\r\n')).toBe('STORED\r\n');
    await caughtUp(a, b);

    const toB = await memcached(b);
    clients.push(toB);
    expect(await getValue(toB, 'k1')).toBe('VALUE k1 0 2\r\nv1\r\nEND\r\n');
    const refused = 'SERVER_ERROR read only: node-b is a replica; write to the source (unknown)\r\n';
    for (const command of ['set k9 0 0 1\r\nx\r\n', 'add k9 0 0 1\r\nx\r\n', 'append k1 0 0 1\r\nx\r\n', 'delete k1\r\n', 'incr k1 1\r\n', 'touch k1 10\r\n', 'gat 10 k1\r\n', 'flush_all\r\n']) {
      expect({ command, reply: await toB.call(command) }).toEqual({ command, reply: refused });
    }
    expect(await getValue(toB, 'k1')).toBe('VALUE k1 0 2\r\nv1\r\nEND\r\n');

    const sql = await mysql(b);
    try {
      const [rows] = await sql.query("SELECT c2 FROM demo_test WHERE c1 = 'k1'");
      expect(rows).toEqual([{ c2: 'v1' }]);
      expect(await sqlError(sql.query("INSERT INTO demo_test (c1, c2) VALUES ('s1', 'x')"))).toEqual(READ_ONLY_1290);
      expect(await sqlError(sql.query('CREATE TABLE t_replica (id INT PRIMARY KEY)'))).toEqual(READ_ONLY_1290);
      expect(await sqlError(sql.query("UPDATE demo_test SET c2 = 'y' WHERE c1 = 'k1'"))).toEqual(READ_ONLY_1290);
      // Nothing half-applied: the refused statements changed nothing.
      const [again] = await sql.query("SELECT c1, c2 FROM demo_test WHERE c1 IN ('k1', 's1')");
      expect(again).toEqual([{ c1: 'k1', c2: 'v1' }]);
      const [tables] = await sql.query("SHOW TABLES LIKE 't_replica'");
      expect(tables).toEqual([]);
    } finally {
      await sql.end();
    }
  });

  it('once a coordinator assigns the source, it appends a heartbeat group every second and the replica applies them', async () => {
    await writeSourceAssignment(infra, cluster, 'node-a', 1, 'adopted');
    await waitFor(() => a.output.some((line) => line.includes('"event":"heartbeat.started"')), { description: 'node-a to start heartbeats', timeoutMs: 10_000 });
    const first = BigInt((await report(b)).appliedOffset);
    const started = Date.now();
    await waitFor(async () => BigInt((await report(b)).appliedOffset) >= first + 4n, { description: 'two heartbeat groups (two offsets each, with their commit markers) to reach node-b', timeoutMs: 6_000 });
    // One group a second: two groups take more than one interval and not much more than two.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const replica = await report(b);
    expect(replica.appliedAgeMs).not.toBeNull();
    expect(replica.appliedAgeMs ?? Infinity).toBeLessThan(2_500);
  });

  it('switchover: demote node-a, assign and promote node-b; writes go to node-b and reach node-a', async () => {
    const demoted = await post(a, '/node/demote');
    expect(demoted.status).toBe(200);
    expect(demoted.body['report']).toMatchObject({ node: 'node-a', role: 'replica', writable: false });
    const position = String(demoted.body['position']);
    expect(position).toMatch(new RegExp(`^kbinlog\\.${cluster}\\.binlog-0:\\d+$`));
    expect(await post(a, '/node/demote')).toMatchObject({ status: 200, body: { position } });

    const toA = clients[0];
    expect(await toA.call('set k2 0 0 2\r\nv2\r\n')).toMatch(/^SERVER_ERROR read only: node-a is a replica; write to the source \(/);

    await writeSourceAssignment(infra, cluster, 'node-b', 2);
    const wrong = await post(b, '/node/promote', { generation: 3 });
    expect(wrong).toMatchObject({ status: 409, body: { type: 'urn:kbinlog:problem:not-assigned', status: 409 } });
    expect(wrong.type).toMatch(/^application\/problem\+json/);
    expect((await report(b)).role).toBe('replica');

    const promoted = await post(b, '/node/promote', { generation: 2 });
    expect(promoted).toMatchObject({ status: 200, body: { node: 'node-b', role: 'source', writable: true } });
    // It applied the log to its end before it took writes (invariant 4).
    expect(BigInt(String(promoted.body['appliedOffset']))).toBeGreaterThanOrEqual(BigInt(position.split(':').pop() ?? ''));
    expect(await post(b, '/node/promote', { generation: 2 })).toMatchObject({ status: 200, body: { role: 'source' } });
    expect(b.output.some((line) => line.includes('"event":"promote.done"'))).toBe(true);

    const toB = clients[1];
    expect(await toB.call('set k2 0 0 2\r\nv2\r\n')).toBe('STORED\r\n');
    const sql = await mysql(b);
    try {
      await sql.query("INSERT INTO demo_test (c1, c2, c3, c4, c5) VALUES ('s2', 'sql', 0, 0, 0)");
    } finally {
      await sql.end();
    }
    await caughtUp(b, a);
    expect(await getValue(toA, 'k2')).toBe('VALUE k2 0 2\r\nv2\r\nEND\r\n');
    expect(await getValue(toA, 's2')).toBe('VALUE s2 0 3\r\nsql\r\nEND\r\n');
    expect(await toA.call('delete k2\r\n')).toBe('SERVER_ERROR read only: node-a is a replica; write to the source (node-b)\r\n');
    expect((await status(a)).Role).toBe('replica');
  });

  it('a restarted old source rejoins as a replica: the assignment names node-b, so it fences nobody', async () => {
    await a.stop('SIGKILL');
    a = await startService('source', flags('node-a', 'source'), {}, 60_000);
    expect(await report(a)).toMatchObject({ role: 'replica', writable: false });
    expect(a.output.some((line) => line.includes('"event":"promote.started"'))).toBe(false);

    const toB = await memcached(b);
    clients.push(toB);
    expect(await toB.call('set k3 0 0 2\r\nv3\r\n')).toBe('STORED\r\n');
    await caughtUp(b, a);
    const toA = await memcached(a);
    clients.push(toA);
    expect(await getValue(toA, 'k3')).toBe('VALUE k3 0 2\r\nv3\r\nEND\r\n');
  });

  it('a frozen source that resumes after another node was promoted gets no write acknowledged and becomes a replica', async () => {
    const toB = await memcached(b);
    clients.push(toB);
    const pid = b.process.pid as number;
    process.kill(pid, 'SIGSTOP');
    let resumed = false;
    try {
      // Sent while frozen: it waits in the socket until the process runs again.
      const inFlight = toB.call('set frozen 0 0 1\r\nx\r\n', undefined, 60_000);

      await writeSourceAssignment(infra, cluster, 'node-a', 3, 'failover');
      const promoted = await post(a, '/node/promote', { generation: 3 });
      expect(promoted).toMatchObject({ status: 200, body: { node: 'node-a', role: 'source', writable: true } });
      const toA = await memcached(a);
      clients.push(toA);
      expect(await toA.call('set after 0 0 2\r\nok\r\n')).toBe('STORED\r\n');

      process.kill(pid, 'SIGCONT');
      resumed = true;
      expect(await inFlight).toMatch(/^SERVER_ERROR /);
      for (let i = 0; i < 5; i++) expect(await toB.call(`set late${i} 0 0 1\r\nx\r\n`)).toMatch(/^SERVER_ERROR /);
      await waitFor(async () => (await report(b)).role === 'replica', { description: 'node-b to demote itself', timeoutMs: 20_000 });
      expect(b.output.some((line) => line.includes('"event":"source.fenced"'))).toBe(true);
      expect(await toB.call('set late 0 0 1\r\nx\r\n')).toBe('SERVER_ERROR read only: node-b is a replica; write to the source (node-a)\r\n');

      // None of node-b's refused writes is anywhere; node-a's write reaches node-b.
      expect(await getValue(toA, 'frozen')).toBe('END\r\n');
      await caughtUp(a, b);
      expect(await getValue(toB, 'after')).toBe('VALUE after 0 2\r\nok\r\nEND\r\n');
      expect(await getValue(toB, 'frozen')).toBe('END\r\n');
      expect(b.process.exitCode).toBeNull();
    } finally {
      if (!resumed) process.kill(pid, 'SIGCONT');
    }
  });
});
