/**
 * `kbinlog stack up | status | down`: the README's first command, run as a user would, on ports
 * and a state directory of its own so it never touches a developer's running stack.
 */
import { appEntryPoint, MemcachedTestClient, queryRows, waitFor } from '@kbinlog/testing';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const stateDir = mkdtempSync(join(tmpdir(), 'kbinlog-stack-'));
// Below Linux's ephemeral range (32768+), where an outgoing connection could hold the port.
const PORTS = { kafka: 25092, mariadb: 25316, http: 25080, memcached: 25211 };

interface NodeState {
  name: string;
  role: string;
  state: string;
  http: string;
  memcached: string | null;
  database: string | null;
}

function kbinlog(...args: string[]) {
  return execFileAsync(process.execPath, [appEntryPoint('cli'), ...args], {
    env: { ...process.env, KBINLOG_STATE_DIR: stateDir },
    timeout: 180_000,
  }).catch((error: { code: number; stdout: string; stderr: string }) => error);
}

async function status(): Promise<{ code: number; nodes: NodeState[] }> {
  const result = await kbinlog('stack', 'status', '--json');
  const code = 'code' in result && typeof result.code === 'number' ? result.code : 0;
  return { code, nodes: (JSON.parse(result.stdout) as { nodes: NodeState[] }).nodes };
}

describe('kbinlog stack', () => {
  afterAll(async () => {
    await kbinlog('stack', 'down');
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('up starts Kafka, a source, a replica and the coordinator, each node with its own MariaDB', async () => {
    const up = await kbinlog(
      'stack', 'up', '--detach', '--replicas', '1', '--cluster', 'stacktest',
      '--kafka-port', String(PORTS.kafka), '--mariadb-base-port', String(PORTS.mariadb),
      '--http-base-port', String(PORTS.http), '--memcached-port', String(PORTS.memcached),
    );
    // On failure, show what stack up said.
    expect({ code: 'code' in up ? up.code : 0, stderr: 'code' in up ? up.stderr : '' }).toEqual({ code: 0, stderr: '' });
    expect(up.stdout).toContain(`telnet 127.0.0.1 ${PORTS.memcached}`);

    const { code, nodes } = await status();
    expect(code).toBe(0);
    expect(nodes.map(({ name, role, state, http, memcached, database }) => ({ name, role, state, http, memcached, database }))).toEqual([
      { name: 'source', role: 'source', state: 'running', http: `http://127.0.0.1:${PORTS.http + 1}`, memcached: `127.0.0.1:${PORTS.memcached}`, database: `mysql://kbinlog:kbinlog@127.0.0.1:${PORTS.mariadb}/` },
      { name: 'replica-1', role: 'replica', state: 'running', http: `http://127.0.0.1:${PORTS.http + 2}`, memcached: null, database: `mysql://kbinlog:kbinlog@127.0.0.1:${PORTS.mariadb + 1}/` },
      { name: 'coordinator', role: 'coordinator', state: 'running', http: `http://127.0.0.1:${PORTS.http}`, memcached: null, database: null },
    ]);
  });

  it('replicates a memcached write from the source to the replica\'s own database', async () => {
    const client = await MemcachedTestClient.connect(PORTS.memcached);
    expect(await client.set('stacked', 'yes', 7)).toBe('STORED\r\n');
    client.close();
    const replicaDb = { name: 'replica-1', host: '127.0.0.1', port: PORTS.mariadb + 1, user: 'kbinlog', password: 'kbinlog' };
    const rows = await waitFor(
      async () => {
        const found = await queryRows(replicaDb, "SELECT c2, c3 FROM test.demo_test WHERE c1 = 'stacked'");
        return found.length > 0 && found;
      },
      { description: 'the write on replica-1', timeoutMs: 15_000 },
    );
    expect(rows).toEqual([{ c2: 'yes', c3: '7' }]);
  });

  it('down stops every node, and status then says so (exit 1)', async () => {
    const down = await kbinlog('stack', 'down');
    expect(down).not.toHaveProperty('code');
    const { code, nodes } = await status();
    expect(code).toBe(1);
    expect(nodes.map((node) => node.state)).toEqual(['stopped', 'stopped', 'stopped']);
  });
});
