/**
 * A frozen source (SIGSTOP) is failed over; when it thaws it is fenced (design invariant 3): its
 * Kafka commits fail, so not one write sent to it, memcached or SQL, is acknowledged, and it
 * demotes itself to a replica of the same log and converges with the others.
 */
import { MemcachedTestClient, mixedClients, parseHostPort, SQL_ACCOUNT, SQL_TABLE, testInfra, TestCluster, waitFor } from '@kbinlog/testing';
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
    const load = cluster.startLoad({ clients: mixedClients(6), pauseMs: 10 });
    // Two clients that wait as long as it takes: their writes in flight at the freeze get their
    // answer from the old source after it thaws, while it still may believe it is the source.
    const patient = cluster.startLoad({ clients: mixedClients(2), writeTimeoutMs: 120_000 });
    await waitFor(() => load.acknowledgedCount >= 100 && patient.acknowledgedCount >= 20, { description: 'writes acknowledged by node-1', timeoutMs: 30_000 });

    frozen.freeze();
    const frozenAtMs = Date.now();
    const source = await cluster.waitForSource((current) => current.node !== frozen.name, 'another node to become the writable source');
    await waitFor(() => load.ledger.firstAcknowledgedAfter(frozenAtMs, frozen.name), { description: `a write acknowledged by ${source.node}`, timeoutMs: 30_000 });
    expect((await cluster.topology()).recovery).toMatchObject({ type: 'failover', from: frozen.name, to: source.node });

    // Clients of the old source that never noticed the failover: connected while it is frozen
    // (its kernel accepts; the MySQL handshake comes once it thaws).
    const memcachedClient = await MemcachedTestClient.connect(parseHostPort(memcached as string).port);
    const connecting = createConnection({ ...parseHostPort(mysql as string), ...SQL_ACCOUNT, connectTimeout: 30_000 });
    // Sent while frozen: the first thing it reads when it wakes, still believing it is the source.
    const woken = memcachedClient.set('fenced-0', 'must not be acknowledged').catch((error: Error) => `error: ${error.message}`);
    frozen.thaw();
    const thawedAtMs = Date.now();
    const sqlConnection = await connecting;
    sqlConnection.on('error', () => undefined);

    const memcachedReplies = [await woken];
    const sqlOutcomes: string[] = [];
    const attempted = ['fenced-0'];
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

    console.log(
      `fenced source: ${memcachedReplies.length} memcached and ${sqlOutcomes.length} SQL writes refused; the one sent while frozen: ${JSON.stringify(memcachedReplies[0])};` +
        ` last replies ${JSON.stringify(memcachedReplies.at(-1))}, ${JSON.stringify(sqlOutcomes.at(-1))}`,
    );
    expect(memcachedReplies.filter((reply) => reply === 'STORED\r\n')).toEqual([]);
    expect(sqlOutcomes.filter((outcome) => outcome === 'OK')).toEqual([]);
    // Once a replica it refuses in each protocol's own form.
    expect(memcachedReplies.at(-1)).toMatch(/^SERVER_ERROR read only/);
    expect(sqlOutcomes.at(-1)).toMatch(/^1290: /);
    expect((await frozen.report()).role).toBe('replica');
    // A write in flight at the freeze may still hear success after the thaw, but only if its Kafka
    // commit came before the promotion: invariant 3 is that no client hears success for a write
    // the log lacks, which converge(ledger) below checks for every acknowledged write.
    await waitFor(() => patient.ledger.firstAcknowledgedAfter(thawedAtMs, frozen.name), { description: 'the patient clients to reach the new source', timeoutMs: 30_000 });
    expect(patient.ledger.unacknowledgedCount).toBeGreaterThanOrEqual(2);

    for (const each of [load, patient]) expect((await each.stop()).stillRefused).toBe(0);
    expect(await cluster.converge(load.ledger)).toEqual([]);
    expect(await cluster.converge(patient.ledger)).toEqual([]);
    const logged = await cluster.oracle.snapshot(0n);
    for (const rows of logged.tables.values()) expect(attempted.filter((key) => rows.has(key))).toEqual([]);
  });
});
