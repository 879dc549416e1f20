import type { NodeReport } from '@kbinlog/topology';

/** A node report for tests: a healthy, caught-up replica of the node service unless told otherwise. */
export function report(node: string, fields: Partial<NodeReport> = {}, nowMs = 1_000_000): NodeReport {
  return {
    kind: 'node',
    node,
    service: 'source',
    role: 'replica',
    serverId: 1 + node.length,
    serverUuid: `uuid-${node}`,
    promotionRule: 'neutral',
    httpUrl: `http://${node}.test:8081`,
    memcached: `${node}.test:11211`,
    mysql: `${node}.test:3307`,
    pod: null,
    appliedOffset: '100',
    executedGtidSet: '',
    appliedAgeMs: 200,
    ioRunning: true,
    sqlRunning: true,
    lastError: '',
    writable: false,
    startedAtMs: nowMs - 60_000,
    reportedAtMs: nowMs,
    ...fields,
  };
}
