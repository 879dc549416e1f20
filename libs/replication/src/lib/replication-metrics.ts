import type { BinlogGroup } from '@kbinlog/binlog';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ReplicationChannel } from './replication-channel';

/** Groups per apply transaction, up to --apply-batch-max-groups. */
const APPLY_BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

/** A gauge read from the channel at scrape time; absent while there is no value (no channel, no group applied yet). */
function channelGauge(registry: Registry, name: string, help: string, read: () => number | null | undefined): Gauge {
  return new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      const value = read();
      if (value === null || value === undefined) this.remove();
      else this.set(value);
    },
  });
}

/**
 * A node's replication as Prometheus sees it: counters the applier moves, and gauges read from
 * the channel running now (`current`: a source has none while it writes) when scraped, the same
 * figures as SHOW REPLICA STATUS. One per process, outliving channels, so counters never go back.
 */
export class ReplicationMetrics {
  /** Counted in plain numbers, read when scraped: prom-client allocates at every increment. */
  private readonly applied = { groups: 0, rows: 0 };
  private readonly applyBatchGroups: Histogram;
  private readonly applierErrors: Counter;

  constructor(registry: Registry, current: () => ReplicationChannel | undefined) {
    const { applied } = this;
    new Counter({
      name: 'kbinlog_replica_groups_applied_total',
      help: 'Binlog groups the applier applied (heartbeats included; filtered-out groups count, their position moved).',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(applied.groups);
      },
    });
    new Counter({
      name: 'kbinlog_replica_rows_applied_total',
      help: 'Row events (one changed row each) in the binlog groups the applier applied.',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(applied.rows);
      },
    });
    this.applyBatchGroups = new Histogram({ name: 'kbinlog_replica_apply_batch_groups', help: 'Binlog groups per database transaction of the applier.', buckets: APPLY_BATCH_BUCKETS, registers: [registry] });
    this.applierErrors = new Counter({ name: 'kbinlog_replica_applier_errors_total', help: 'Times the applier stopped on an error (Last_SQL_Error).', registers: [registry] });
    const age = () => current()?.appliedAgeMs();
    channelGauge(registry, 'kbinlog_replica_lag_seconds', "Seconds_Behind_Source: whole seconds since the source committed the last applied group (pt-heartbeat's lag); grows while replication is stopped.", () => {
      const ms = age();
      return ms === null || ms === undefined ? ms : Math.floor(ms / 1000);
    });
    channelGauge(registry, 'kbinlog_replica_lag_milliseconds', 'Milliseconds_Behind_Source: milliseconds since the source committed the last applied group.', age);
    channelGauge(registry, 'kbinlog_replica_applied_offset', 'Exec_Source_Log_Pos: the binlog offset of the next group to apply.', () => toNumber(current()?.position.nextOffset));
    channelGauge(registry, 'kbinlog_replica_fetched_offset', 'Read_Source_Log_Pos: the binlog offset the fetcher reads next.', () => toNumber(current()?.fetchedOffset));
    channelGauge(registry, 'kbinlog_replica_relay_groups', 'Records fetched and waiting in the relay buffer for the applier.', () => current()?.relayed);
    channelGauge(registry, 'kbinlog_replica_fetcher_running', 'Replica_IO_Running: 1 while the fetcher runs, else 0.', () => running(current()?.fetcherRunning));
    channelGauge(registry, 'kbinlog_replica_applier_running', 'Replica_SQL_Running: 1 while the applier runs, else 0.', () => running(current()?.applierRunning));
  }

  /** One apply transaction committed `groups` groups (each also reported to `groupApplied`). */
  transactionApplied(groups: number): void {
    this.applyBatchGroups.observe(groups);
  }

  groupApplied(group: BinlogGroup): void {
    this.applied.groups++;
    for (const event of group.events) if (event.type !== 'statement') this.applied.rows++;
  }

  applierFailed(): void {
    this.applierErrors.inc();
  }
}

function toNumber(offset: bigint | undefined): number | undefined {
  return offset === undefined ? undefined : Number(offset);
}

function running(flag: boolean | undefined): number | undefined {
  return flag === undefined ? undefined : flag ? 1 : 0;
}
