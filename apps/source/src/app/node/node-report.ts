import type { AppliedPosition } from '@kbinlog/node-store';
import type { NodeReport, NodeRole, PromotionRule } from '@kbinlog/topology';

/** What the node knows of itself at the moment it reports. */
export interface NodeFacts {
  readonly node: string;
  readonly role: NodeRole;
  readonly serverId: number;
  readonly serverUuid: string;
  readonly promotionRule: PromotionRule;
  readonly httpUrl: string;
  readonly memcached: string | null;
  readonly mysql: string | null;
  readonly pod: string;
  /** Where the node stands in the log: the committer's position on a source, the applier's otherwise. */
  readonly position: AppliedPosition;
  readonly ioRunning: boolean;
  readonly sqlRunning: boolean;
  readonly lastError: string;
  readonly writable: boolean;
  readonly startedAtMs: number;
}

/**
 * The NodeReport the node publishes (docs/coordinator.md). appliedAgeMs is the age of the last
 * group in its store, heartbeats included (pt-heartbeat): near 0 on a source that writes them,
 * up to one heartbeat interval on a caught-up replica, growing while replication is stopped.
 */
export function nodeReportOf(facts: NodeFacts, nowMs: number): NodeReport {
  const { position } = facts;
  return {
    kind: 'node',
    node: facts.node,
    service: 'source',
    role: facts.role,
    serverId: facts.serverId,
    serverUuid: facts.serverUuid,
    promotionRule: facts.promotionRule,
    httpUrl: facts.httpUrl,
    memcached: facts.memcached,
    mysql: facts.mysql,
    pod: facts.pod === '' ? null : facts.pod,
    appliedOffset: position.nextOffset.toString(),
    executedGtidSet: position.executedGtids.toString(),
    appliedAgeMs: position.lastCommitTimeUs === 0 ? null : Math.max(0, Math.round(nowMs - position.lastCommitTimeUs / 1000)),
    ioRunning: facts.ioRunning,
    sqlRunning: facts.sqlRunning,
    lastError: facts.lastError,
    writable: facts.writable,
    startedAtMs: facts.startedAtMs,
    reportedAtMs: nowMs,
  };
}

/** host:port as clients dial it: the advertised host when given (IPv6 in brackets). */
export function endpointOf(host: string, port: number | null, advertiseHost: string): string | null {
  if (port === null) return null;
  const shown = advertiseHost || (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);
  return `${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
}
