import type { LogRange } from '@kbinlog/binlog-kafka';
import type { ReplicationChannel } from '@kbinlog/replication';

/** Who answers: the node's name, server_id and server_uuid, beside every status. */
export interface NodeIdentity {
  readonly node: string;
  readonly server_id: number;
  readonly server_uuid: string;
}

/**
 * What a node service hands the replica controls: its open channel and who it is. The replica
 * service and the node service (while a replica) both provide it under REPLICA_HOST.
 */
export interface ReplicaHost {
  readonly channel: ReplicationChannel;
  readonly identity: NodeIdentity;
  readonly cluster: string;
  /** True once shutdown began: controls are refused, status still answers. */
  readonly closing: boolean;
  /** Where the binlog starts (retention may have deleted older groups) and ends now. */
  binlogBounds(): Promise<LogRange>;
}

export const REPLICA_HOST = Symbol('REPLICA_HOST');
