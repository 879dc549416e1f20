import { nodeOptions, type OptionValues, positiveIntSchema, serviceOptions, topicOptions } from '@kbinlog/service-runtime';
import { z } from 'zod';

export const REPLICA_OPTIONS = {
  ...nodeOptions({ nodeName: 'replica-1', serverId: 2 }),
  ...topicOptions(),
  replicaExecMode: {
    flag: 'replica-exec-mode',
    env: 'KBINLOG_REPLICA_EXEC_MODE',
    description: 'replica_exec_mode: STRICT stops the applier on a missing row or duplicate key; IDEMPOTENT suppresses those errors',
    schema: z.enum(['STRICT', 'IDEMPOTENT']),
    default: 'STRICT',
  },
  relayMaxGroups: {
    flag: 'relay-max-groups',
    env: 'KBINLOG_RELAY_MAX_GROUPS',
    description: 'binlog groups the fetcher may hold ahead of the applier (relay buffer, in records)',
    schema: positiveIntSchema(1_000_000),
    default: '10000',
  },
  relayMaxBytes: {
    flag: 'relay-max-bytes',
    env: 'KBINLOG_RELAY_MAX_BYTES',
    description: 'estimated bytes the relay buffer may hold (relay_log_space_limit)',
    schema: positiveIntSchema(999_999_999),
    default: String(64 * 1024 * 1024),
  },
};

export type ReplicaConfig = OptionValues<ReturnType<typeof serviceOptions> & typeof REPLICA_OPTIONS>;
export const REPLICA_CONFIG = Symbol('REPLICA_CONFIG');
