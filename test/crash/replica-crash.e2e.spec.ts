/**
 * Exactly-once apply (invariant 5): a replica killed with SIGKILL in the middle of 10,000 writes
 * and restarted ends with exactly the source's rows, none missing and none applied twice (a
 * group applied twice would stop its STRICT applier on a duplicate key or a missing row).
 */
import {
  getJson,
  MemcachedTestClient,
  nodeFlags,
  replayTable,
  resetNodeDatabases,
  type RunningService,
  sourceStatus,
  startService,
  tableByKey,
  testInfra,
  uniqueClusterName,
  waitFor,
} from '@kbinlog/testing';

// 10,000 durable writes: about a minute on 2 cores, more when the machine is shared.
jest.setTimeout(180_000);

const infra = testInfra();
const [sourceServer, replicaServer] = infra.mariadb;
const cluster = uniqueClusterName('rcrash');
const WRITES = 10_000;
const CLIENTS = 16;
const KILL_AFTER = 3_000;

describe('a replica killed in the middle of 10,000 writes', () => {
  let source: RunningService;
  let replica: RunningService;
  const replicaFlags = nodeFlags(infra, { cluster, server: replicaServer, nodeName: 'replica-1', serverId: 2 });

  beforeAll(async () => {
    await Promise.all([resetNodeDatabases(sourceServer), resetNodeDatabases(replicaServer)]);
    // Writers from 16 connections share binlog groups (up to 16 writes each), as MySQL's
    // daemon_memcached_w_batch_size allows; the replica applies group by group all the same.
    source = await startService('source', [
      ...nodeFlags(infra, { cluster, server: sourceServer, nodeName: 'source', serverId: 1 }),
      '--memcached-port', '0', '--mysql-port', '0', '--w-batch-size', '16',
    ]);
    replica = await startService('replica', replicaFlags);
  });

  afterAll(async () => {
    await Promise.all([source?.stop(), replica?.stop()]);
  });

  it('restarts from its stored position and converges on the source, row for row', async () => {
    const seeded = await tableByKey(sourceServer);
    const { Memcached_Port } = await sourceStatus(source);
    let acknowledged = 0;
    let changes = 0;
    let killed: Promise<void> | undefined;
    const writer = async (client: number) => {
      const connection = await MemcachedTestClient.connect(Memcached_Port);
      for (let i = 0; i < WRITES / CLIENTS; i++) {
        const key = `c${client}-${i % 97}`;
        // Mostly inserts and updates of a working set, with deletes in between.
        const reply = i % 11 === 10 ? await connection.call(`delete ${key}\r\n`) : await connection.set(key, `v${i}`, client);
        expect(reply).toMatch(/^(STORED|DELETED|NOT_FOUND)\r\n$/);
        if (reply !== 'NOT_FOUND\r\n') changes++;
        if (++acknowledged === KILL_AFTER) {
          replica.process.kill('SIGKILL');
          killed = replica.stop().then(() => undefined);
        }
      }
      connection.close();
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, client) => writer(client)));
    expect(acknowledged).toBe(WRITES);
    await killed;
    expect(replica.process.signalCode).toBe('SIGKILL');

    replica = await startService('replica', replicaFlags);
    const { Position, Executed_Gtid_Set } = await sourceStatus(source);
    const status = await waitFor(
      async () => {
        const current = await getJson<{ Exec_Source_Log_Pos: string; Last_Errno: number; Last_Error: string }>(`${replica.httpUrl}/replica/status`);
        if (current.Last_Errno !== 0) throw new Error(`applier stopped: ${current.Last_Error}`);
        return BigInt(current.Exec_Source_Log_Pos) >= BigInt(Position) && current;
      },
      { description: `the restarted replica to apply up to ${Position}`, timeoutMs: 60_000 },
    );
    expect(status).toMatchObject({ Replica_SQL_Running: 'Yes', Last_Errno: 0, Executed_Gtid_Set });
    // w_batch_size 16: concurrent writes shared groups, never more than 16 to a group.
    const groups = Number(/:1-(\d+)$/.exec(Executed_Gtid_Set)?.[1]);
    expect(groups).toBeLessThan(changes);
    expect(groups).toBeGreaterThanOrEqual(Math.ceil(changes / 16));

    const onSource = await tableByKey(sourceServer);
    const onReplica = await tableByKey(replicaServer);
    const logged = await replayTable(infra, `kbinlog.${cluster}.binlog`, { schema: 'test', table: 'demo_test', keyColumn: 'c1' }, BigInt(Position), seeded);
    expect(onReplica.size).toBe(onSource.size);
    expect(Object.fromEntries(onReplica)).toEqual(Object.fromEntries(onSource));
    expect(Object.fromEntries(onSource)).toEqual(Object.fromEntries(logged));
  });
});
