/**
 * Planned switchover (docs/coordinator.md) under a write load: 8 clients, memcached and SQL,
 * find the source through the coordinator. The source moves to node-2 and back to node-1; every
 * acknowledged write survives on every node, every node equals the log, and the clients are
 * refused only for a moment.
 */
import { mixedClients, testInfra, TestCluster, waitFor } from '@kbinlog/testing';

jest.setTimeout(180_000);

const infra = testInfra();
// Generous for a shared 2-core machine; a switchover here takes well under a second.
const REFUSAL_BOUND_MS = 10_000;

describe('a planned switchover under load', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await TestCluster.start(infra, { prefix: 'switchover' });
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  /** Switches to `to` while 8 clients write; returns what the clients and the coordinator measured. */
  async function switchUnderLoad(from: string, to: string) {
    const load = cluster.startLoad({ clients: mixedClients(8), pauseMs: 5 });
    await waitFor(() => load.acknowledgedCount >= 200, { description: `200 writes acknowledged by ${from}`, timeoutMs: 30_000 });
    const before = (await cluster.whoIsSource()).generation;
    const requestedAtMs = Date.now();
    const result = await cluster.switchover(to);
    expect(result.recovery).toMatchObject({ type: 'switchover', from, to, state: 'done' });
    const source = await cluster.waitForSource((current) => current.node === to, `${to} to be the writable source`);
    expect(source.generation).toBe(before + 1);
    // The load goes on, on the new source.
    const onNewSource = () => load.ledger.acknowledged.filter((write) => write.node === to).length;
    await waitFor(() => onNewSource() >= 200, { description: `200 writes acknowledged by ${to}`, timeoutMs: 30_000 });
    const report = await load.stop();
    const refusedMs = Math.max(0, ...load.refusalsSince(requestedAtMs).map((refusal) => refusal.toMs - refusal.fromMs));
    console.log(
      `switchover ${from} → ${to}: ${report.acknowledged} writes acknowledged (${onNewSource()} by ${to}), ${report.unacknowledged} unacknowledged;` +
        ` clients refused for at most ${refusedMs} ms; the coordinator's refused_ms ${result.refused_ms}`,
    );
    expect(report.stillRefused).toBe(0);
    expect(refusedMs).toBeLessThan(REFUSAL_BOUND_MS);
    expect(result.refused_ms).toBeLessThan(REFUSAL_BOUND_MS);
    expect(await cluster.converge(load.ledger)).toEqual([]);
  }

  it('moves the source to node-2: no acknowledged write lost, every node equals the log, a short refusal', async () => {
    await switchUnderLoad('node-1', 'node-2');
    expect((await cluster.node('node-1').report()).role).toBe('replica');
  });

  it('switches back to node-1: the old source was a working replica all along', async () => {
    await switchUnderLoad('node-2', 'node-1');
    expect((await cluster.node('node-2').report()).role).toBe('replica');
    expect((await cluster.node('node-1').report()).role).toBe('source');
  });
});
