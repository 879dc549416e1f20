/**
 * Invariant 2 at its most dangerous moment: the source dies (SIGKILL) after the Kafka commit of a
 * write and before its database commit. Afterwards the source's table must equal the log, and no
 * client may have been told STORED for a write that is not in the log.
 */
import {
  appEntryPoint,
  MemcachedTestClient,
  nodeFlags,
  queryRows,
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
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const infra = testInfra();
const server = infra.mariadb[0];
const cluster = uniqueClusterName('crash');
const topic = `kbinlog.${cluster}.binlog`;
const CRASH_AT_WRITE = 5;
const DEMO = { schema: 'test', table: 'demo_test', keyColumn: 'c1' };

describe('a source killed between the binlog commit and the database commit', () => {
  const flags = nodeFlags(infra, { cluster, server, nodeName: 'source', serverId: 1 });
  let restarted: RunningService | undefined;

  beforeAll(async () => {
    await resetNodeDatabases(server);
  });

  afterAll(async () => {
    await restarted?.stop();
  });

  it('never acknowledges a write the log lacks, and recovers the logged write at restart', async () => {
    const crashing = await startService('source', [...flags, '--memcached-port', '0', '--mysql-port', '0', '--fault-injection', `after-log-commit@${CRASH_AT_WRITE}`]);
    const seeded = await tableByKey(server);
    const client = await MemcachedTestClient.connect((await sourceStatus(crashing)).Memcached_Port);
    const acknowledged: string[] = [];
    for (let i = 1; i <= CRASH_AT_WRITE + 3; i++) {
      const reply = await client.set(`k${i}`, `v${i}`).catch(() => 'connection lost');
      if (reply === 'STORED\r\n') acknowledged.push(`k${i}`);
      if (client.isClosed) break;
    }
    await crashing.stop();
    expect(crashing.process.signalCode).toBe('SIGKILL');
    // The write that was in flight was never acknowledged; the ones before it were.
    expect(acknowledged).toEqual(['k1', 'k2', 'k3', 'k4']);
    // The crash hit between the two commits: the database lacks the write the log holds.
    expect([...(await tableByKey(server)).keys()]).not.toContain(`k${CRASH_AT_WRITE}`);

    const recovered = await startService('source', [...flags, '--memcached-port', '0', '--mysql-port', '0']);
    restarted = recovered;
    expect(restarted.output.some((line) => line.includes('"event":"catch_up.done"'))).toBe(true);
    const position = BigInt((await sourceStatus(restarted)).Position);
    const logged = await replayTable(infra, topic, DEMO, position, seeded);
    const stored = await tableByKey(server);

    expect([...stored.keys()].sort()).toEqual([...logged.keys()].sort());
    for (const [key, row] of logged) expect(stored.get(key)).toEqual(row);
    for (const key of acknowledged) expect(logged.has(key)).toBe(true);
    expect(stored.get(`k${CRASH_AT_WRITE}`)?.['c2']).toBe(`v${CRASH_AT_WRITE}`);

    // And the source takes writes again, continuing the log.
    const again = await MemcachedTestClient.connect((await sourceStatus(restarted)).Memcached_Port);
    expect(await again.set('after-restart', 'ok')).toBe('STORED\r\n');
    again.close();
    await waitFor(async () => BigInt((await sourceStatus(recovered)).Position) > position, { description: 'the position to advance', timeoutMs: 5000 });
  });

  it('refuses to start when its database stands outside the binlog (e.g. a recreated topic)', async () => {
    await restarted?.stop();
    restarted = undefined;
    // As a database that applied a group at 999998 of another log would stand.
    await queryRows(server, "UPDATE kbinlog.applier_position SET batch_first_offset = 999998, next_offset = 999999 WHERE channel = 'default'");
    const failure = await promisify(execFile)(process.execPath, [appEntryPoint('source'), ...flags, '--memcached-port', '0', '--mysql-port', '0', '--http-port', '0'], {
      timeout: 60_000,
    }).catch((error: { code: number; stdout: string }) => error);
    expect(failure).toMatchObject({ code: 1 });
    const failed = (failure as { stdout: string }).stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { event?: string; err?: { message: string } })
      .find((entry) => entry.event === 'service.start_failed');
    expect(failed?.err?.message).toMatch(new RegExp(`stands at ${topic}-0:999999, outside the binlog, which holds offsets 0 to \\d+`));
  });
});
