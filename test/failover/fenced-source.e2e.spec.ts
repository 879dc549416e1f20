/**
 * A frozen source (SIGSTOP) is failed over; when it thaws it is fenced (design invariant 3): its
 * Kafka commits fail, so not one write sent to it, memcached or SQL, is acknowledged, and it
 * demotes itself to a replica of the same log and converges with the others.
 */
import { MemcachedTestClient, mixedClients, parseHostPort, SQL_ACCOUNT, SQL_TABLE, testInfra, TestCluster, waitFor, WriteLoad } from '@kbinlog/testing';
import { createConnection } from 'mysql2/promise';

jest.setTimeout(180_000);

const infra = testInfra();

describe('a source frozen through a failover', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await TestCluster.start(infra, { prefix: 'fenced' });
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it('cannot get a single write acknowledged after it thaws, reports role replica, and converges', async () => {
    const frozen = cluster.node('node-1');
    const { memcached, mysql } = await frozen.report();
    const load = WriteLoad.start({ resolveSource: cluster.resolveSource, clients: mixedClients(6), pauseMs: 10 });
    await waitFor(() => load.acknowledgedCount >= 100, { description: '100 writes acknowledged by node-1', timeoutMs: 30_000 });

    frozen.freeze();
    const frozenAtMs = Date.now();
    const source = await cluster.waitForSource((current) => current.node !== frozen.name, 'another node to become the writable source');
    await waitFor(() => load.ledger.firstAcknowledgedAfter(frozenAtMs, frozen.name), { description: `a write acknowledged by ${source.node}`, timeoutMs: 30_000 });
    expect((await cluster.topology()).recovery).toMatchObject({ type: 'failover', from: frozen.name, to: source.node });

    // Clients of the old source that never noticed the failover: connected while it is frozen
    // (its kernel accepts; the MySQL handshake comes once it thaws).
    const memcachedClient = await MemcachedTestClient.connect(parseHostPort(memcached as string).port);
    const connecting = createConnection({ ...parseHostPort(mysql as string), ...SQL_ACCOUNT, connectTimeout: 30_000 });
    frozen.thaw();
    const thawedAtMs = Date.now();
    const sqlConnection = await connecting;
    sqlConnection.on('error', () => undefined);

    const memcachedReplies: string[] = [];
    const sqlOutcomes: string[] = [];
    const attempted: string[] = [];
    // Write to it until it says it is a replica, and a few times more.
    let afterReplica = 0;
    for (let n = 1; afterReplica < 5; n++) {
      const key = `fenced-${n}`;
      attempted.push(key);
      memcachedReplies.push(await memcachedClient.set(key, 'must not be acknowledged').catch((error: Error) => `error: ${error.message}`));
      sqlOutcomes.push(
        await sqlConnection
          .query(`INSERT INTO \`${SQL_TABLE.schema}\`.\`${SQL_TABLE.table}\` (k, v) VALUES (?, 'must not be acknowledged')`, [key])
          .then(() => 'OK', (error: { errno?: number; message: string }) => `${error.errno ?? 'error'}: ${error.message}`),
      );
      const role = await frozen.report().then((report) => report.role, () => 'unreachable');
      if (role === 'replica') afterReplica += 1;
      expect(n).toBeLessThan(1_000);
    }
    memcachedClient.close();
    sqlConnection.destroy();

    console.log(`fenced source: ${attempted.length} memcached and SQL writes refused; last replies ${JSON.stringify(memcachedReplies.at(-1))}, ${JSON.stringify(sqlOutcomes.at(-1))}`);
    expect(memcachedReplies.filter((reply) => reply === 'STORED\r\n')).toEqual([]);
    expect(sqlOutcomes.filter((outcome) => outcome === 'OK')).toEqual([]);
    // Once a replica it refuses in each protocol's own form.
    expect(memcachedReplies.at(-1)).toMatch(/^SERVER_ERROR read only/);
    expect(sqlOutcomes.at(-1)).toMatch(/^1290: /);
    expect((await frozen.report()).role).toBe('replica');
    // Nor did a load client whose write was in flight at the freeze hear success after the thaw.
    expect(load.ledger.acknowledged.filter((write) => write.node === frozen.name && write.atMs > thawedAtMs)).toEqual([]);

    const report = await load.stop();
    expect(report.stillRefused).toBe(0);
    expect(await cluster.converge(load.ledger)).toEqual([]);
    const logged = await cluster.oracle.snapshot(0n);
    for (const rows of logged.tables.values()) expect(attempted.filter((key) => rows.has(key))).toEqual([]);
  });
});
