import { Histogram, type Registry } from 'prom-client';

/** Kafka round trips of a binlog transaction, from well under a millisecond to a stalled broker. */
export const KAFKA_LATENCY_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] as const;

/**
 * How long the source's Kafka transactions take: the produce of a transaction's groups
 * (acks=all) and its commit (EndTxn, which writes the markers). Registered once per process;
 * every BinlogWriter of the process (one per promotion) observes into it.
 */
export class BinlogWriterMetrics {
  readonly produceSeconds: Histogram;
  readonly commitSeconds: Histogram;

  constructor(registry: Registry) {
    this.produceSeconds = new Histogram({
      name: 'kbinlog_binlog_produce_duration_seconds',
      help: "Time to produce one Kafka transaction's binlog groups to the binlog topic (acks=all).",
      buckets: [...KAFKA_LATENCY_BUCKETS],
      registers: [registry],
    });
    this.commitSeconds = new Histogram({
      name: 'kbinlog_binlog_commit_duration_seconds',
      help: 'Time to commit one Kafka transaction of the binlog (EndTxn and its markers).',
      buckets: [...KAFKA_LATENCY_BUCKETS],
      registers: [registry],
    });
  }
}
