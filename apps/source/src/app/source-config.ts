import { PROMOTION_RULES } from '@kbinlog/topology';
import { hostSchema, nodeOptions, type OptionValues, portSchema, positiveIntSchema, serviceOptions, sourceDelayOption, topicOptions } from '@kbinlog/service-runtime';
import { z } from 'zod';
import { parseSqlUsers } from './sql/sql-users';

export const SOURCE_OPTIONS = {
  ...nodeOptions({ nodeName: 'source', serverId: 1 }),
  ...topicOptions(),
  role: { flag: 'role', env: 'KBINLOG_ROLE', description: "the role the node takes when the topology assigns no source (source|replica); an assignment decides otherwise", schema: z.enum(['source', 'replica']), default: 'source' },
  promotionRule: { flag: 'promotion-rule', env: 'KBINLOG_PROMOTION_RULE', description: `whether a coordinator may pick this node as the next source (${PROMOTION_RULES.join('|')})`, schema: z.enum(PROMOTION_RULES), default: 'neutral' },
  promotionTimeoutMs: { flag: 'promotion-timeout-ms', env: 'KBINLOG_PROMOTION_TIMEOUT_MS', description: "the bound of a promotion: fencing the old writer, applying the log to its end and opening writes finish within it, or the node gives up and stays a replica (keep it below the coordinator's --promote-timeout-ms)", schema: positiveIntSchema(3_600_000), default: '30000' },
  heartbeatIntervalMs: { flag: 'heartbeat-interval-ms', env: 'KBINLOG_HEARTBEAT_INTERVAL_MS', description: 'how often the source appends a heartbeat group (pt-heartbeat) while a coordinator assigns it', schema: positiveIntSchema(60_000), default: '1000' },
  sourceDelayS: sourceDelayOption,
  applyBatchMaxGroups: { flag: 'apply-batch-max-groups', env: 'KBINLOG_APPLY_BATCH_MAX_GROUPS', description: 'most relayed binlog groups the node applies in one database transaction as a replica or catching up, each still whole (1: a transaction per group)', schema: positiveIntSchema(100_000), default: '1000' },
  memcachedHost: { flag: 'memcached-host', env: 'KBINLOG_MEMCACHED_HOST', description: 'address the memcached protocol listens on', schema: hostSchema, default: '127.0.0.1' },
  memcachedPort: { flag: 'memcached-port', env: 'KBINLOG_MEMCACHED_PORT', description: 'memcached protocol port; 0 picks a free port', schema: portSchema, default: '11211' },
  wBatchSize: { flag: 'w-batch-size', env: 'KBINLOG_W_BATCH_SIZE', description: 'writes that may share one binlog group (daemon_memcached_w_batch_size)', schema: positiveIntSchema(10_000), default: '1' },
  groupCommitMaxBatch: { flag: 'group-commit-max-batch', env: 'KBINLOG_GROUP_COMMIT_MAX_BATCH', description: 'most client transactions (SQL commits, memcached writes) that share one Kafka transaction, each its own group', schema: positiveIntSchema(1_000), default: '64' },
  groupCommitMaxWaitUs: { flag: 'group-commit-max-wait-us', env: 'KBINLOG_GROUP_COMMIT_MAX_WAIT_US', description: 'microseconds a short group-commit batch waits for more transactions (binlog_group_commit_sync_delay); 0 takes what queued', schema: z.string().regex(/^\d{1,7}$/, 'expected an integer 0..1000000').transform(Number).refine((value) => value <= 1_000_000, 'expected an integer 0..1000000'), default: '0' },
  readCacheMb: { flag: 'read-cache-mb', env: 'KBINLOG_READ_CACHE_MB', description: 'megabytes of rows of memcached-mapped tables the source keeps for gets, least recently used evicted first; kept coherent by its write path (0: every get runs SQL)', schema: z.string().regex(/^\d{1,5}$/, 'expected an integer 0..65536').transform(Number).refine((value) => value <= 65_536, 'expected an integer 0..65536'), default: '64' },
  maxItemSize: { flag: 'max-item-size', env: 'KBINLOG_MAX_ITEM_SIZE', description: 'largest memcached value in bytes (memcached -I)', schema: positiveIntSchema(64 * 1024 * 1024), default: String(1024 * 1024) },
  mysqlHost: { flag: 'mysql-host', env: 'KBINLOG_MYSQL_HOST', description: 'address the MySQL protocol (SQL writes and reads) listens on', schema: hostSchema, default: '127.0.0.1' },
  mysqlPort: { flag: 'mysql-port', env: 'KBINLOG_MYSQL_PORT', description: 'MySQL protocol port; 0 picks a free port (MariaDB stores only)', schema: portSchema, default: '3307' },
  sqlUsers: {
    flag: 'sql-users',
    env: 'KBINLOG_SQL_USERS',
    description: 'accounts of the MySQL port, user:password[:plugin],… (plugin mysql_native_password or caching_sha2_password)',
    schema: z.string().transform((spec, context) => {
      const parsed = parseSqlUsers(spec);
      if (parsed.ok) return parsed.users;
      for (const error of parsed.errors) context.addIssue({ code: 'custom', message: error });
      return z.NEVER;
    }),
    default: 'kbinlog:kbinlog',
  },
  maxAllowedPacket: { flag: 'max-allowed-packet', env: 'KBINLOG_MAX_ALLOWED_PACKET', description: 'largest MySQL packet payload in bytes (max_allowed_packet)', schema: positiveIntSchema(1024 * 1024 * 1024), default: String(64 * 1024 * 1024) },
  faultInjection: { flag: 'fault-injection', env: 'KBINLOG_FAULT_INJECTION', description: 'TEST ONLY: <point>@<n> makes the n-th pass through <point> crash (after-log-commit, after-session-commit) or fail (fail-log-commit, fail-session-commit); stall-promotion@<n>: every promotion from the n-th on hangs in its catch-up', schema: z.string(), default: '' },
};

export type SourceConfig = OptionValues<ReturnType<typeof serviceOptions> & typeof SOURCE_OPTIONS>;
export const SOURCE_CONFIG = Symbol('SOURCE_CONFIG');
