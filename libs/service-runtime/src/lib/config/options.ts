import { z } from 'zod';

/**
 * One setting of a service: a command-line flag, an environment variable, a default and a
 * validating schema. Flags win over the environment, which wins over the default.
 */
export interface OptionSpec<T> {
  readonly flag: string;
  readonly env: string;
  readonly description: string;
  readonly schema: z.ZodType<T, string>;
  readonly default?: string;
}

export type OptionValues<S extends Record<string, OptionSpec<unknown>>> = {
  [K in keyof S]: S[K] extends OptionSpec<infer T> ? T : never;
};

export const portSchema = z
  .string()
  .regex(/^\d{1,5}$/, 'expected a TCP port number 0..65535')
  .transform(Number)
  .refine((port) => port <= 65535, 'expected a TCP port number 0..65535');

export const hostSchema = z.string().min(1, 'expected a host name or IP address');

export const logLevelSchema = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']);

/** The settings every kbinlog service has; each service adds its own. */
export function serviceOptions(defaults: { httpPort: number }) {
  return {
    httpHost: {
      flag: 'http-host',
      env: 'KBINLOG_HTTP_HOST',
      description: 'address the HTTP API (health, status) listens on',
      schema: hostSchema,
      default: '127.0.0.1',
    },
    httpPort: {
      flag: 'http-port',
      env: 'KBINLOG_HTTP_PORT',
      description: 'port of the HTTP API; 0 picks a free port',
      schema: portSchema,
      default: String(defaults.httpPort),
    },
    logLevel: {
      flag: 'log-level',
      env: 'KBINLOG_LOG_LEVEL',
      description: `log level: ${logLevelSchema.options.join(', ')}`,
      schema: logLevelSchema,
      default: 'info',
    },
  } satisfies Record<string, OptionSpec<unknown>>;
}

export const clusterSchema = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'expected 1-63 lowercase letters, digits and "-"');

export const brokersSchema = z
  .string()
  .transform((text) => text.split(',').map((broker) => broker.trim()))
  .pipe(z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port[,host:port…]')).min(1));

/** A node's own database: MariaDB/MySQL, or a SQLite file (the embedded store). */
export const nodeDatabaseUrlSchema = z
  .string()
  .regex(
    /^((mysql|mariadb):\/\/[^\s/@]+(:[^\s/@]*)?@[^\s/:]+(:\d{1,5})?\/?|sqlite:\/\/\/\S+)$/,
    'expected mysql://user:password@host:port/ or sqlite:///path/to/node.db',
  );

export const serverIdSchema = z
  .string()
  .regex(/^\d{1,10}$/, 'expected an integer 1..4294967295')
  .transform(Number)
  .refine((id) => id >= 1 && id <= 4294967295, 'expected an integer 1..4294967295');

export function positiveIntSchema(max: number) {
  return z
    .string()
    .regex(/^\d{1,9}$/, `expected an integer 1..${max}`)
    .transform(Number)
    .refine((value) => value >= 1 && value <= max, `expected an integer 1..${max}`);
}

/** SOURCE_DELAY in seconds, 0..2^31 - 1 as MySQL allows. */
export const sourceDelaySchema = z
  .string()
  .regex(/^\d{1,10}$/, 'expected seconds, 0..2147483647')
  .transform(Number)
  .refine((value) => value <= 2_147_483_647, 'expected seconds, 0..2147483647');

/** --source-delay: a delayed replica's SOURCE_DELAY (CHANGE REPLICATION SOURCE TO SOURCE_DELAY changes it while the node runs). */
export const sourceDelayOption = {
  flag: 'source-delay',
  env: 'KBINLOG_SOURCE_DELAY',
  description: 'seconds a replica holds each binlog group back after the source committed it (SOURCE_DELAY; 0: none)',
  schema: sourceDelaySchema,
  default: '0',
} satisfies OptionSpec<number>;

/** Settings every node (source or replica) has: its cluster, Kafka, its own database, its identity. */
export function nodeOptions(defaults: { nodeName: string; serverId: number }) {
  return {
    cluster: { flag: 'cluster', env: 'KBINLOG_CLUSTER', description: 'cluster name (binlog topic kbinlog.<cluster>.binlog)', schema: clusterSchema, default: 'local' },
    kafkaBrokers: { flag: 'kafka-brokers', env: 'KBINLOG_KAFKA_BROKERS', description: 'Kafka bootstrap servers, host:port[,…]', schema: brokersSchema, default: '127.0.0.1:9092' },
    databaseUrl: { flag: 'database-url', env: 'KBINLOG_DATABASE_URL', description: "this node's own database, mysql://user:password@host:port/ or sqlite:///path/to/node.db", schema: nodeDatabaseUrlSchema },
    nodeName: { flag: 'node-name', env: 'KBINLOG_NODE_NAME', description: 'node name (consumer group kbinlog.<cluster>.replica.<name>)', schema: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected lowercase letters, digits and "-"'), default: defaults.nodeName },
    serverId: { flag: 'server-id', env: 'KBINLOG_SERVER_ID', description: 'server_id, unique in the cluster', schema: serverIdSchema, default: String(defaults.serverId) },
    advertiseHost: { flag: 'advertise-host', env: 'KBINLOG_ADVERTISE_HOST', description: 'host others reach this node on, in its topology reports (default: the listening address)', schema: z.string(), default: '' },
    podName: { flag: 'pod-name', env: 'KBINLOG_POD_NAME', description: "the node's Kubernetes pod (the coordinator labels the source's pod role=source); empty outside Kubernetes", schema: z.string(), default: '' },
    topologyIntervalMs: { flag: 'topology-interval-ms', env: 'KBINLOG_TOPOLOGY_INTERVAL_MS', description: 'how often the node publishes its report to the topology topic', schema: positiveIntSchema(60_000), default: '1000' },
  } satisfies Record<string, OptionSpec<unknown>>;
}

/** How a node creates the binlog topic if it is missing (design.md, invariant 1). */
export function topicOptions() {
  return {
    binlogRetentionMs: { flag: 'binlog-retention-ms', env: 'KBINLOG_BINLOG_RETENTION_MS', description: 'retention.ms of the binlog topic; -1 keeps it forever (binlog_expire_logs_seconds)', schema: z.string().regex(/^(-1|\d{1,15})$/, 'expected -1 or milliseconds').transform(Number), default: '-1' },
    binlogReplicationFactor: { flag: 'binlog-replication-factor', env: 'KBINLOG_BINLOG_REPLICATION_FACTOR', description: 'replication factor of the binlog topic (3 in production)', schema: positiveIntSchema(32), default: '1' },
    binlogMinInsyncReplicas: { flag: 'binlog-min-insync-replicas', env: 'KBINLOG_BINLOG_MIN_INSYNC_REPLICAS', description: 'min.insync.replicas of the binlog topic (2 in production)', schema: positiveIntSchema(32), default: '1' },
  } satisfies Record<string, OptionSpec<unknown>>;
}
