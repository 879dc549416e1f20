import type { NodeIdentity } from '@kbinlog/replica-feature';
import type { ReplicaStatus } from '@kbinlog/replication';
import type { NodeReport } from '@kbinlog/topology';

/** What the replica knows of itself when it reports. */
export interface ReplicaReportInput {
  readonly identity: NodeIdentity;
  readonly httpUrl: string;
  /** KBINLOG_POD_NAME; '' outside Kubernetes. */
  readonly pod: string;
  readonly status: ReplicaStatus;
  readonly appliedAgeMs: number | null;
  readonly startedAtMs: number;
  readonly nowMs: number;
}

/**
 * The replica service's topology record: always role replica and promotion rule must_not (it
 * has no write path, so a coordinator must never pick it), never writable, no front doors.
 */
export function replicaNodeReport(input: ReplicaReportInput): NodeReport {
  const { identity, status } = input;
  return {
    kind: 'node',
    node: identity.node,
    service: 'replica',
    role: 'replica',
    serverId: identity.server_id,
    serverUuid: identity.server_uuid,
    promotionRule: 'must_not',
    httpUrl: input.httpUrl,
    memcached: null,
    mysql: null,
    pod: input.pod === '' ? null : input.pod,
    appliedOffset: status.Exec_Source_Log_Pos,
    executedGtidSet: status.Executed_Gtid_Set,
    appliedAgeMs: input.appliedAgeMs,
    ioRunning: status.Replica_IO_Running === 'Yes',
    sqlRunning: status.Replica_SQL_Running === 'Yes',
    lastError: status.Last_Error,
    writable: false,
    startedAtMs: input.startedAtMs,
    reportedAtMs: input.nowMs,
  };
}
