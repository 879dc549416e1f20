import type { NodeReport } from '@kbinlog/topology';

/** What the leader knows of one node's liveness, from its own checks and the node's reports. */
export interface NodeHealth {
  readonly healthy: boolean;
  readonly consecutiveFailures: number;
  /** When the current run of failed checks began; null while checks pass. */
  readonly failingSinceMs: number | null;
}

const UNKNOWN: NodeHealth = { healthy: false, consecutiveFailures: 0, failingSinceMs: null };

/**
 * Consecutive failed checks per node. A check fails when GET /health does not answer in time,
 * or when the node's last report is stale (a node that cannot reach Kafka is not serving the
 * cluster, whatever its HTTP says).
 */
export class HealthTracker {
  private readonly byNode = new Map<string, NodeHealth>();

  constructor(private readonly staleReportMs: number) {}

  /** Records one check of `node`: `answered` is whether its /health answered in time; `report` its last report, if any. */
  record(node: string, report: NodeReport | undefined, answered: boolean, nowMs: number): NodeHealth {
    const previous = this.byNode.get(node);
    const passed = answered && report !== undefined && this.fresh(report, nowMs);
    const next: NodeHealth = passed
      ? { healthy: true, consecutiveFailures: 0, failingSinceMs: null }
      : { healthy: false, consecutiveFailures: (previous?.consecutiveFailures ?? 0) + 1, failingSinceMs: previous?.failingSinceMs ?? nowMs };
    this.byNode.set(node, next);
    return next;
  }

  /** The checks of `node` so far; undefined before the first. */
  checked(node: string): NodeHealth | undefined {
    return this.byNode.get(node);
  }

  /** A node never checked (a follower, or a node that just appeared) is judged by its report alone. */
  of(report: NodeReport, nowMs: number): NodeHealth {
    const known = this.byNode.get(report.node);
    if (known) return known.healthy && !this.fresh(report, nowMs) ? { ...known, healthy: false } : known;
    return this.fresh(report, nowMs) ? { healthy: true, consecutiveFailures: 0, failingSinceMs: null } : UNKNOWN;
  }

  forget(node: string): void {
    this.byNode.delete(node);
  }

  private fresh(report: NodeReport, nowMs: number): boolean {
    return nowMs - report.reportedAtMs <= this.staleReportMs;
  }
}
