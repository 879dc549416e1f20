/**
 * The leading coordinator dies (kill -9) in the middle of a failover it started. The other
 * coordinator takes the lead through the Kafka election and finishes the job: the failover
 * happens exactly once (one recovery, one new generation, one source) and writes resume.
 */
import { mixedClients, testInfra, TestCluster, waitFor } from '@kbinlog/testing';

jest.setTimeout(180_000);

const infra = testInfra();

describe('a coordinator killed during a failover', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await TestCluster.start(infra, { prefix: 'coordfail', coordinators: 2 });
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it('is replaced by the other coordinator, and the failover completes exactly once', async () => {
    const load = cluster.startLoad({ clients: mixedClients(6), pauseMs: 10 });
    await waitFor(() => load.acknowledgedCount >= 100, { description: '100 writes acknowledged', timeoutMs: 30_000 });
    const leader = await cluster.leader();
    const follower = cluster.coordinators.find((coordinator) => coordinator !== leader);
    if (!follower) throw new Error('expected two coordinators');
    const before = await cluster.topologyOf(leader);
    expect(before.source?.node).toBe('node-1');

    const victim = cluster.node('node-1');
    await victim.kill();
    const killedAtMs = Date.now();
    // As soon as the leader has recorded the recovery: mid-failover.
    const started = await waitFor(async () => {
      const { recovery } = await cluster.topologyOf(leader);
      return recovery !== null && recovery.id !== before.recovery?.id && recovery;
    }, { description: 'the leader to start a recovery', timeoutMs: 30_000, intervalMs: 20 });
    await leader.kill();
    const stateAtKill = started.state;

    expect(await cluster.leader()).toBe(follower);
    const done = await waitFor(async () => {
      const { recovery } = await cluster.topologyOf(follower);
      return recovery?.state === 'done' && recovery;
    }, { description: `${follower.name} to finish the failover`, timeoutMs: 60_000 });
    expect(done).toMatchObject({ id: started.id, type: 'failover', from: 'node-1', to: started.to });
    const source = await cluster.waitForSource((current) => current.node === done.to, `${done.to} to be the writable source`);
    expect(source.generation).toBe((before.source?.generation ?? 0) + 1);
    const resumed = await waitFor(() => load.ledger.firstAcknowledgedAfter(killedAtMs, victim.name), { description: 'writes to resume', timeoutMs: 60_000 });
    expect(resumed.node).toBe(done.to);
    console.log(`coordinator failover: leader ${leader.name} killed with the recovery ${stateAtKill}; ${follower.name} finished it; first write ${resumed.atMs - killedAtMs} ms after the source was killed`);

    // Exactly once, by the topology's own history: one failover recovery, one new generation.
    const history = await cluster.topologyHistory();
    const recoveries = new Set(history.filter(({ key, record }) => key === 'recovery' && record['id'] !== before.recovery?.id).map(({ record }) => record['id']));
    const generations = new Set(history.filter(({ key }) => key === 'source').map(({ record }) => record['generation']));
    expect([...recoveries]).toEqual([started.id]);
    expect(generations).toEqual(new Set([before.source?.generation, source.generation]));
    // One source among the nodes.
    const roles = await Promise.all(cluster.nodes.filter((node) => node.running).map(async (node) => (await node.report()).role));
    expect(roles.filter((role) => role === 'source')).toHaveLength(1);

    const report = await load.stop();
    expect(report.stillRefused).toBe(0);
    expect(await cluster.converge(load.ledger)).toEqual([]);

    // The dead pieces come back in their place: the old source as a replica, the old leader as a follower.
    await victim.start();
    await victim.waitForRole('replica');
    await leader.start();
    expect((await cluster.topologyOf(leader)).coordinator.leader).toBe(false);
    expect(await cluster.converge()).toEqual([]);
  });
});
