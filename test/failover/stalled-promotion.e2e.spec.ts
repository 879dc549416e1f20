/**
 * A failover whose chosen node cannot promote: node-2 (the most advanced, node-3 lagging) hangs
 * in every promotion's catch-up after its fence (--fault-injection stall-promotion@1). Its own
 * bound (--promotion-timeout-ms 10000) ends each attempt, the coordinator gives up on it after
 * --promote-timeout-ms (20000) and promotes node-3 under the next generation, saying why; node-2
 * never takes a write, every acknowledged write is on every node.
 */
import { mixedClients, type RecoveryView, testInfra, TestCluster, waitFor } from '@kbinlog/testing';

jest.setTimeout(180_000);

const infra = testInfra();

describe('a failover whose target stalls', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await TestCluster.start(infra, { prefix: 'stalled', argsOf: { 'node-2': ['--fault-injection', 'stall-promotion@1'] } });
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it('gives up on the stalled node within the bound and promotes the next candidate; never two writers, nothing acknowledged lost', async () => {
    const load = cluster.startLoad({ clients: mixedClients(4), pauseMs: 10 });
    await waitFor(() => load.acknowledgedCount >= 40, { description: '40 writes acknowledged', timeoutMs: 30_000 });
    const [source, stalled, lagging] = ['node-1', 'node-2', 'node-3'].map((name) => cluster.node(name));
    const before = await cluster.lagBehind(lagging, stalled, 30_000);

    await source.kill();
    const killedAtMs = Date.now();
    const recoveryWhen = (ready: (recovery: RecoveryView) => boolean, description: string) =>
      waitFor(async () => {
        const { recovery } = await cluster.topology();
        return recovery !== null && ready(recovery) && recovery;
      }, { description, timeoutMs: 60_000, intervalMs: 100 });
    const first = await recoveryWhen((recovery) => recovery.id !== before.recovery?.id, 'a recovery after node-1 was killed');
    expect(first).toMatchObject({ type: 'failover', from: 'node-1', to: 'node-2' });
    // The next recovery may replace the failed one within a poll, so its end is read from the topology topic.
    const failed = await waitFor(async () => {
      const ended = (await cluster.topologyHistory()).filter(({ key, record }) => key === 'recovery' && record['id'] === first.id && record['state'] !== 'started');
      return (ended.at(-1)?.record as RecoveryView | undefined) ?? false;
    }, { description: 'the failover to node-2 to end', timeoutMs: 60_000, intervalMs: 500 });
    expect(failed.state).toBe('failed');
    // The last answer: node-2's own bound (a 500 after 10 s) or, for the attempt after it, the call's timeout.
    expect(failed.detail).toMatch(/node-2 did not promote: no promotion within 20000 ms; last answer: .*(promotion step catch_up did not finish within the promotion bound of 10000 ms|aborted due to timeout)/);
    expect((failed.endedAtMs as number) - failed.startedAtMs).toBeLessThan(25_000);

    const next = await cluster.waitForSource((current) => current.node === 'node-3', 'node-3 to be the writable source');
    expect(next.generation).toBe((before.source?.generation ?? 0) + 2);
    const retry = (await cluster.topology()).recovery as RecoveryView;
    expect(retry).toMatchObject({ type: 'failover', from: 'node-2', to: 'node-3' });
    expect(retry.detail).toMatch(new RegExp(`^node-2, the source under generation ${(before.source?.generation ?? 0) + 1} for \\d+ ms, reports role \\w+ and takes no writes: recovery ${first.id} failed`));
    const firstWrite = await waitFor(() => load.ledger.firstAcknowledgedAfter(killedAtMs, source.name), { description: 'a write acknowledged after the kill', timeoutMs: 30_000 });
    expect(firstWrite.node).toBe('node-3');
    console.log(`stalled target: node-2's promotion failed after ${(failed.endedAtMs as number) - failed.startedAtMs} ms; kill → first acknowledged write on node-3 after ${firstWrite.atMs - killedAtMs} ms`);

    // node-2 said why, from its side, and never took a write.
    expect(stalled.output.some((line) => line.includes('"event":"promote.failed"') && line.includes('catch_up did not finish'))).toBe(true);
    expect((await stalled.waitForRole('replica')).writable).toBe(false);
    const reports = (await cluster.topologyHistory()).filter(({ key }) => key === 'node/node-2').map(({ record }) => record);
    expect(reports.filter((report) => report['writable'] === true)).toEqual([]);
    expect(load.ledger.acknowledged.filter((write) => write.node === 'node-2')).toEqual([]);

    await cluster.acknowledgeRecovery();
    await source.start();
    await source.waitForRole('replica');
    const report = await load.stop();
    expect(report.stillRefused).toBe(0);
    expect(await cluster.converge(load.ledger)).toEqual([]);
  });
});
