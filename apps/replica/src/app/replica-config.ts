import {
  type FilterOption,
  filterSettingProblems,
  parseFilterRules,
  type ReplicationFilter,
  splitFilterList,
} from '@kbinlog/replication-filter';
import { nodeOptions, type OptionSpec, type OptionValues, positiveIntSchema, serviceOptions, sourceDelayOption, topicOptions } from '@kbinlog/service-runtime';
import { z } from 'zod';

/**
 * A `--replicate-*` option: MySQL repeats it, here one flag or variable holds a comma-separated
 * list; every malformed entry is a start-up problem.
 */
function filterOption(option: FilterOption, description: string): OptionSpec<string[]> {
  return {
    flag: option,
    env: `KBINLOG_${option.toUpperCase().replace(/-/g, '_')}`,
    description: `${option}: ${description}; a comma-separated list, empty for none`,
    schema: z.string().transform((text, context) => {
      const values = splitFilterList(text);
      for (const message of filterSettingProblems(option, values)) context.addIssue({ code: 'custom', message });
      return values;
    }),
    default: '',
  };
}

export const REPLICA_OPTIONS = {
  ...nodeOptions({ nodeName: 'replica-1', serverId: 2 }),
  ...topicOptions(),
  readOnly: {
    flag: 'read-only',
    env: 'KBINLOG_READ_ONLY',
    description: "set read_only=ON on this replica's MariaDB, so client accounts without READ_ONLY ADMIN get error 1290 on writes (on|off)",
    schema: z.enum(['on', 'off']).transform((value) => value === 'on'),
    default: 'on',
  },
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
  sourceDelayS: sourceDelayOption,
  applyBatchMaxGroups: {
    flag: 'apply-batch-max-groups',
    env: 'KBINLOG_APPLY_BATCH_MAX_GROUPS',
    description: 'most relayed binlog groups a replica applies in one database transaction, each still whole (1: a transaction per group)',
    schema: positiveIntSchema(100_000),
    default: '1000',
  },
  relayMaxBytes: {
    flag: 'relay-max-bytes',
    env: 'KBINLOG_RELAY_MAX_BYTES',
    description: 'estimated bytes the relay buffer may hold (relay_log_space_limit)',
    schema: positiveIntSchema(999_999_999),
    default: String(64 * 1024 * 1024),
  },
  replicateDoDb: filterOption('replicate-do-db', 'apply only changes to tables of these databases (the database of the changed table, not the default one), e.g. sales,hr'),
  replicateIgnoreDb: filterOption('replicate-ignore-db', 'skip changes to tables of these databases; not read when --replicate-do-db is set'),
  replicateDoTable: filterOption('replicate-do-table', 'apply only changes to these tables, db.tbl (after the database rules), e.g. sales.orders'),
  replicateIgnoreTable: filterOption('replicate-ignore-table', 'skip changes to these tables, db.tbl'),
  replicateWildDoTable: filterOption('replicate-wild-do-table', 'apply only changes to tables whose db.tbl matches one of these LIKE patterns (% any run, _ one character, \\ escapes), e.g. sales%.%'),
  replicateWildIgnoreTable: filterOption('replicate-wild-ignore-table', 'skip changes to tables whose db.tbl matches one of these LIKE patterns, e.g. tmp%.%'),
  replicateRewriteDb: filterOption('replicate-rewrite-db', 'apply what the source does in database <from> to database <to> here, written from->to; read before every other filter, e.g. prod->prod_copy'),
};

export type ReplicaConfig = OptionValues<ReturnType<typeof serviceOptions> & typeof REPLICA_OPTIONS>;
export const REPLICA_CONFIG = Symbol('REPLICA_CONFIG');

/** The replica's replication filters, from its validated `--replicate-*` settings. */
export function replicationFilterOf(config: ReplicaConfig): ReplicationFilter {
  const parsed = parseFilterRules({
    'replicate-do-db': config.replicateDoDb,
    'replicate-ignore-db': config.replicateIgnoreDb,
    'replicate-do-table': config.replicateDoTable,
    'replicate-ignore-table': config.replicateIgnoreTable,
    'replicate-wild-do-table': config.replicateWildDoTable,
    'replicate-wild-ignore-table': config.replicateWildIgnoreTable,
    'replicate-rewrite-db': config.replicateRewriteDb,
  });
  // loadConfig validated every value already.
  if (!parsed.ok) throw new Error(`invalid replication filters: ${parsed.problems.join('; ')}`);
  return parsed.filter;
}
