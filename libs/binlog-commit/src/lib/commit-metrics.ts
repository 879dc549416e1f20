import { Counter, Histogram, type Registry } from 'prom-client';

/** What the source waits for a write: a group commit's Kafka round trips and a database commit. */
const COMMIT_LATENCY_BUCKETS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Groups per Kafka transaction, up to a full group-commit batch. */
const GROUPS_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

/** What the commit latency distinguishes: how the write reached the write path. */
export type CommitKind = 'write' | 'transaction' | 'statement';

/**
 * The source's write path, as the binlog committer measures it. Registered once per process;
 * every committer of the process (one per promotion) observes into the same children, resolved
 * here once so a write never builds a label set.
 */
export class CommitMetrics {
  /** Client write accepted by the write path → acknowledged (logged and stored), by CommitKind. */
  readonly commitSeconds: Readonly<Record<CommitKind, Histogram.Internal<'kind'>>>;
  /** Groups per committed Kafka transaction (group commit, keyed batches; 1 for a lone group). */
  readonly transactionGroups: Histogram;
  readonly groupsCommitted: Counter;

  constructor(registry: Registry) {
    const commitSeconds = new Histogram({
      name: 'kbinlog_source_commit_duration_seconds',
      help: 'Time from a write reaching the source\'s write path to its acknowledgement, logged and stored (kind: write = a memcached write or a SQL autocommit row write, transaction = a SQL COMMIT, statement = DDL or flush_all).',
      labelNames: ['kind'] as const,
      buckets: COMMIT_LATENCY_BUCKETS,
      registers: [registry],
    });
    this.commitSeconds = { write: commitSeconds.labels('write'), transaction: commitSeconds.labels('transaction'), statement: commitSeconds.labels('statement') };
    // Every kind has a series from the start, so a rate sees its first write.
    for (const kind of ['write', 'transaction', 'statement'] as const) commitSeconds.zero({ kind });
    this.transactionGroups = new Histogram({
      name: 'kbinlog_source_group_commit_groups',
      help: 'Binlog groups per committed Kafka transaction of the source (its group-commit batch size).',
      buckets: GROUPS_BUCKETS,
      registers: [registry],
    });
    this.groupsCommitted = new Counter({
      name: 'kbinlog_source_binlog_groups_total',
      help: 'Binlog groups this node committed to the binlog as source, heartbeats included.',
      registers: [registry],
    });
  }
}
