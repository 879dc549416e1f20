import { brokersSchema, clusterSchema, type OptionValues, positiveIntSchema, type serviceOptions } from '@kbinlog/service-runtime';
import { hostname } from 'node:os';
import { z } from 'zod';

/** `none`, `kubernetes`, or `record:<file>` (each call appended as a JSON line, for tests). */
export type PodLabelerSetting = { readonly kind: 'none' } | { readonly kind: 'kubernetes' } | { readonly kind: 'record'; readonly file: string };

const podLabelerSchema = z.string().transform((text, context): PodLabelerSetting => {
  if (text === 'none' || text === 'kubernetes') return { kind: text };
  if (text.startsWith('record:') && text.length > 'record:'.length) return { kind: 'record', file: text.slice('record:'.length) };
  context.addIssue({ code: 'custom', message: 'expected none, kubernetes or record:<file>' });
  return z.NEVER;
});

const booleanSchema = z.enum(['true', 'false']).transform((text) => text === 'true');

export const COORDINATOR_OPTIONS = {
  cluster: { flag: 'cluster', env: 'KBINLOG_CLUSTER', description: 'cluster name (topology topic kbinlog.<cluster>.topology)', schema: clusterSchema, default: 'local' },
  kafkaBrokers: { flag: 'kafka-brokers', env: 'KBINLOG_KAFKA_BROKERS', description: 'Kafka bootstrap servers, host:port[,…]', schema: brokersSchema, default: '127.0.0.1:9092' },
  coordinatorId: { flag: 'coordinator-id', env: 'KBINLOG_COORDINATOR_ID', description: 'this instance, in logs and in the assignments it writes', schema: z.string().min(1).max(200), default: `${hostname()}-${process.pid}` },
  checkIntervalMs: { flag: 'check-interval-ms', env: 'KBINLOG_CHECK_INTERVAL_MS', description: "how often the leader checks every node's /health", schema: positiveIntSchema(60_000), default: '1000' },
  failureThreshold: { flag: 'failure-threshold', env: 'KBINLOG_FAILURE_THRESHOLD', description: "consecutive failed checks of the source before it may be declared dead", schema: positiveIntSchema(100), default: '3' },
  checkTimeoutMs: { flag: 'check-timeout-ms', env: 'KBINLOG_CHECK_TIMEOUT_MS', description: 'a /health check slower than this failed', schema: positiveIntSchema(60_000), default: '500' },
  replicaSilenceMs: { flag: 'replica-silence-ms', env: 'KBINLOG_REPLICA_SILENCE_MS', description: 'replicas agree the source is dead when their last applied group is older than this while their fetcher runs', schema: positiveIntSchema(3_600_000), default: '3000' },
  failoverBlockMs: { flag: 'failover-block-ms', env: 'KBINLOG_FAILOVER_BLOCK_MS', description: 'refuse another automatic failover this long after the last one, unless acknowledged (anti-flapping)', schema: positiveIntSchema(7 * 24 * 3_600_000), default: '3600000' },
  autoFailover: { flag: 'auto-failover', env: 'KBINLOG_AUTO_FAILOVER', description: 'fail over automatically when the source is dead: true or false', schema: booleanSchema, default: 'true' },
  promoteTimeoutMs: { flag: 'promote-timeout-ms', env: 'KBINLOG_PROMOTE_TIMEOUT_MS', description: "how long the leader keeps asking a target to promote before the recovery fails and the next candidate is tried; keep it above the nodes' --promotion-timeout-ms (30000) plus 5 s", schema: positiveIntSchema(3_600_000), default: '45000' },
  electionSessionTimeoutMs: { flag: 'election-session-timeout-ms', env: 'KBINLOG_ELECTION_SESSION_TIMEOUT_MS', description: "session timeout in the coordinators' consumer group: a silent leader loses leadership after it (6000 is the broker's minimum)", schema: positiveIntSchema(300_000), default: '6000' },
  podLabeler: { flag: 'pod-labeler', env: 'KBINLOG_POD_LABELER', description: 'how the source pod is labelled role=source: none, kubernetes, or record:<file> (tests)', schema: podLabelerSchema, default: 'none' },
  kubernetesNamespace: { flag: 'kubernetes-namespace', env: 'KBINLOG_KUBERNETES_NAMESPACE', description: "namespace of the nodes' pods (default: the service account's)", schema: z.string(), default: '' },
  topologyReplicationFactor: { flag: 'topology-replication-factor', env: 'KBINLOG_TOPOLOGY_REPLICATION_FACTOR', description: 'replication factor of the topology topic if the coordinator creates it (3 in production)', schema: positiveIntSchema(32), default: '1' },
};

export type CoordinatorConfig = OptionValues<ReturnType<typeof serviceOptions> & typeof COORDINATOR_OPTIONS>;
export const COORDINATOR_CONFIG = Symbol('COORDINATOR_CONFIG');
