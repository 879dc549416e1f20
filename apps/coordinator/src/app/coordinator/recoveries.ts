import type { NodeReport, RecoveryRecord, SourceAssignment } from '@kbinlog/topology';
import { randomUUID } from 'node:crypto';
import { CoordinatorError, CoordinatorErrorCode } from './coordinator-error';
import type { Leadership } from './leadership';
import type { CoordinatorLog, NodeApi, TopologyReader } from './ports';

export interface RecoveryOptions {
  readonly coordinatorId: string;
  readonly promoteTimeoutMs: number;
  /** Pause between promotion attempts. */
  readonly retryMs: number;
}

export interface SwitchoverResult {
  readonly recovery: RecoveryRecord;
  /** From the demotion request to the target answering its promotion: how long writes were refused. */
  readonly refused_ms: number;
}

/**
 * Changing the source, always in the same three steps: record the recovery `started` and the new
 * assignment in one fenced transaction, promote the target under that generation, record the
 * end. A leader that dies between the steps leaves `started` behind, and its successor's
 * `resume` finishes the same recovery, so each completes exactly once.
 */
export class Recoveries {
  constructor(
    private readonly leadership: Leadership,
    private readonly topology: TopologyReader,
    private readonly nodes: NodeApi,
    private readonly options: RecoveryOptions,
    private readonly log: CoordinatorLog,
    private readonly clock: () => number,
    /** Told of each recovery once its end (done or failed) is recorded. */
    private readonly ended: (recovery: RecoveryRecord) => void = () => undefined,
  ) {}

  /** Fails the dead `from` over to `to`; resolves with the recovery as recorded at its end. */
  async failover(term: number, from: string, to: NodeReport, detectionMs: number, detail: string): Promise<RecoveryRecord> {
    const startedAtMs = this.clock();
    this.log.warn({ event: 'failover.detected', from, to: to.node, detection_ms: detectionMs, detail }, 'the source is dead: failing over');
    const recovery = await this.begin(term, 'failover', from, to.node, detail);
    const done = await this.complete(term, recovery);
    if (done.state === 'done') {
      this.log.warn({ event: 'failover.done', from, to: to.node, generation: this.generation(), detection_ms: detectionMs, promotion_ms: (done.endedAtMs ?? startedAtMs) - startedAtMs }, 'failover done');
    }
    return done;
  }

  /** Finishes a recovery its recorder left `started`: promotes the assignment's node under its generation. */
  async resume(term: number, recovery: RecoveryRecord): Promise<RecoveryRecord> {
    this.log.warn({ event: 'recovery.resumed', id: recovery.id, type: recovery.type, to: recovery.to }, 'completing a recovery the previous leader left unfinished');
    return this.complete(term, recovery);
  }

  /** PlannedReparentShard: demote, record, promote; back to the old source if the target fails. */
  async switchover(term: number, source: NodeReport, target: NodeReport): Promise<SwitchoverResult> {
    const demoteAtMs = this.clock();
    try {
      const demoted = await this.nodes.demote(source.httpUrl);
      this.log.info({ event: 'switchover.demoted', from: source.node, position: demoted.position }, 'the source stopped taking writes');
    } catch (error) {
      throw new CoordinatorError(CoordinatorErrorCode.SwitchoverFailed, `could not demote the source ${source.node}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const recovery = await this.begin(term, 'switchover', source.node, target.node, `planned switchover from ${source.node} to ${target.node}`);
    const generation = this.generation();
    try {
      await this.promote(term, target.node, generation);
    } catch (error) {
      if (error instanceof CoordinatorError && error.code === CoordinatorErrorCode.NotLeader) throw error;
      throw await this.fallBack(term, recovery, source.node, error);
    }
    const promotedAtMs = this.clock();
    const done: RecoveryRecord = { ...recovery, state: 'done', endedAtMs: promotedAtMs };
    await this.leadership.write(term, done);
    this.ended(done);
    this.log.info({ event: 'switchover.done', from: source.node, to: target.node, generation, refused_ms: promotedAtMs - demoteAtMs }, 'switchover done');
    return { recovery: done, refused_ms: promotedAtMs - demoteAtMs };
  }

  private async fallBack(term: number, recovery: RecoveryRecord, oldSource: string, cause: unknown): Promise<CoordinatorError> {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const failed: RecoveryRecord = { ...recovery, state: 'failed', endedAtMs: this.clock(), detail: `${recovery.to} did not promote (${reason}); ${oldSource} is source again` };
    const generation = this.generation() + 1;
    await this.leadership.write(term, failed, this.assignment(oldSource, generation, 'switchover'));
    this.ended(failed);
    this.log.error({ event: 'switchover.failed', from: oldSource, to: recovery.to, error: reason }, 'the target did not promote: promoting the old source again');
    try {
      await this.promote(term, oldSource, generation);
    } catch (error) {
      this.log.error({ event: 'switchover.fallback_failed', node: oldSource, error: String(error) }, 'the old source did not promote again either');
    }
    return new CoordinatorError(CoordinatorErrorCode.SwitchoverFailed, failed.detail, failed);
  }

  private async begin(term: number, type: RecoveryRecord['type'], from: string | null, to: string, detail: string): Promise<RecoveryRecord> {
    const recovery: RecoveryRecord = { kind: 'recovery', id: `${type}-${randomUUID()}`, type, from, to, state: 'started', startedAtMs: this.clock(), endedAtMs: null, acknowledged: false, detail };
    // One transaction: a recovery `started` always comes with the assignment it promotes.
    await this.leadership.write(term, recovery, this.assignment(to, this.generation() + 1, type));
    return recovery;
  }

  private async complete(term: number, recovery: RecoveryRecord): Promise<RecoveryRecord> {
    const assignment = this.topology.snapshot().source;
    let ended: RecoveryRecord;
    if (!assignment || assignment.node !== recovery.to) {
      ended = { ...recovery, state: 'failed', endedAtMs: this.clock(), detail: `${recovery.detail}; the assignment names ${assignment?.node ?? 'no node'}, not ${recovery.to}` };
    } else {
      try {
        await this.promote(term, recovery.to, assignment.generation);
        ended = { ...recovery, state: 'done', endedAtMs: this.clock() };
      } catch (error) {
        if (error instanceof CoordinatorError && error.code === CoordinatorErrorCode.NotLeader) throw error;
        ended = { ...recovery, state: 'failed', endedAtMs: this.clock(), detail: `${recovery.detail}; ${recovery.to} did not promote: ${error instanceof Error ? error.message : String(error)}` };
        this.log.error({ event: `${recovery.type}.failed`, to: recovery.to, error: String(error) }, 'the target did not promote');
      }
    }
    await this.leadership.write(term, ended);
    this.ended(ended);
    return ended;
  }

  /**
   * Asks `node` to promote until it answers 200 or `promoteTimeoutMs` passes (a 409 may mean its
   * view still lags the assignment): no call outlives the deadline, so a promotion that hangs
   * fails in bounded time and the check rounds go on to another candidate.
   */
  private async promote(term: number, node: string, generation: number): Promise<NodeReport> {
    const deadline = this.clock() + this.options.promoteTimeoutMs;
    let lastError: unknown = new Error(`${node} has no report in the topology`);
    for (;;) {
      if (!this.leadership.leads(term)) throw new CoordinatorError(CoordinatorErrorCode.NotLeader, 'leadership lost during a promotion');
      const report = this.topology.snapshot().nodes.get(node);
      const remaining = deadline - this.clock();
      if (report && remaining > 0) {
        try {
          return await this.nodes.promote(report.httpUrl, generation, remaining);
        } catch (error) {
          lastError = error;
        }
      }
      if (this.clock() >= deadline) throw new Error(`no promotion within ${this.options.promoteTimeoutMs} ms; last answer: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
      await new Promise((resolve) => setTimeout(resolve, this.options.retryMs));
    }
  }

  private generation(): number {
    return this.topology.snapshot().source?.generation ?? 0;
  }

  private assignment(node: string, generation: number, reason: SourceAssignment['reason']): SourceAssignment {
    return { kind: 'source', node, generation, reason, assignedAtMs: this.clock(), by: this.options.coordinatorId };
  }
}
