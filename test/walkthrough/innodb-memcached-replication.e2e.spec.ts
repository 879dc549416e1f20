/**
 * MySQL manual 14.21.6, "The InnoDB memcached Plugin and Replication", replayed over a raw TCP
 * socket as telnet would, against a real source and replica: after every step the replica's
 * `SELECT * FROM test.demo_test` (on its own MariaDB) equals the table the manual prints, except
 * the cas column, which must equal what `gets` returns on the source.
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
  sourceStatus,
  waitUntilReplicated,
} from '@kbinlog/testing';
import { createConnection } from 'mysql2/promise';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

const infra = testInfra();
const [sourceServer, replicaServer] = infra.mariadb;
const cluster = uniqueClusterName('walk');

type Row = [c1: string, c2: string, c3: string, cas: string | 'AA-cas', c5: string];

async function selectDemo(server: typeof sourceServer): Promise<string[][]> {
  const connection = await createConnection({ host: server.host, port: server.port, user: server.user, password: server.password });
  try {
    const [rows] = await connection.query({ sql: 'SELECT * FROM test.demo_test ORDER BY c1', rowsAsArray: true, typeCast: (field) => field.string() });
    return rows as string[][];
  } finally {
    await connection.end();
  }
}

describe('MySQL 14.21.6: the InnoDB memcached plugin and replication', () => {
  let source: RunningService;
  let replica: RunningService;
  let client: MemcachedTestClient;

  /** The manual's table, with each cas cell taken from the source's gets. */
  async function expectReplicaTable(expected: Row[]): Promise<void> {
    await waitUntilReplicated(source, replica);
    const keys = expected.map(([c1]) => c1);
    const hits = keys.length > 0 ? await client.gets(...keys) : new Map();
    const rows = expected.map(([c1, c2, c3, , c5]) => [c1, c2, c3, hits.get(c1)?.cas ?? 'missing on the source', c5]);
    expect(await selectDemo(replicaServer)).toEqual(rows);
    expect(await selectDemo(sourceServer)).toEqual(rows);
  }

  beforeAll(async () => {
    await Promise.all([resetNodeDatabases(sourceServer), resetNodeDatabases(replicaServer)]);
    source = await startService('source', [...nodeFlags(infra, { cluster, server: sourceServer, nodeName: 'source', serverId: 1 }), '--memcached-port', '0', '--mysql-port', '0']);
    replica = await startService('replica', nodeFlags(infra, { cluster, server: replicaServer, nodeName: 'replica-1', serverId: 2 }));
    const { Memcached_Port } = await sourceStatus(source);
    client = await MemcachedTestClient.connect(Memcached_Port);
  });

  afterAll(async () => {
    client?.close();
    await Promise.all([source?.stop(), replica?.stop()]);
  });

  it('answers the manual\'s short byte count with CLIENT_ERROR bad data chunk, as memcached does, and stores nothing', async () => {
    // The manual sends `set test1 10 0 1` followed by the two bytes "t1".
    expect(await client.call('set test1 10 0 1\r\nt1\r\n', (reply) => reply.endsWith('ERROR\r\n'))).toBe('CLIENT_ERROR bad data chunk\r\nERROR\r\n');
    expect((await client.gets('test1')).size).toBe(0);
  });

  it('steps 1-3: set inserts test1; the replica has AA and test1', async () => {
    expect(await client.call('set test1 10 0 2\r\nt1\r\n')).toBe('STORED\r\n');
    await expectReplicaTable([
      ['AA', 'HELLO, HELLO', '8', 'AA-cas', '0'],
      ['test1', 't1', '10', 'cas', '0'],
    ]);
    // AA was never written through memcached: its cas is the seed's 0, on both nodes.
    expect((await client.gets('AA')).get('AA')?.cas).toBe('0');
  });

  it('step 4: set updates test1 to "new", and its cas changes', async () => {
    const before = (await client.gets('test1')).get('test1')?.cas;
    expect(await client.call('set test1 10 0 3\r\nnew\r\n')).toBe('STORED\r\n');
    await expectReplicaTable([
      ['AA', 'HELLO, HELLO', '8', 'AA-cas', '0'],
      ['test1', 'new', '10', 'cas', '0'],
    ]);
    expect((await client.gets('test1')).get('test1')?.cas).not.toBe(before);
  });

  it('step 5: delete removes test1 on the replica', async () => {
    expect(await client.call('delete test1\r\n')).toBe('DELETED\r\n');
    await expectReplicaTable([['AA', 'HELLO, HELLO', '8', 'AA-cas', '0']]);
  });

  it('step 6: flush_all empties the table on the replica (a TRUNCATE TABLE statement event)', async () => {
    expect(await client.call('flush_all\r\n')).toBe('OK\r\n');
    await expectReplicaTable([]);
  });

  it('steps 7-8: two new records reach the replica', async () => {
    expect(await client.call('set test2 10 0 5\r\nagain\r\n')).toBe('STORED\r\n');
    expect(await client.call('set test3 10 0 6\r\nagain1\r\n')).toBe('STORED\r\n');
    await expectReplicaTable([
      ['test2', 'again', '10', 'cas', '0'],
      ['test3', 'again1', '10', 'cas', '0'],
    ]);
  });

  it('steps 9-10: flush_all is replicated', async () => {
    expect(await client.call('flush_all\r\n')).toBe('OK\r\n');
    await expectReplicaTable([]);
    const status = await getJson<Record<string, unknown>>(`${replica.httpUrl}/replica/status`);
    expect(status).toMatchObject({ Replica_IO_Running: 'Yes', Replica_SQL_Running: 'Yes', Last_Errno: 0, Seconds_Behind_Source: 0 });
    expect(status['Executed_Gtid_Set']).toBe((await sourceStatus(source)).Executed_Gtid_Set);
  });

  it('kcat reads the binlog topic and prints one readable line per group', async () => {
    const { stdout } = await execFileAsync('kcat', [
      '-C', '-b', infra.kafka.brokers.join(','), '-t', `kbinlog.${cluster}.binlog`,
      '-X', 'isolation.level=read_committed', '-e', '-q', '-f', '%o %k %h %s\\n',
    ]);
    const lines = stdout.trim().split('\n');
    // set, set, delete, flush_all, set, set, flush_all: seven groups, offsets two apart (markers).
    expect(lines).toHaveLength(7);
    const parsed = lines.map((line) => {
      const [offset, key, headers, ...value] = line.split(' ');
      return { offset: Number(offset), key, headers, group: JSON.parse(value.join(' ')) };
    });
    expect(parsed.map(({ group }) => group.events[0].type)).toEqual(['insert', 'update', 'delete', 'statement', 'insert', 'insert', 'statement']);
    for (const [index, { offset, key, headers, group }] of parsed.entries()) {
      expect(key).toMatch(/^[0-9a-f-]{36}:\d+$/);
      expect(group.gtid).toBe(key);
      expect(headers).toBe(`format=1,server_id=1,events=${group.events.length}`);
      if (index > 0) expect(offset).toBeGreaterThan(parsed[index - 1].offset + 1);
    }
    expect(parsed[3].group.events[0]).toEqual({ type: 'statement', schema: 'test', sql: 'TRUNCATE TABLE `test`.`demo_test`', tables: [{ schema: 'test', table: 'demo_test' }] });
  });
});
