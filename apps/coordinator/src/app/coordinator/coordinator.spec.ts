import { waitFor } from '@kbinlog/testing';
import type { NodeReport, RecoveryRecord, SourceAssignment, TopologyRecord, TopologySnapshot } from '@kbinlog/topology';
import { report } from '../decisions/report.spec-helper';
import { Coordinator, type CoordinatorOptions, stalledPromotion } from './coordinator';
import { CoordinatorError, CoordinatorErrorCode } from './coordinator-error';
import { type DemoteAnswer, type ElectionHandlers, type NodeApi, NodeCallError } from './ports';

const NOW = 1_000_000;

/** The topology as committed: what the fenced writer wrote lands here, as the view would read it. */
class FakeTopology implements TopologySnapshot {
  nodes = new Map<string, NodeReport>();
  source: SourceAssignment | undefined;
  recovery: RecoveryRecord | undefined;
  apply(record: TopologyRecord): void {
    if (record.kind === 'node') this.nodes.set(record.node, record);
    else if (record.kind === 'source') this.source = record;
    else this.recovery = record;
  }
}

class FakeNodes implements NodeApi {
  down = new Set<string>();
  healthChecks: string[] = [];
  promotions: { node: string; generation: number }[] = [];
  demotions: string[] = [];
  refusePromotion = new Set<string>();
  /** Promotions that never answer: the call gives up after the time it is given (the HTTP timeout). */
  hangPromotion = new Set<string>();
  promotionTimeouts: number[] = [];
  /** While set, health checks wait for it: a check round held in flight. */
  gate: Promise<void> | undefined;
  constructor(private readonly clock: { now: number }) {}
  private nodeOf(url: string): string {
    return new URL(url).hostname.replace(/\.test$/, '');
  }
  async health(url: string): Promise<boolean> {
    const node = this.nodeOf(url);
    this.healthChecks.push(node);
    await this.gate;
    return !this.down.has(node);
  }
  async promote(url: string, generation: number, timeoutMs: number): Promise<NodeReport> {
    const node = this.nodeOf(url);
    this.promotions.push({ node, generation });
    this.promotionTimeouts.push(timeoutMs);
    if (this.hangPromotion.has(node)) {
      this.clock.now += timeoutMs;
      throw new NodeCallError(`POST ${url}/node/promote: The operation was aborted due to timeout`);
    }
    if (this.refusePromotion.has(node)) {
      this.clock.now += 1000;
      throw new NodeCallError(`${node} refuses`, 500);
    }
    this.clock.now += 40;
    return report(node, { role: 'source', writable: true }, this.clock.now);
  }
  async demote(url: string): Promise<DemoteAnswer> {
    const node = this.nodeOf(url);
    this.demotions.push(node);
    return { report: report(node), position: 'kbinlog.t.binlog-0:100' };
  }
}

function harness(options: Partial<CoordinatorOptions> = {}) {
  const clock = { now: NOW };
  const topology = new FakeTopology();
  const nodes = new FakeNodes(clock);
  const writes: TopologyRecord[][] = [];
  const logs: Record<string, unknown>[] = [];
  const labels: { source: string | null; others: readonly string[] }[] = [];
  const recorder = { fenced: false };
  let handlers: ElectionHandlers | undefined;
  const election = { rejoins: 0, start: async (given: ElectionHandlers) => void (handlers = given), rejoin: async () => void election.rejoins++, stop: async () => undefined };
  const log = (fields: Record<string, unknown>) => void logs.push(fields);
  const coordinator = new Coordinator(
    { cluster: 't', coordinatorId: 'c1', checkIntervalMs: 60_000, failureThreshold: 3, checkTimeoutMs: 100, replicaSilenceMs: 3000, failoverBlockMs: 3_600_000, autoFailover: true, promoteTimeoutMs: 2000, ...options },
    {
      topology: { snapshot: () => topology, catchUp: async () => undefined },
      recorder: () => ({
        connect: async () => undefined,
        disconnect: async () => undefined,
        write: async (...records: TopologyRecord[]) => {
          if (recorder.fenced) throw Object.assign(new Error('Producer attempted to produce with an old epoch'), { type: 'INVALID_PRODUCER_EPOCH' });
          writes.push(records);
          records.forEach((record) => topology.apply(record));
        },
      }),
      nodes,
      election,
      labeler: { setRoles: async (source, others) => void labels.push({ source, others }) },
      log: { info: log, warn: log, error: log },
      clock: () => clock.now,
    },
  );
  const events = () => logs.map((entry) => entry['event']);
  /** Becomes leader, and lets the round that leading starts finish. */
  const lead = async () => {
    await coordinator.start();
    handlers?.elected();
    await waitFor(() => coordinator.leading, { description: 'leading', timeoutMs: 2000 });
    await waitFor(() => events().includes('coordinator.leading') && nodes.healthChecks.length >= topology.nodes.size, { description: 'the first round', timeoutMs: 2000 });
    await coordinator.tick(); // waits for nothing if the first round still runs; the next line does
  };
  /** Runs check rounds until `done` holds. */
  const roundsUntil = (done: () => boolean, what: string) =>
    waitFor(
      async () => {
        await coordinator.tick();
        return done();
      },
      { description: what, timeoutMs: 5000 },
    );
  return { coordinator, topology, nodes, writes, logs, events, labels, recorder, election, clock, lead, roundsUntil, depose: (reason: string) => handlers?.deposed(reason) };
}

function cluster(h: ReturnType<typeof harness>, replicas: Partial<NodeReport> = {}) {
  h.topology.apply(report('n1', { role: 'source', writable: true, pod: 'pod-1' }));
  h.topology.apply(report('n2', { appliedOffset: '120', pod: 'pod-2', ...replicas }));
  h.topology.apply(report('n3', { appliedOffset: '110', pod: 'pod-3', ...replicas }));
  h.topology.apply({ kind: 'source', node: 'n1', generation: 1, reason: 'adopted', assignedAtMs: NOW - 1000, by: 'c0' });
}

describe('coordinator > failover', () => {
  it('fails a dead source over to the most advanced replica once the replicas agree: recovery and assignment in one write, promote, done', async () => {
    const h = harness();
    cluster(h, { appliedAgeMs: 8000 });
    h.nodes.down.add('n1');
    await h.lead();
    await h.roundsUntil(() => h.topology.recovery?.state === 'done', 'the failover to end');
    const [first, second] = h.writes;
    expect(first.map((record) => record.kind)).toEqual(['recovery', 'source']);
    expect(first[0]).toMatchObject({ type: 'failover', from: 'n1', to: 'n2', state: 'started' });
    expect(first[1]).toMatchObject({ node: 'n2', generation: 2, reason: 'failover', by: 'c1' });
    expect(h.nodes.promotions).toEqual([{ node: 'n2', generation: 2 }]);
    expect(second).toEqual([expect.objectContaining({ state: 'done', endedAtMs: expect.any(Number) })]);
    const done = h.logs.find((entry) => entry['event'] === 'failover.done');
    expect(done).toMatchObject({ from: 'n1', to: 'n2', generation: 2, detection_ms: expect.any(Number), promotion_ms: 40 });
    expect(h.logs.find((entry) => entry['event'] === 'failover.detected')).toMatchObject({ detection_ms: expect.any(Number) });
    // Pods follow the assignment.
    await h.roundsUntil(() => h.labels.at(-1)?.source === 'pod-2', 'the new source pod labelled');
    expect(h.labels[0]).toEqual({ source: 'pod-1', others: ['pod-2', 'pod-3'] });
    expect(h.labels.at(-1)).toEqual({ source: 'pod-2', others: ['pod-1', 'pod-3'] });
    await h.coordinator.stop();
  });

  it('does nothing when only this coordinator is cut off from the source (replicas still see heartbeats), and says so once', async () => {
    const h = harness();
    cluster(h, { appliedAgeMs: 300 });
    h.nodes.down.add('n1');
    await h.lead();
    await h.roundsUntil(() => h.nodes.healthChecks.filter((node) => node === 'n1').length >= 6, 'six checks of the source');
    expect(h.writes).toEqual([]);
    expect(h.nodes.promotions).toEqual([]);
    expect(h.events().filter((event) => event === 'failover.suspected')).toHaveLength(1);
    await h.coordinator.stop();
  });

  it('does nothing below the failure threshold', async () => {
    const h = harness({ failureThreshold: 5 });
    cluster(h, { appliedAgeMs: 8000 });
    h.nodes.down.add('n1');
    await h.lead();
    const sourceChecks = () => h.nodes.healthChecks.filter((node) => node === 'n1').length;
    await h.roundsUntil(() => sourceChecks() >= 4, 'four checks of the source');
    expect(sourceChecks()).toBe(4);
    expect(h.writes).toEqual([]);
    await h.coordinator.tick();
    expect(h.writes[0]).toEqual([expect.objectContaining({ kind: 'recovery', to: 'n2' }), expect.objectContaining({ kind: 'source', generation: 2 })]);
    await h.coordinator.stop();
  });

  it('refuses a second failover within the block period until acknowledged', async () => {
    const h = harness();
    cluster(h, { appliedAgeMs: 8000 });
    h.topology.apply({ kind: 'recovery', id: 'failover-old', type: 'failover', from: 'n0', to: 'n1', state: 'done', startedAtMs: NOW - 60_000, endedAtMs: NOW - 59_000, acknowledged: false, detail: '' });
    h.nodes.down.add('n1');
    await h.lead();
    await h.roundsUntil(() => h.events().includes('failover.blocked'), 'the block');
    await h.coordinator.tick();
    expect(h.writes).toEqual([]);
    const acknowledged = await h.coordinator.acknowledge();
    expect(acknowledged).toMatchObject({ id: 'failover-old', acknowledged: true });
    await h.roundsUntil(() => h.topology.recovery?.state === 'done' && h.topology.recovery.id !== 'failover-old', 'the failover after the ack');
    expect(h.topology.source).toMatchObject({ node: 'n2', generation: 2 });
    await h.coordinator.stop();
  });

  it('allows it once the block period elapsed', async () => {
    const h = harness({ failoverBlockMs: 30_000 });
    cluster(h, { appliedAgeMs: 8000 });
    h.topology.apply({ kind: 'recovery', id: 'failover-old', type: 'failover', from: 'n0', to: 'n1', state: 'done', startedAtMs: NOW - 60_000, endedAtMs: NOW - 31_000, acknowledged: false, detail: '' });
    h.nodes.down.add('n1');
    await h.lead();
    await h.roundsUntil(() => h.topology.source?.generation === 2, 'the failover');
    await h.coordinator.stop();
  });
});

describe('coordinator > a promotion that fails or stalls', () => {
  /** The target reports again after its promotion failed: a replica, as a failed promotion leaves it. */
  const reportsAgain = (h: ReturnType<typeof harness>, node: string, fields: Partial<NodeReport> = {}) => h.topology.apply(report(node, { appliedAgeMs: 8000, ...fields }, h.clock.now));

  it('promotes the next candidate when the chosen one refuses until the bound, and records why in the new recovery', async () => {
    const h = harness();
    cluster(h, { appliedAgeMs: 8000 });
    h.nodes.down.add('n1');
    h.nodes.refusePromotion.add('n2');
    await h.lead();
    await h.roundsUntil(() => h.topology.recovery?.state === 'failed', 'the failover to n2 to fail');
    const failed = h.topology.recovery as RecoveryRecord;
    expect(failed).toMatchObject({ type: 'failover', from: 'n1', to: 'n2', detail: expect.stringMatching(/n2 did not promote: no promotion within 2000 ms; last answer: n2 refuses$/) });
    expect(h.topology.source).toMatchObject({ node: 'n2', generation: 2 });
    reportsAgain(h, 'n2', { appliedOffset: '120' });
    await h.roundsUntil(() => h.topology.recovery?.state === 'done', 'the next candidate promoted');
    expect(h.topology.source).toMatchObject({ node: 'n3', generation: 3, reason: 'failover' });
    const retry = h.topology.recovery as RecoveryRecord;
    expect(retry.id).not.toBe(failed.id);
    expect(retry).toMatchObject({ type: 'failover', from: 'n2', to: 'n3' });
    expect(retry.detail).toMatch(new RegExp(`^n2, the source under generation 2 for \\d+ ms, reports role replica and takes no writes: recovery ${failed.id} failed \\(.*n2 refuses\\); promoting n3 at applied offset 110`));
    expect(h.nodes.promotions.at(-1)).toEqual({ node: 'n3', generation: 3 });
    await h.coordinator.stop();
  });

  it('gives a promotion that never answers no more than the bound, then moves on', async () => {
    const h = harness({ promoteTimeoutMs: 5000 });
    cluster(h, { appliedAgeMs: 8000 });
    h.nodes.down.add('n1');
    h.nodes.hangPromotion.add('n2');
    await h.lead();
    await h.roundsUntil(() => h.topology.recovery?.state === 'failed', 'the hung promotion to fail');
    expect(h.nodes.promotions).toEqual([{ node: 'n2', generation: 2 }]);
    expect(h.nodes.promotionTimeouts[0]).toBeLessThanOrEqual(5000);
    expect(h.topology.recovery?.detail).toMatch(/n2 did not promote: no promotion within 5000 ms; last answer: .*aborted due to timeout$/);
    reportsAgain(h, 'n2', { role: 'promoting' });
    await h.roundsUntil(() => h.topology.source?.node === 'n3' && h.topology.recovery?.state === 'done', 'n3 promoted');
    await h.coordinator.stop();
  });

  it('only says so when automatic failover is off', async () => {
    const h = harness({ autoFailover: false });
    cluster(h, { appliedAgeMs: 8000 });
    h.topology.apply({ kind: 'recovery', id: 'failover-1', type: 'failover', from: 'n0', to: 'n1', state: 'failed', startedAtMs: NOW - 5000, endedAtMs: NOW - 10, acknowledged: false, detail: 'n1 did not promote' });
    reportsAgain(h, 'n1', { role: 'replica', writable: false });
    await h.lead();
    await h.roundsUntil(() => h.events().includes('failover.disabled'), 'the stalled source noticed');
    await h.coordinator.tick();
    expect(h.writes).toEqual([]);
    expect(h.events().filter((event) => event === 'failover.disabled')).toHaveLength(1);
    await h.coordinator.stop();
  });

  it('retries the same node when no other may be promoted', async () => {
    const h = harness();
    cluster(h, { appliedAgeMs: 8000 });
    h.topology.apply(report('n3', { appliedOffset: '110', promotionRule: 'must_not', appliedAgeMs: 8000 }));
    h.nodes.down.add('n1');
    h.nodes.refusePromotion.add('n2');
    await h.lead();
    await h.roundsUntil(() => h.topology.recovery?.state === 'failed', 'the failover to n2 to fail');
    h.nodes.refusePromotion.delete('n2');
    reportsAgain(h, 'n2');
    await h.roundsUntil(() => h.topology.recovery?.state === 'done', 'n2 retried');
    expect(h.topology.source).toMatchObject({ node: 'n2', generation: 3 });
    expect(h.topology.recovery?.detail).toMatch(/; retrying n2, the only promotable node$/);
    await h.coordinator.stop();
  });

  it('leaves a source that serves alone, and waits out a promotion still within its bound', () => {
    const assignment: SourceAssignment = { kind: 'source', node: 'n2', generation: 2, reason: 'failover', assignedAtMs: NOW, by: 'c1' };
    const started: RecoveryRecord = { kind: 'recovery', id: 'failover-1', type: 'failover', from: 'n1', to: 'n2', state: 'done', startedAtMs: NOW, endedAtMs: NOW + 10, acknowledged: false, detail: '' };
    expect(stalledPromotion(assignment, report('n2', { role: 'source', writable: true }, NOW + 90_000), started, NOW + 90_000, 2000)).toBeUndefined();
    expect(stalledPromotion(assignment, report('n2', { role: 'promoting' }, NOW + 1000), started, NOW + 1500, 2000)).toBeUndefined();
    // A report from before the assignment says nothing about the promotion.
    expect(stalledPromotion(assignment, report('n2', { role: 'replica' }, NOW - 1), started, NOW + 90_000, 2000)).toBeUndefined();
    expect(stalledPromotion(assignment, report('n2', { role: 'promoting' }, NOW + 1000), started, NOW + 2000, 2000)).toBe(
      'n2, the source under generation 2 for 2000 ms, reports role promoting and takes no writes, longer than a promotion may take (2000 ms)',
    );
  });
});

describe('coordinator > leadership', () => {
  it('completes a recovery the previous leader left started, under its generation, exactly once', async () => {
    const h = harness();
    cluster(h, { appliedAgeMs: 8000 });
    // The old leader recorded the failover to n3 and died before promoting it.
    h.topology.apply({ kind: 'recovery', id: 'failover-mid', type: 'failover', from: 'n1', to: 'n3', state: 'started', startedAtMs: NOW - 2000, endedAtMs: null, acknowledged: false, detail: 'n1 died' });
    h.topology.apply({ kind: 'source', node: 'n3', generation: 2, reason: 'failover', assignedAtMs: NOW - 2000, by: 'c0' });
    h.nodes.down.add('n1');
    await h.lead();
    await h.roundsUntil(() => h.topology.recovery?.state === 'done', 'the recovery completed');
    for (let round = 0; round < 5; round++) await h.coordinator.tick();
    expect(h.nodes.promotions).toEqual([{ node: 'n3', generation: 2 }]);
    expect(h.writes).toEqual([[expect.objectContaining({ id: 'failover-mid', state: 'done' })]]);
    expect(h.events()).toContain('recovery.resumed');
    await h.coordinator.stop();
  });

  it('adopts the one node running as source when there is no assignment', async () => {
    const h = harness();
    h.topology.apply(report('n1', { role: 'source', writable: true }));
    h.topology.apply(report('n2'));
    await h.lead();
    await h.roundsUntil(() => h.topology.source !== undefined, 'the adoption');
    expect(h.topology.source).toMatchObject({ node: 'n1', generation: 1, reason: 'adopted', by: 'c1' });
    await h.coordinator.stop();
  });

  it('stops acting at once on a fenced write and rejoins the election', async () => {
    const h = harness();
    cluster(h, { appliedAgeMs: 8000 });
    h.nodes.down.add('n1');
    h.recorder.fenced = true;
    await h.lead();
    await h.roundsUntil(() => !h.coordinator.leading, 'stepping down');
    expect(h.events()).toContain('coordinator.fenced');
    expect(h.election.rejoins).toBe(1);
    expect(h.nodes.promotions).toEqual([]);
    await h.coordinator.stop();
  });

  it('answers operations only as leader: a follower and a deposed leader refuse them', async () => {
    const h = harness();
    cluster(h);
    await expect(h.coordinator.switchover('n2')).rejects.toMatchObject({ code: CoordinatorErrorCode.NotLeader });
    await h.lead();
    h.depose('rebalancing');
    expect(h.coordinator.leading).toBe(false);
    await expect(h.coordinator.acknowledge()).rejects.toMatchObject({ code: CoordinatorErrorCode.NotLeader });
    // Reads work anywhere.
    expect(h.coordinator.source()).toEqual({ node: 'n1', generation: 1, httpUrl: 'http://n1.test:8081', memcached: 'n1.test:11211', mysql: 'n1.test:3307', writable: true });
    expect(h.coordinator.topology()).toMatchObject({ cluster: 't', coordinator: { id: 'c1', leader: false }, nodes: [{ node: 'n1', healthy: true }, { node: 'n2' }, { node: 'n3' }] });
    await h.coordinator.stop();
  });
});

describe('coordinator > switchover', () => {
  it('demotes the source, records the recovery with the next generation, promotes the target and reports how long writes were refused', async () => {
    const h = harness();
    cluster(h);
    await h.lead();
    const result = await h.coordinator.switchover('n3');
    expect(h.nodes.demotions).toEqual(['n1']);
    expect(h.nodes.promotions).toEqual([{ node: 'n3', generation: 2 }]);
    expect(h.writes[0].map((record) => record.kind)).toEqual(['recovery', 'source']);
    expect(h.topology.source).toMatchObject({ node: 'n3', generation: 2, reason: 'switchover' });
    expect(result).toEqual({ recovery: expect.objectContaining({ type: 'switchover', from: 'n1', to: 'n3', state: 'done' }), refused_ms: 40 });
    await h.coordinator.stop();
  });

  it.each([
    ['n9', /no such node/],
    ['n1', /already the source/],
    ['n2', /must_not/],
    ['n3', /apply-only/],
  ])('refuses %s (%p) before touching anything', async (to, reason) => {
    const h = harness();
    cluster(h);
    h.topology.apply(report('n2', { promotionRule: 'must_not' }));
    h.topology.apply(report('n3', { service: 'replica' }));
    await h.lead();
    const refused = h.coordinator.switchover(to);
    await expect(refused).rejects.toBeInstanceOf(CoordinatorError);
    await expect(refused).rejects.toMatchObject({ code: CoordinatorErrorCode.SwitchoverRefused, message: expect.stringMatching(reason) });
    expect(h.nodes.demotions).toEqual([]);
    await h.coordinator.stop();
  });

  it('waits for a check round in flight instead of refusing, and refuses only a second switchover meanwhile', async () => {
    const h = harness();
    cluster(h);
    await h.lead();
    let release!: () => void;
    h.nodes.gate = new Promise<void>((resolve) => (release = resolve));
    const checks = h.nodes.healthChecks.length;
    const round = h.coordinator.tick();
    await waitFor(() => h.nodes.healthChecks.length > checks, { description: 'a check round in flight', timeoutMs: 2000 });
    const switched = h.coordinator.switchover('n3');
    await expect(h.coordinator.switchover('n2')).rejects.toMatchObject({ code: CoordinatorErrorCode.Busy });
    expect(h.nodes.demotions).toEqual([]);
    release();
    h.nodes.gate = undefined;
    await round;
    await expect(switched).resolves.toMatchObject({ recovery: { type: 'switchover', to: 'n3', state: 'done' } });
    expect(h.nodes.demotions).toEqual(['n1']);
    await h.coordinator.stop();
  });

  it('refuses an unhealthy target', async () => {
    const h = harness();
    cluster(h);
    h.nodes.down.add('n2');
    await h.lead();
    await expect(h.coordinator.switchover('n2')).rejects.toMatchObject({ code: CoordinatorErrorCode.SwitchoverRefused, message: expect.stringMatching(/not healthy/) });
    await h.coordinator.stop();
  });

  it('falls back to the old source under a further generation when the target does not promote, and records the failure', async () => {
    const h = harness();
    cluster(h);
    h.nodes.refusePromotion.add('n2');
    await h.lead();
    const failed = await h.coordinator.switchover('n2').catch((error: unknown) => error);
    expect(failed).toMatchObject({ code: CoordinatorErrorCode.SwitchoverFailed, recovery: { state: 'failed', to: 'n2' } });
    expect(h.topology.source).toMatchObject({ node: 'n1', generation: 3 });
    expect(h.topology.recovery).toMatchObject({ state: 'failed' });
    expect(h.nodes.promotions.at(-1)).toEqual({ node: 'n1', generation: 3 });
    await h.coordinator.stop();
  });
});
