import type { NodeReport } from '@kbinlog/topology';
import type { NodeHealth } from './node-health';

export interface DetectionInput {
  readonly source: string;
  readonly nodes: ReadonlyMap<string, NodeReport>;
  readonly health: (report: NodeReport) => NodeHealth;
  /** Failures of the source's own checks (its report may be gone or stale). */
  readonly sourceFailures: number;
  readonly failureThreshold: number;
  readonly replicaSilenceMs: number;
}

/**
 * - `alive`: the source's checks pass, or failed fewer than the threshold times;
 * - `suspected`: this coordinator cannot reach the source, but the replicas do not agree it is
 *   gone (some still see its heartbeats, or no replica can tell);
 * - `dead`: both: orchestrator's holistic detection, so a coordinator cut off from the source
 *   alone never fails over a source that is serving.
 */
export type SourceVerdict =
  | { readonly kind: 'alive' }
  | { readonly kind: 'suspected'; readonly reason: string; readonly seeing: readonly string[] }
  | { readonly kind: 'dead'; readonly agreeing: readonly string[] };

export function judgeSource(input: DetectionInput): SourceVerdict {
  if (input.sourceFailures < input.failureThreshold) return { kind: 'alive' };
  // The witnesses: healthy nodes other than the source whose fetcher runs.
  const witnesses = [...input.nodes.values()].filter((report) => report.node !== input.source && report.ioRunning && input.health(report).healthy);
  if (witnesses.length === 0) return { kind: 'suspected', reason: 'no healthy replica with a running fetcher can confirm', seeing: [] };
  // No group ever applied means no heartbeat seen either.
  const silent = (report: NodeReport) => report.appliedAgeMs === null || report.appliedAgeMs > input.replicaSilenceMs;
  const seeing = witnesses.filter((report) => !silent(report)).map((report) => report.node);
  if (seeing.length > 0) return { kind: 'suspected', reason: 'replicas still receive groups from the source', seeing };
  return { kind: 'dead', agreeing: witnesses.map((report) => report.node) };
}
