/**
 * Planned switchover (docs/coordinator.md) under a write load: 8 clients, memcached and SQL,
 * find the source through the coordinator. The source moves to node-2 and back to node-1; every
 * acknowledged write survives on every node, every node equals the log, and the clients are
 * refused only for a moment.
 */
import { FAST_COORDINATOR_ARGS, fixedSource, mixedClients, testInfra, TestCluster, waitFor, WriteLoad } from '@kbinlog/testing';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

jest.setTimeout(180_000);

const infra = testInfra();
// Generous for a shared 2-core machine; a switchover here takes well under a second.
const REFUSAL_BOUND_MS = 10_000;

describe('a planned switchover under load', () => {
  let cluster: TestCluster;
  // What the coordinator would tell Kubernetes: `--pod-labeler record:<file>`, one JSON line per call.
  const labels = join(mkdtempSync(join(tmpdir(), 'kbinlog-labels-')), 'pod-labels.jsonl');

  beforeAll(async () => {
    cluster = await TestCluster.start(infra, { prefix: 'switchover', podNames: true, coordinatorArgs: [...FAST_COORDINATOR_ARGS, '--pod-labeler', `record:${labels}`] });
  });

  /** The last labelling the coordinator asked for: the source pod gets role=source, the others role=replica. */
  function lastLabels(): { source: string | null; replicas: string[] } | undefined {
    if (!existsSync(labels)) return undefined;
    const lines = readFileSync(labels, 'utf8').trim().split('\n').filter(Boolean);
    return lines.length > 0 ? (JSON.parse(lines[lines.length - 1]) as { source: string | null; replicas: string[] }) : undefined;
  }

  async function labelledSource(node: string): Promise<void> {
    const others = ['node-1', 'node-2', 'node-3'].filter((name) => name !== node).map((name) => `pod-${name}`);
    await waitFor(() => lastLabels()?.source === `pod-${node}`, { description: `pod-${node} labelled role=source`, timeoutMs: 20_000 });
    expect(lastLabels()).toMatchObject({ source: `pod-${node}`, replicas: expect.arrayContaining(others) });
    expect(lastLabels()?.replicas).toHaveLength(2);
  }

  afterAll(async () => {
    await cluster?.stop();
  });

  /** Switches to `to` while 8 clients write; returns what the clients and the coordinator measured. */
  async function switchUnderLoad(from: string, to: string) {
    const load = cluster.startLoad({ clients: mixedClients(8), pauseMs: 5 });
    try {
      await measuredSwitch(load, from, to);
    } finally {
      // A failed step must not leave clients writing into the next test.
      await load.stop();
    }
  }

  async function measuredSwitch(load: ReturnType<TestCluster['startLoad']>, from: string, to: string) {
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
    await labelledSource('node-1');
    await switchUnderLoad('node-1', 'node-2');
    expect((await cluster.node('node-1').report()).role).toBe('replica');
    // A Kubernetes Service selecting role=source now follows node-2's pod.
    await labelledSource('node-2');
  });

  it('switches back to node-1: the old source was a working replica all along', async () => {
    await switchUnderLoad('node-2', 'node-1');
    expect((await cluster.node('node-2').report()).role).toBe('replica');
    expect((await cluster.node('node-1').report()).role).toBe('source');
    await labelledSource('node-1');
  });

  it('keeps taking writes and replicating them while no coordinator runs; a coordinator that starts knows the source at once', async () => {
    const coordinator = cluster.coordinators[0];
    await coordinator.kill();
    const source = cluster.node('node-1');
    const load = WriteLoad.start({ resolveSource: fixedSource('node-1', () => source.process), clients: mixedClients(4), pauseMs: 5 });
    try {
      await waitFor(() => load.acknowledgedCount >= 200, { description: '200 writes acknowledged with no coordinator', timeoutMs: 30_000 });
    } finally {
      await load.stop();
    }
    expect(await cluster.converge(load.ledger)).toEqual([]);
    for (const name of ['node-2', 'node-3']) expect((await cluster.node(name).report()).role).toBe('replica');

    await coordinator.start();
    // It reads the topology topic from its beginning: the assignment is there before any check runs.
    expect(await cluster.whoIsSource()).toMatchObject({ node: 'node-1', writable: true });
  });
});
