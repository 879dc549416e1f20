import type { BinlogGroup, RowEvent } from '@kbinlog/binlog';
import { Registry } from 'prom-client';
import type { ReplicationChannel } from './replication-channel';
import { ReplicationMetrics } from './replication-metrics';

/** What the gauges read of a channel. */
interface ChannelFigures {
  appliedAgeMs(): number | null;
  readonly position: { readonly nextOffset: bigint };
  readonly fetchedOffset: bigint;
  readonly relayed: number;
  readonly fetcherRunning: boolean;
  readonly applierRunning: boolean;
}

function group(events: BinlogGroup['events']): BinlogGroup {
  return { gtid: '3e11fa47-71ca-11e1-9e33-c80aa9429562:1', serverId: 1, commitTimeUs: 0, events };
}

/** The sample lines of one metric family: `name{labels} value`. */
async function samples(registry: Registry, name: string): Promise<string[]> {
  return (await registry.metrics()).split('\n').filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`));
}

describe('replication > metrics', () => {
  let registry: Registry;
  let channel: ChannelFigures | undefined;
  let metrics: ReplicationMetrics;

  beforeEach(() => {
    registry = new Registry();
    channel = undefined;
    metrics = new ReplicationMetrics(registry, () => channel as unknown as ReplicationChannel | undefined);
  });

  it('reports no lag, offsets or thread states while the node runs no channel (a source writing)', async () => {
    for (const name of ['kbinlog_replica_lag_seconds', 'kbinlog_replica_lag_milliseconds', 'kbinlog_replica_applied_offset', 'kbinlog_replica_fetcher_running']) {
      expect([name, await samples(registry, name)]).toEqual([name, []]);
    }
  });

  it("reads the running channel's SHOW REPLICA STATUS figures when scraped", async () => {
    channel = { appliedAgeMs: () => 2_750, position: { nextOffset: 120n }, fetchedOffset: 130n, relayed: 4, fetcherRunning: false, applierRunning: true };
    expect(await samples(registry, 'kbinlog_replica_lag_seconds')).toEqual(['kbinlog_replica_lag_seconds 2']);
    expect(await samples(registry, 'kbinlog_replica_lag_milliseconds')).toEqual(['kbinlog_replica_lag_milliseconds 2750']);
    expect(await samples(registry, 'kbinlog_replica_applied_offset')).toEqual(['kbinlog_replica_applied_offset 120']);
    expect(await samples(registry, 'kbinlog_replica_fetched_offset')).toEqual(['kbinlog_replica_fetched_offset 130']);
    expect(await samples(registry, 'kbinlog_replica_relay_groups')).toEqual(['kbinlog_replica_relay_groups 4']);
    expect(await samples(registry, 'kbinlog_replica_fetcher_running')).toEqual(['kbinlog_replica_fetcher_running 0']);
    expect(await samples(registry, 'kbinlog_replica_applier_running')).toEqual(['kbinlog_replica_applier_running 1']);
  });

  it('reports no lag before the first applied group, and none again once the channel is gone', async () => {
    channel = { appliedAgeMs: () => null, position: { nextOffset: 0n }, fetchedOffset: 0n, relayed: 0, fetcherRunning: true, applierRunning: true };
    expect(await samples(registry, 'kbinlog_replica_lag_seconds')).toEqual([]);
    expect(await samples(registry, 'kbinlog_replica_applied_offset')).toEqual(['kbinlog_replica_applied_offset 0']);
    channel = undefined;
    expect(await samples(registry, 'kbinlog_replica_applied_offset')).toEqual([]);
  });

  it('counts groups, their row events (not statements) and the groups of each apply transaction', async () => {
    const insert: RowEvent = { type: 'insert', schema: 's', table: 't', after: { id: '1' } };
    metrics.transactionApplied(2);
    metrics.groupApplied(group([insert, insert, insert]));
    metrics.groupApplied(group([]));
    metrics.transactionApplied(1);
    metrics.groupApplied(group([{ type: 'statement', schema: 's', sql: 'TRUNCATE TABLE t' }]));
    metrics.applierFailed();
    expect(await samples(registry, 'kbinlog_replica_groups_applied_total')).toEqual(['kbinlog_replica_groups_applied_total 3']);
    expect(await samples(registry, 'kbinlog_replica_rows_applied_total')).toEqual(['kbinlog_replica_rows_applied_total 3']);
    expect(await samples(registry, 'kbinlog_replica_apply_batch_groups_sum')).toEqual(['kbinlog_replica_apply_batch_groups_sum 3']);
    expect(await samples(registry, 'kbinlog_replica_apply_batch_groups_count')).toEqual(['kbinlog_replica_apply_batch_groups_count 2']);
    expect(await samples(registry, 'kbinlog_replica_applier_errors_total')).toEqual(['kbinlog_replica_applier_errors_total 1']);
  });
});
