/**
 * `kbinlog stack up | status | down`: the README's first command, run as a user would, on ports
 * and a state directory of its own so it never touches a developer's running stack.
 */
import { appEntryPoint, MemcachedTestClient, queryRows, waitFor } from '@kbinlog/testing';
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';

const execFileAsync = promisify(execFile);
// Below Linux's ephemeral range (32768+), where an outgoing connection could hold the port; Kafka
// also takes port + 1000 for its controller.
const PORTS = { kafka: 21092, mariadb: 25316, http: 25080, memcached: 25211, mysql: 25307 };
const SQLITE_PORTS = { kafka: 21192, http: 25180, memcached: 25221 };

interface NodeState {
  name: string;
  role: string;
  state: string;
  http: string;
  memcached: string | null;
  mysql: string | null;
  database: string | null;
}

/** The CLI, run as a user runs it, with its state in `stateDir`. */
function cli(stateDir: string) {
  const kbinlog = (...args: string[]) =>
    execFileAsync(process.execPath, [appEntryPoint('cli'), ...args], {
      env: { ...process.env, KBINLOG_STATE_DIR: stateDir },
      timeout: 180_000,
    }).catch((error: { code: number; stdout: string; stderr: string }) => error);
  const status = async (): Promise<{ code: number; nodes: NodeState[] }> => {
    const result = await kbinlog('stack', 'status', '--json');
    const code = 'code' in result && typeof result.code === 'number' ? result.code : 0;
    return { code, nodes: (JSON.parse(result.stdout) as { nodes: NodeState[] }).nodes };
  };
  return { kbinlog, status };
}

describe('kbinlog stack', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'kbinlog-stack-'));
  const { kbinlog, status } = cli(stateDir);

  afterAll(async () => {
    await kbinlog('stack', 'down');
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('up starts Kafka, node-1 as source, node-2 as replica and the coordinator, each node with its own MariaDB', async () => {
    const up = await kbinlog(
      'stack', 'up', '--detach', '--replicas', '1', '--cluster', 'stacktest',
      '--kafka-port', String(PORTS.kafka), '--mariadb-base-port', String(PORTS.mariadb),
      '--http-base-port', String(PORTS.http), '--memcached-port', String(PORTS.memcached), '--mysql-port', String(PORTS.mysql),
    );
    // On failure, show what stack up said.
    expect({ code: 'code' in up ? up.code : 0, stderr: 'code' in up ? up.stderr : '' }).toEqual({ code: 0, stderr: '' });
    expect(up.stdout).toContain(`telnet 127.0.0.1 ${PORTS.memcached}`);
    expect(up.stdout).toContain(`mariadb -h127.0.0.1 -P${PORTS.mysql} -ukbinlog -pkbinlog`);

    const { code, nodes } = await status();
    expect(code).toBe(0);
    expect(nodes.map(({ name, role, state, http, memcached, mysql, database }) => ({ name, role, state, http, memcached, mysql, database }))).toEqual([
      { name: 'node-1', role: 'source', state: 'running', http: `http://127.0.0.1:${PORTS.http + 1}`, memcached: `127.0.0.1:${PORTS.memcached}`, mysql: `127.0.0.1:${PORTS.mysql}`, database: `mysql://kbinlog:kbinlog@127.0.0.1:${PORTS.mariadb}/` },
      { name: 'node-2', role: 'replica', state: 'running', http: `http://127.0.0.1:${PORTS.http + 2}`, memcached: `127.0.0.1:${PORTS.memcached + 1}`, mysql: `127.0.0.1:${PORTS.mysql + 1}`, database: `mysql://kbinlog:kbinlog@127.0.0.1:${PORTS.mariadb + 1}/` },
      { name: 'coordinator', role: 'coordinator', state: 'running', http: `http://127.0.0.1:${PORTS.http}`, memcached: null, mysql: null, database: null },
    ]);
  });

  it('the coordinator adopts node-1 as source, and `kbinlog source` says where to write', async () => {
    const source = await waitFor(
      async () => {
        const result = await kbinlog('source', '--json', '--coordinator', `http://127.0.0.1:${PORTS.http}`);
        return !('code' in result) && (JSON.parse(result.stdout) as { node: string; memcached: string; writable: boolean });
      },
      { description: 'the adopted source', timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(source).toMatchObject({ node: 'node-1', memcached: `127.0.0.1:${PORTS.memcached}`, writable: true });
  });

  it('replicates a memcached write from the source to node-2\'s own database', async () => {
    const client = await MemcachedTestClient.connect(PORTS.memcached);
    expect(await client.set('stacked', 'yes', 7)).toBe('STORED\r\n');
    client.close();
    const replicaDb = { name: 'node-2', host: '127.0.0.1', port: PORTS.mariadb + 1, user: 'kbinlog', password: 'kbinlog' };
    const rows = await waitFor(
      async () => {
        const found = await queryRows(replicaDb, "SELECT c2, c3 FROM test.demo_test WHERE c1 = 'stacked'");
        return found.length > 0 && found;
      },
      { description: 'the write on node-2', timeoutMs: 15_000 },
    );
    expect(rows).toEqual([{ c2: 'yes', c3: '7' }]);
  });

  it('takes SQL writes on the source\'s MySQL port; the replica serves reads and refuses client writes (read_only)', async () => {
    const source = await createConnection({ host: '127.0.0.1', port: PORTS.mysql, user: 'kbinlog', password: 'kbinlog' });
    try {
      await source.query("INSERT INTO test.demo_test (c1, c2, c3, c4, c5) VALUES ('by-sql', 'written with SQL', 0, 0, 0)");
    } finally {
      await source.end();
    }
    const app = await createConnection({ host: '127.0.0.1', port: PORTS.mariadb + 1, user: 'app', password: 'app' });
    try {
      const rows = await waitFor(
        async () => {
          const [found] = (await app.query("SELECT c2 FROM test.demo_test WHERE c1 = 'by-sql'")) as unknown as [{ c2: string }[]];
          return found.length > 0 && found;
        },
        { description: 'the SQL write on node-2', timeoutMs: 15_000 },
      );
      expect(rows).toEqual([{ c2: 'written with SQL' }]);
      await expect(app.query("DELETE FROM test.demo_test WHERE c1 = 'by-sql'")).rejects.toMatchObject({ errno: 1290 });
    } finally {
      await app.end();
    }
  });

  it('down stops every node, and status then says so (exit 1)', async () => {
    const down = await kbinlog('stack', 'down');
    expect(down).not.toHaveProperty('code');
    const { code, nodes } = await status();
    expect(code).toBe(1);
    expect(nodes.map((node) => node.state)).toEqual(['stopped', 'stopped', 'stopped']);
  });
});

describe('kbinlog stack --store sqlite', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'kbinlog-stack-sqlite-'));
  const { kbinlog, status } = cli(stateDir);
  const file = (node: string) => join(stateDir, 'stack', 'data', `${node}.db`);

  /** The demo table's rows in a node's SQLite file, read as any SQLite client would. */
  function demoRows(node: string): { c1: string; c2: string }[] {
    const database = new Database(file(node), { readonly: true, fileMustExist: true });
    try {
      return database.prepare('SELECT c1, c2 FROM "test.demo_test" ORDER BY c1').all() as { c1: string; c2: string }[];
    } finally {
      database.close();
    }
  }

  afterAll(async () => {
    await kbinlog('stack', 'down');
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('up gives every node its own SQLite file and starts no MariaDB', async () => {
    const up = await kbinlog(
      'stack', 'up', '--detach', '--store', 'sqlite', '--replicas', '2', '--cluster', 'stacklite',
      '--kafka-port', String(SQLITE_PORTS.kafka), '--http-base-port', String(SQLITE_PORTS.http), '--memcached-port', String(SQLITE_PORTS.memcached),
    );
    expect({ code: 'code' in up ? up.code : 0, stderr: 'code' in up ? up.stderr : '' }).toEqual({ code: 0, stderr: '' });
    expect(up.stdout).toContain(`sqlite3 ${file('node-2')}`);
    const { code, nodes } = await status();
    expect(code).toBe(0);
    expect(nodes.map(({ name, state, database }) => ({ name, state, database }))).toEqual([
      { name: 'node-1', state: 'running', database: `sqlite://${file('node-1')}` },
      { name: 'node-2', state: 'running', database: `sqlite://${file('node-2')}` },
      { name: 'node-3', state: 'running', database: `sqlite://${file('node-3')}` },
      { name: 'coordinator', state: 'running', database: null },
    ]);
  });

  it('replicates memcached writes and flush_all to every replica\'s file', async () => {
    const client = await MemcachedTestClient.connect(SQLITE_PORTS.memcached);
    try {
      expect(await client.set('lite', 'one', 0)).toBe('STORED\r\n');
      expect(await client.set('lite', 'two', 0)).toBe('STORED\r\n');
      const expected = [{ c1: 'AA', c2: 'HELLO, HELLO' }, { c1: 'lite', c2: 'two' }];
      expect(demoRows('node-1')).toEqual(expected);
      for (const replica of ['node-2', 'node-3']) {
        await waitFor(() => JSON.stringify(demoRows(replica)) === JSON.stringify(expected), { description: `both writes on ${replica}`, timeoutMs: 15_000 });
      }
      expect(await client.call('flush_all\r\n')).toBe('OK\r\n');
    } finally {
      client.close();
    }
    for (const replica of ['node-1', 'node-2', 'node-3']) {
      await waitFor(() => demoRows(replica).length === 0, { description: `flush_all on ${replica}`, timeoutMs: 15_000 });
    }
  });

  it('down stops the nodes and Kafka; the files keep their data', async () => {
    const down = await kbinlog('stack', 'down');
    expect(down).not.toHaveProperty('code');
    expect((await status()).nodes.map((node) => node.state)).toEqual(['stopped', 'stopped', 'stopped', 'stopped']);
    expect(demoRows('node-3')).toEqual([]);
  });
});
