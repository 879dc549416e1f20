import type { NodeReport, RecoveryRecord } from '@kbinlog/topology';
import { failoverPermission } from './anti-flapping';
import { choiceDetail, chooseCandidate } from './candidate';
import { judgeSource } from './detection';
import type { NodeHealth } from './node-health';
import { report } from './report.spec-helper';

const HEALTHY: NodeHealth = { healthy: true, consecutiveFailures: 0, failingSinceMs: null };
const DOWN: NodeHealth = { healthy: false, consecutiveFailures: 5, failingSinceMs: 1 };

function nodes(...reports: NodeReport[]): Map<string, NodeReport> {
  return new Map(reports.map((entry) => [entry.node, entry]));
}

describe('coordinator > decisions > detection', () => {
  const silent = { appliedAgeMs: 9000 };
  const judge = (cluster: Map<string, NodeReport>, sourceFailures: number, unhealthy: string[] = []) =>
    judgeSource({ source: 'n1', nodes: cluster, health: (entry) => (unhealthy.includes(entry.node) ? DOWN : HEALTHY), sourceFailures, failureThreshold: 3, replicaSilenceMs: 3000 });

  it('declares the source dead when the checks failed and every replica with a running fetcher saw nothing for too long', () => {
    expect(judge(nodes(report('n1', { role: 'source' }), report('n2', silent), report('n3', { appliedAgeMs: null })), 3)).toEqual({ kind: 'dead', agreeing: ['n2', 'n3'] });
  });

  it('only suspects the source when a replica still receives its heartbeats (the coordinator is the one cut off)', () => {
    const verdict = judge(nodes(report('n1', { role: 'source' }), report('n2', silent), report('n3', { appliedAgeMs: 400 })), 10);
    expect(verdict).toMatchObject({ kind: 'suspected', seeing: ['n3'] });
  });

  it('keeps the source alive below the failure threshold, however silent the replicas', () => {
    expect(judge(nodes(report('n1'), report('n2', silent)), 2)).toEqual({ kind: 'alive' });
  });

  it('ignores unhealthy replicas and stopped fetchers as witnesses, and needs at least one witness', () => {
    const cluster = nodes(report('n1'), report('n2', silent), report('n3', { appliedAgeMs: 10 }), report('n4', { appliedAgeMs: 10, ioRunning: false }));
    expect(judge(cluster, 3, ['n3'])).toEqual({ kind: 'dead', agreeing: ['n2'] });
    expect(judge(nodes(report('n1'), report('n2', { ...silent, ioRunning: false })), 3)).toMatchObject({ kind: 'suspected', seeing: [] });
  });
});

describe('coordinator > decisions > candidate', () => {
  const health = (down: string[] = []) => (entry: NodeReport) => (down.includes(entry.node) ? DOWN : HEALTHY);

  it('picks the highest applied offset, compared as integers beyond 2^53', () => {
    const picked = chooseCandidate([report('n2', { appliedOffset: '9007199254740993' }), report('n3', { appliedOffset: '9007199254740992', promotionRule: 'prefer' }), report('n4', { appliedOffset: '99' })], health(), 'n1');
    expect(picked?.node).toBe('n2');
  });

  it('prefers `prefer` over `neutral` at the same offset', () => {
    expect(chooseCandidate([report('n2'), report('n3', { promotionRule: 'prefer' })], health(), 'n1')?.node).toBe('n3');
  });

  it('never picks must_not, the replica service, an unhealthy node or the excluded source', () => {
    const cluster = [
      report('n1', { appliedOffset: '900' }),
      report('n2', { appliedOffset: '800', promotionRule: 'must_not' }),
      report('n3', { appliedOffset: '700', service: 'replica' }),
      report('n4', { appliedOffset: '600' }),
      report('n5', { appliedOffset: '10' }),
    ];
    expect(chooseCandidate(cluster, health(['n4']), 'n1')?.node).toBe('n5');
    expect(chooseCandidate(cluster, health(['n4', 'n5']), 'n1')).toBeUndefined();
  });

  it('says what it chose from: every other node, its offset, and why it could not be chosen', () => {
    const cluster = [report('n1'), report('n2', { appliedOffset: '90' }), report('n3', { appliedOffset: '120' }), report('n4', { appliedOffset: '130', service: 'replica' }), report('n5', { promotionRule: 'must_not' })];
    const picked = chooseCandidate(cluster, health(['n3']), 'n1');
    expect(picked?.node).toBe('n2');
    expect(choiceDetail(cluster, health(['n3']), 'n1', picked as NodeReport)).toBe(
      'promoting n2 at applied offset 90; the others: n3 at 120 (unhealthy), n4 at 130 (apply-only), n5 at 100 (must_not)',
    );
    expect(choiceDetail([report('n1'), report('n2')], health(), 'n1', report('n2'))).toBe('promoting n2 at applied offset 100');
  });
});

describe('coordinator > decisions > anti-flapping', () => {
  const last = (fields: Partial<RecoveryRecord> = {}): RecoveryRecord => ({
    kind: 'recovery', id: 'failover-1', type: 'failover', from: 'n1', to: 'n2', state: 'done', startedAtMs: 1000, endedAtMs: 2000, acknowledged: false, detail: '', ...fields,
  });

  it('blocks a second failover within the block period of the last one ending', () => {
    expect(failoverPermission(last(), 2000 + 59_999, 60_000)).toEqual({ allowed: false, untilMs: 62_000, recovery: 'failover-1' });
  });

  it('allows it once acknowledged, or once the period elapsed', () => {
    expect(failoverPermission(last({ acknowledged: true }), 2500, 60_000)).toEqual({ allowed: true });
    expect(failoverPermission(last(), 62_000, 60_000)).toEqual({ allowed: true });
  });

  it('is not blocked by a planned switchover or by no recovery at all, but by an unfinished failover', () => {
    expect(failoverPermission(last({ type: 'switchover' }), 2500, 60_000)).toEqual({ allowed: true });
    expect(failoverPermission(undefined, 2500, 60_000)).toEqual({ allowed: true });
    expect(failoverPermission(last({ state: 'started', endedAtMs: null }), 10_000_000, 60_000)).toMatchObject({ allowed: false });
  });

  it('is not blocked by a failover that failed: it left no writer, the next candidate must be tried', () => {
    expect(failoverPermission(last({ state: 'failed' }), 2500, 60_000)).toEqual({ allowed: true });
  });
});
