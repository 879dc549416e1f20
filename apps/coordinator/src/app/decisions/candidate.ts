import type { NodeReport, PromotionRule } from '@kbinlog/topology';
import type { NodeHealth } from './node-health';

const RULE_RANK: Readonly<Record<PromotionRule, number>> = { prefer: 0, neutral: 1, must_not: 2 };

/** Why `report`'s node may not become source (apply-only, must_not, unhealthy); undefined if it may. */
export function unpromotableBecause(report: NodeReport, health: NodeHealth): 'apply-only' | 'must_not' | 'unhealthy' | undefined {
  if (report.service !== 'source') return 'apply-only';
  if (report.promotionRule === 'must_not') return 'must_not';
  return health.healthy ? undefined : 'unhealthy';
}

/** Whether `report`'s node may become source at all: the node service, healthy, not must_not. */
export function promotable(report: NodeReport, health: NodeHealth): boolean {
  return unpromotableBecause(report, health) === undefined;
}

/**
 * The node to promote: the most advanced healthy promotable node (highest applied offset, so
 * the least of the log is left to apply), then `prefer` before `neutral`, then by name so every
 * coordinator picks the same one.
 */
export function chooseCandidate(nodes: Iterable<NodeReport>, health: (report: NodeReport) => NodeHealth, exclude: string): NodeReport | undefined {
  const candidates = [...nodes].filter((report) => report.node !== exclude && promotable(report, health(report)));
  candidates.sort((a, b) => {
    const offsetA = BigInt(a.appliedOffset);
    const offsetB = BigInt(b.appliedOffset);
    if (offsetA !== offsetB) return offsetA > offsetB ? -1 : 1;
    const rule = RULE_RANK[a.promotionRule] - RULE_RANK[b.promotionRule];
    return rule !== 0 ? rule : a.node.localeCompare(b.node);
  });
  return candidates[0];
}

/**
 * Why `chosen` for the recovery's detail: every other node with its applied offset and, where
 * it could not be chosen, the reason (the choice is otherwise hard to tell after the fact).
 */
export function choiceDetail(nodes: Iterable<NodeReport>, health: (report: NodeReport) => NodeHealth, exclude: string, chosen: NodeReport): string {
  const others = [...nodes]
    .filter((report) => report.node !== exclude && report.node !== chosen.node)
    .map((report) => {
      const reason = unpromotableBecause(report, health(report));
      return `${report.node} at ${report.appliedOffset}${reason ? ` (${reason})` : ''}`;
    });
  return `promoting ${chosen.node} at applied offset ${chosen.appliedOffset}${others.length > 0 ? `; the others: ${others.join(', ')}` : ''}`;
}
