import { hostSchema, nodeOptions, type OptionValues, portSchema, positiveIntSchema, serviceOptions, topicOptions } from '@kbinlog/service-runtime';
import { z } from 'zod';

export const SOURCE_OPTIONS = {
  ...nodeOptions({ nodeName: 'source', serverId: 1 }),
  ...topicOptions(),
  memcachedHost: { flag: 'memcached-host', env: 'KBINLOG_MEMCACHED_HOST', description: 'address the memcached protocol listens on', schema: hostSchema, default: '127.0.0.1' },
  memcachedPort: { flag: 'memcached-port', env: 'KBINLOG_MEMCACHED_PORT', description: 'memcached protocol port; 0 picks a free port', schema: portSchema, default: '11211' },
  wBatchSize: { flag: 'w-batch-size', env: 'KBINLOG_W_BATCH_SIZE', description: 'writes that may share one binlog group (daemon_memcached_w_batch_size)', schema: positiveIntSchema(10_000), default: '1' },
  maxItemSize: { flag: 'max-item-size', env: 'KBINLOG_MAX_ITEM_SIZE', description: 'largest memcached value in bytes (memcached -I)', schema: positiveIntSchema(64 * 1024 * 1024), default: String(1024 * 1024) },
  faultInjection: { flag: 'fault-injection', env: 'KBINLOG_FAULT_INJECTION', description: 'TEST ONLY: <point>@<n> kills the process the n-th time the write path reaches <point> (after-log-commit)', schema: z.string(), default: '' },
};

export type SourceConfig = OptionValues<ReturnType<typeof serviceOptions> & typeof SOURCE_OPTIONS>;
export const SOURCE_CONFIG = Symbol('SOURCE_CONFIG');
