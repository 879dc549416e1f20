import type { NodeReport, RecoveryRecord, SourceAssignment } from '@kbinlog/topology';
import { failoverPermission } from '../decisions/anti-flapping';
import { choiceDetail, chooseCandidate, promotable } from '../decisions/candidate';
import { judgeSource } from '../decisions/detection';
import { HealthTracker, type NodeHealth } from '../decisions/node-health';
import { CoordinatorError, CoordinatorErrorCode } from './coordinator-error';
import { Leadership } from './leadership';
import type { CoordinatorLog, LeaderElection, NodeApi, PodLabeler, TopologyReader, TopologyRecorder } from './ports';
import { Recoveries, type SwitchoverResult } from './recoveries';

export interface CoordinatorOptions {
  readonly cluster: string;
  readonly coordinatorId: string;
  readonly checkIntervalMs: number;
  readonly failureThreshold: number;
  readonly checkTimeoutMs: number;
  readonly replicaSilenceMs: number;
  readonly failoverBlockMs: number;
  readonly autoFailover: boolean;
  readonly promoteTimeoutMs: number;
}

export interface CoordinatorEdges {
  readonly topology: TopologyReader;
  readonly recorder: () => TopologyRecorder;
  readonly nodes: NodeApi;
  readonly election: LeaderElection;
  readonly labeler: PodLabeler;
  readonly log: CoordinatorLog;
  readonly clock?: () => number;
  /** Told of each recovery this instance ended (done or failed), once its end is recorded. */
  readonly recoveryEnded?: (recovery: RecoveryRecord) => void;
}

/** GET /source. */
export interface SourceView {
  readonly node: string;
  readonly generation: number;
  readonly httpUrl: string | null;
  readonly memcached: string | null;
  readonly mysql: string | null;
  readonly writable: boolean;
}

/** GET /topology. */
export interface TopologyReport {
  readonly cluster: string;
  readonly coordinator: { readonly id: string; readonly leader: boolean };
  readonly source: SourceAssignment | null;
  readonly recovery: RecoveryRecord | null;
  readonly nodes: readonly (NodeReport & { readonly healthy: boolean; readonly consecutive_failures: number })[];
}

/**
 * The coordinator: every instance keeps the topology and answers who is source; the leader
 * checks every node each interval, adopts a running source, finishes a recovery its predecessor
 * left, keeps the pods' role labels, and fails a dead source over. One recovery at a time.
 */
export class Coordinator {
  private readonly leadership: Leadership;
  private readonly recoveries: Recoveries;
  private readonly health: HealthTracker;
  private readonly clock: () => number;
  private timer: NodeJS.Timeout | undefined;
  /** A switchover holds the leader's hands: check rounds skip while it runs. */
  private busy = false;
  /** The check round running now, if any (resolved when none): a switchover waits for it. */
  private round: Promise<void> = Promise.resolve();
  private ticking = false;
  private labelled: string | undefined;
  /** What was last said about a failing source, so each state of it is logged once. */
  private said: string | undefined;

  constructor(
    private readonly options: CoordinatorOptions,
    private readonly edges: CoordinatorEdges,
  ) {
    this.clock = edges.clock ?? Date.now;
    // Reports come every second or so; a few missed ones make a node unhealthy.
    this.health = new HealthTracker(3 * Math.max(options.checkIntervalMs, 1000));
    this.leadership = new Leadership(options.coordinatorId, edges.election, edges.recorder, edges.topology, edges.log, () => {
      this.labelled = undefined;
      void this.tick();
    });
    this.recoveries = new Recoveries(this.leadership, edges.topology, edges.nodes, { coordinatorId: options.coordinatorId, promoteTimeoutMs: options.promoteTimeoutMs, retryMs: Math.min(options.checkIntervalMs, 250) }, edges.log, this.clock, edges.recoveryEnded);
  }

  get leading(): boolean {
    return this.leadership.leads();
  }

  async start(): Promise<void> {
    await this.leadership.start();
    this.timer = setInterval(() => void this.tick(), this.options.checkIntervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.leadership.stop();
  }

  /** One round of the leader's work; does nothing on a follower or while a recovery runs. */
  async tick(): Promise<void> {
    const term = this.leadership.term;
    if (this.busy || this.ticking || !this.leadership.leads(term)) return;
    this.ticking = true;
    this.round = this.checkRound(term).finally(() => (this.ticking = false));
    await this.round;
  }

  private async checkRound(term: number): Promise<void> {
    try {
      await this.checkNodes();
      const { source, recovery } = this.edges.topology.snapshot();
      if (recovery?.state === 'started') await this.recoveries.resume(term, recovery);
      else if (!source) await this.adopt(term);
      else {
        await this.label(source);
        await this.watchSource(term, source);
      }
    } catch (error) {
      if (!(error instanceof CoordinatorError && error.code === CoordinatorErrorCode.NotLeader)) {
        this.edges.log.error({ event: 'coordinator.tick_failed', error: error instanceof Error ? error.stack : String(error) }, 'a check round failed');
      }
    }
  }

  async switchover(to: string): Promise<SwitchoverResult> {
    const term = this.leadership.term;
    this.requireLeader(term);
    if (this.busy) throw new CoordinatorError(CoordinatorErrorCode.Busy, 'another switchover is running; try again when it is done');
    this.busy = true;
    try {
      // A check round in flight (it may be failing the source over) finishes first; the
      // switchover is then judged against what it left.
      await this.round;
      this.requireLeader(term);
      return await this.switchoverNow(term, to);
    } finally {
      this.busy = false;
    }
  }

  private async switchoverNow(term: number, to: string): Promise<SwitchoverResult> {
    const { source, nodes } = this.edges.topology.snapshot();
    if (!source) throw new CoordinatorError(CoordinatorErrorCode.NoSource, 'the topology has no source assignment yet');
    const target = nodes.get(to);
    const now = this.clock();
    const refuse = (why: string) => new CoordinatorError(CoordinatorErrorCode.SwitchoverRefused, `cannot switch over to ${to}: ${why}`);
    if (!target) throw refuse('no such node in the topology');
    if (to === source.node) throw refuse(`${to} is already the source`);
    if (target.service !== 'source') throw refuse(`${to} runs the apply-only replica service`);
    if (target.promotionRule === 'must_not') throw refuse(`${to} has promotion rule must_not`);
    if (!promotable(target, this.healthOf(target, now))) throw refuse(`${to} is not healthy`);
    const current = nodes.get(source.node);
    if (!current) throw refuse(`the source ${source.node} has no report to reach it by`);
    return this.recoveries.switchover(term, current, target);
  }

  /** `kbinlog recovery ack`: lifts the anti-flapping block of the last recovery. */
  async acknowledge(): Promise<RecoveryRecord> {
    const term = this.leadership.term;
    this.requireLeader(term);
    const { recovery } = this.edges.topology.snapshot();
    if (!recovery) throw new CoordinatorError(CoordinatorErrorCode.NoRecovery, 'no recovery has been recorded');
    const acknowledged: RecoveryRecord = { ...recovery, acknowledged: true };
    await this.leadership.write(term, acknowledged);
    this.edges.log.info({ event: 'recovery.acknowledged', id: recovery.id }, 'recovery acknowledged');
    return acknowledged;
  }

  source(): SourceView {
    const { source, nodes } = this.edges.topology.snapshot();
    if (!source) throw new CoordinatorError(CoordinatorErrorCode.NoSource, 'the topology has no source assignment yet');
    const report = nodes.get(source.node);
    return { node: source.node, generation: source.generation, httpUrl: report?.httpUrl ?? null, memcached: report?.memcached ?? null, mysql: report?.mysql ?? null, writable: report?.writable ?? false };
  }

  topology(): TopologyReport {
    const { source, recovery, nodes } = this.edges.topology.snapshot();
    const now = this.clock();
    return {
      cluster: this.options.cluster,
      coordinator: { id: this.options.coordinatorId, leader: this.leading },
      source: source ?? null,
      recovery: recovery ?? null,
      nodes: [...nodes.values()]
        .sort((a, b) => a.node.localeCompare(b.node))
        .map((report) => {
          const health = this.healthOf(report, now);
          return { ...report, healthy: health.healthy, consecutive_failures: health.consecutiveFailures };
        }),
    };
  }

  private requireLeader(term: number): void {
    if (!this.leadership.leads(term)) throw new CoordinatorError(CoordinatorErrorCode.NotLeader, `coordinator ${this.options.coordinatorId} is not the leader (${this.leadership.state})`);
  }

  private healthOf(report: NodeReport, now: number): NodeHealth {
    return this.health.of(report, now);
  }

  private async checkNodes(): Promise<void> {
    const { nodes, source } = this.edges.topology.snapshot();
    const now = this.clock();
    await Promise.all(
      [...nodes.values()].map(async (report) => this.health.record(report.node, report, await this.edges.nodes.health(report.httpUrl, this.options.checkTimeoutMs).catch(() => false), now)),
    );
    // A source without a report cannot be reached at all: each round is a failed check.
    if (source && !nodes.has(source.node)) this.health.record(source.node, undefined, false, now);
  }

  /** No assignment yet: the one node already running as source becomes it (generation 1). */
  private async adopt(term: number): Promise<void> {
    const now = this.clock();
    const running = [...this.edges.topology.snapshot().nodes.values()].filter((report) => report.role === 'source' && this.healthOf(report, now).healthy);
    if (running.length !== 1) {
      if (running.length > 1) this.sayOnce('adopt_conflict', () => this.edges.log.error({ event: 'source.adopt_conflict', nodes: running.map((report) => report.node) }, 'several nodes run as source: adopting none'));
      return;
    }
    const [node] = running;
    await this.leadership.write(term, { kind: 'source', node: node.node, generation: 1, reason: 'adopted', assignedAtMs: now, by: this.options.coordinatorId });
    this.edges.log.info({ event: 'source.adopted', node: node.node, generation: 1 }, 'adopted the running source');
  }

  /** Keeps role=source on the source's pod and role=replica on the others. */
  private async label(source: SourceAssignment): Promise<void> {
    const reports = [...this.edges.topology.snapshot().nodes.values()];
    const sourcePod = reports.find((report) => report.node === source.node)?.pod ?? null;
    const others = reports.filter((report) => report.node !== source.node && report.pod !== null).map((report) => report.pod as string).sort();
    const key = JSON.stringify([source.generation, sourcePod, others]);
    if (key === this.labelled) return;
    try {
      await this.edges.labeler.setRoles(sourcePod, others);
      this.labelled = key;
      this.edges.log.info({ event: 'pods.labelled', source_pod: sourcePod, replica_pods: others }, 'pod role labels set');
    } catch (error) {
      this.edges.log.warn({ event: 'pods.label_failed', error: String(error) }, 'could not label the pods; retrying next round');
    }
  }

  private async watchSource(term: number, source: SourceAssignment): Promise<void> {
    const now = this.clock();
    const { nodes, recovery } = this.edges.topology.snapshot();
    const stalled = stalledPromotion(source, nodes.get(source.node), recovery, now, this.options.promoteTimeoutMs);
    if (stalled) {
      await this.replaceStalled(term, source, stalled, now);
      return;
    }
    const checked = this.health.checked(source.node);
    const health = (report: NodeReport) => this.healthOf(report, now);
    const verdict = judgeSource({
      source: source.node,
      nodes,
      health,
      sourceFailures: checked?.consecutiveFailures ?? 0,
      failureThreshold: this.options.failureThreshold,
      replicaSilenceMs: this.options.replicaSilenceMs,
    });
    if (verdict.kind === 'alive') {
      this.said = undefined;
      return;
    }
    if (verdict.kind === 'suspected') {
      this.sayOnce('suspected', () => this.edges.log.warn({ event: 'failover.suspected', source: source.node, failures: checked?.consecutiveFailures, reason: verdict.reason, seeing: verdict.seeing }, 'cannot reach the source, but the replicas do not agree it is dead: doing nothing'));
      return;
    }
    if (!this.options.autoFailover) {
      this.sayOnce('disabled', () => this.edges.log.error({ event: 'failover.disabled', source: source.node }, 'the source is dead and automatic failover is off'));
      return;
    }
    const permission = failoverPermission(recovery, now, this.options.failoverBlockMs);
    if (!permission.allowed) {
      this.sayOnce('blocked', () => this.edges.log.error({ event: 'failover.blocked', source: source.node, recovery: permission.recovery, until_ms: permission.untilMs }, 'the source is dead, but a recent failover blocks another until acknowledged (kbinlog recovery ack)'));
      return;
    }
    const target = chooseCandidate(nodes.values(), health, source.node);
    if (!target) {
      this.sayOnce('no_candidate', () => this.edges.log.error({ event: 'failover.no_candidate', source: source.node }, 'the source is dead and no healthy node may be promoted'));
      return;
    }
    const detectionMs = now - (checked?.failingSinceMs ?? now);
    const choice = choiceDetail(nodes.values(), health, source.node, target);
    const detail = `${source.node} failed ${checked?.consecutiveFailures ?? 0} checks; ${verdict.agreeing.join(', ')} saw nothing from it for over ${this.options.replicaSilenceMs} ms; ${choice}`;
    this.said = undefined;
    await this.recoveries.failover(term, source.node, target, detectionMs, detail);
  }

  /**
   * The assigned source answers but does not take writes: its promotion failed or stalled past
   * the bound. Promotes the most advanced other candidate (the same node again only if no other
   * may be promoted), under a new generation whose writer fences whatever the stalled one holds.
   */
  private async replaceStalled(term: number, source: SourceAssignment, why: string, now: number): Promise<void> {
    const { nodes, recovery } = this.edges.topology.snapshot();
    const health = (report: NodeReport) => this.healthOf(report, now);
    if (!this.options.autoFailover) {
      this.sayOnce('stalled_disabled', () => this.edges.log.error({ event: 'failover.disabled', source: source.node, stalled: why }, 'the source takes no writes and automatic failover is off'));
      return;
    }
    const permission = failoverPermission(recovery, now, this.options.failoverBlockMs);
    if (!permission.allowed) {
      this.sayOnce('stalled_blocked', () => this.edges.log.error({ event: 'failover.blocked', source: source.node, stalled: why, recovery: permission.recovery, until_ms: permission.untilMs }, 'the source takes no writes, but a recent failover blocks another until acknowledged (kbinlog recovery ack)'));
      return;
    }
    const stalledReport = nodes.get(source.node);
    const others = [...nodes.values()].filter((report) => report.node !== source.node);
    const target = chooseCandidate(others, health, source.node) ?? (stalledReport && promotable(stalledReport, health(stalledReport)) ? stalledReport : undefined);
    if (!target) {
      this.sayOnce('stalled_no_candidate', () => this.edges.log.error({ event: 'failover.no_candidate', source: source.node, stalled: why }, 'the source takes no writes and no healthy node may be promoted'));
      return;
    }
    const choice = target.node === source.node ? `retrying ${target.node}, the only promotable node` : choiceDetail(nodes.values(), health, source.node, target);
    this.said = undefined;
    await this.recoveries.failover(term, source.node, target, now - source.assignedAtMs, `${why}; ${choice}`);
  }

  private sayOnce(what: string, say: () => void): void {
    if (this.said === what) return;
    this.said = what;
    say();
  }
}

const FAILURE_DETAIL_CHARS = 600;

/**
 * Why the assigned source, alive by its checks, is not serving: its report (made after the
 * assignment) says it is not a writable source, and either the recovery that assigned it failed
 * or the assignment is older than a promotion may take. Undefined while it serves, or while its
 * promotion may still be running.
 */
export function stalledPromotion(source: SourceAssignment, report: NodeReport | undefined, recovery: RecoveryRecord | undefined, nowMs: number, promoteTimeoutMs: number): string | undefined {
  if (!report || report.reportedAtMs <= source.assignedAtMs) return undefined;
  if (report.role === 'source' && report.writable) return undefined;
  const failed = recovery?.state === 'failed' && recovery.to === source.node ? recovery : undefined;
  const ageMs = nowMs - source.assignedAtMs;
  if (!failed && ageMs < promoteTimeoutMs) return undefined;
  const state = `${source.node}, the source under generation ${source.generation} for ${ageMs} ms, reports role ${report.role}${report.writable ? '' : ' and takes no writes'}`;
  // The failed recovery's detail already carries its own history: its end says why.
  const why = failed && failed.detail.length > FAILURE_DETAIL_CHARS ? `…${failed.detail.slice(-FAILURE_DETAIL_CHARS)}` : failed?.detail;
  return failed ? `${state}: recovery ${failed.id} failed (${why})` : `${state}, longer than a promotion may take (${promoteTimeoutMs} ms)`;
}
