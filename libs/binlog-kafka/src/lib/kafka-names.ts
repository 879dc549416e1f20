import { randomUUID } from 'node:crypto';
import { assertClusterName, binlogTopic } from '@kbinlog/binlog';

/** Kafka names of a cluster, derived in one place so every tool sees the same ones. */
export interface ClusterNames {
  readonly topic: string;
  /** The writer's transactional.id: whoever initialises it last is the only one who can commit. */
  readonly writerTransactionalId: string;
  /** Consumer group that mirrors a replica's applied position, for Kafka's own lag tools. */
  replicaGroup(node: string): string;
  /** Consumer group of one read of the binlog by a tool (SHOW BINLOG EVENTS, kbinlog binlog): it commits nothing. */
  inspectGroup(reader: string): string;
  /** Compacted topic holding the topology: node reports, the source assignment, the last recovery. */
  readonly topologyTopic: string;
  /** The leading coordinator's transactional.id: a new leader fences the old one's topology writes. */
  readonly coordinatorTransactionalId: string;
  /** Consumer group whose single-partition assignment elects the leading coordinator. */
  readonly coordinatorGroup: string;
}

export function clusterNames(cluster: string): ClusterNames {
  assertClusterName(cluster);
  return {
    topic: binlogTopic(cluster),
    writerTransactionalId: `kbinlog.${cluster}.writer`,
    replicaGroup: (node) => `kbinlog.${cluster}.replica.${node}`,
    inspectGroup: (reader) => `kbinlog.${cluster}.inspect.${reader}.${randomUUID()}`,
    topologyTopic: `kbinlog.${cluster}.topology`,
    coordinatorTransactionalId: `kbinlog.${cluster}.coordinator`,
    coordinatorGroup: `kbinlog.${cluster}.coordinator`,
  };
}
