/**
 * GET /metrics of every service (a node as source, a node as replica, the apply-only replica
 * service, the coordinator), scraped by a real Prometheus server (Debian's `prometheus`) every
 * second and read through its query API: under a write load the counters move, and the lag of a
 * replica whose replication is stopped grows, then falls once it starts again.
 */
import {
  mixedClients,
  nodeFlags,
  PrometheusServer,
  queryRows,
  resetNodeDatabases,
  type RunningService,
  SQL_TABLE,
  startService,
  TestCluster,
  testInfra,
  waitFor,
  type WriteLoad,
} from '@kbinlog/testing';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const infra = testInfra();
/** Long enough for several scrapes (every second) and a node under load on a shared machine. */
const WAIT_MS = 30_000;

describe('Prometheus metrics of every service', () => {
  let cluster: TestCluster;
  let replicaService: RunningService;
  let prometheus: PrometheusServer;
  let load: WriteLoad | undefined;

  /** Waits until Prometheus's answer to `promql` (one series) satisfies `ready`; resolves with it. */
  const eventually = (promql: string, ready: (value: number) => boolean, description: string): Promise<number> =>
    waitFor(async () => {
      const value = await prometheus.value(promql);
      return value !== undefined && ready(value) && { value };
    }, { description: `${description} (${promql})`, timeoutMs: WAIT_MS, intervalMs: 250 }).then(({ value }) => value);

  beforeAll(async () => {
    await promisify(execFile)('bash', [join(__dirname, '../../infra/local/tools.sh'), 'install', 'prometheus']);
    cluster = await TestCluster.start(infra, { prefix: 'metrics', nodes: 2 });
    const server = infra.mariadb[2];
    await resetNodeDatabases(server);
    // The load's SQL table comes through the log; one left by an earlier run would stop the applier.
    await queryRows(server, `DROP DATABASE IF EXISTS \`${SQL_TABLE.schema}\``);
    replicaService = await startService('replica', nodeFlags(infra, { cluster: cluster.name, server, nodeName: 'replica-1', serverId: 3 }));
    prometheus = await PrometheusServer.start([
      { name: 'node-1', httpUrl: cluster.node('node-1').httpUrl },
      { name: 'node-2', httpUrl: cluster.node('node-2').httpUrl },
      { name: 'replica-1', httpUrl: replicaService.httpUrl },
      { name: 'coordinator-1', httpUrl: cluster.coordinators[0].httpUrl },
    ]);
  }, 180_000);

  afterAll(async () => {
    await load?.stop();
    await prometheus?.stop();
    await replicaService?.stop();
    await cluster?.stop();
  }, 60_000);

  it('every service answers GET /metrics in the text exposition format, its own metrics beside the process metrics', async () => {
    const expected: [string, string, string[]][] = [
      ['node-1', cluster.node('node-1').httpUrl, ['kbinlog_node_role', 'kbinlog_source_commit_duration_seconds', 'kbinlog_memcached_commands_total', 'kbinlog_mysql_commands_total', 'kbinlog_binlog_commit_duration_seconds']],
      ['replica-1', replicaService.httpUrl, ['kbinlog_replica_lag_seconds', 'kbinlog_replica_groups_applied_total', 'kbinlog_replica_applied_offset']],
      ['coordinator-1', cluster.coordinators[0].httpUrl, ['kbinlog_coordinator_leader', 'kbinlog_coordinator_recoveries_total', 'kbinlog_cluster_node_healthy']],
    ];
    for (const [name, url, families] of expected) {
      const response = await fetch(`${url}/metrics`);
      expect([name, response.status, response.headers.get('content-type')]).toEqual([name, 200, 'text/plain; version=0.0.4; charset=utf-8']);
      const body = await response.text();
      for (const family of ['process_cpu_seconds_total', 'nodejs_eventloop_lag_seconds', 'kbinlog_build_info', ...families]) {
        expect([name, body.includes(`# TYPE ${family} `)]).toEqual([name, true]);
      }
    }
  });

  it('Prometheus scrapes all four services', async () => {
    const up = await waitFor(async () => {
      const samples = await prometheus.query('up{job="kbinlog"} == 1');
      return samples.length === 4 && samples;
    }, { description: 'every target up', timeoutMs: WAIT_MS, intervalMs: 250 });
    expect(up.map((sample) => sample.metric['name']).sort()).toEqual(['coordinator-1', 'node-1', 'node-2', 'replica-1']);
  });

  it('under a write load the front doors, the write path and the appliers count up', async () => {
    load = cluster.startLoad({ clients: mixedClients(2), pauseMs: 10 });
    const moving = [
      ['memcached sets stored on the source', 'sum(kbinlog_memcached_commands_total{name="node-1",command="set",result="stored"})'],
      ['SQL queries answered on the source', 'sum(kbinlog_mysql_commands_total{name="node-1",command="query",result="ok"})'],
      ['SQL statements that succeeded on the source', 'sum(kbinlog_mysql_statements_total{name="node-1",result="ok"})'],
      ['groups the source committed', 'sum(kbinlog_source_binlog_groups_total{name="node-1"})'],
      ['acknowledged source writes timed', 'sum(kbinlog_source_commit_duration_seconds_count{name="node-1"})'],
      ['Kafka transactions the source committed', 'sum(kbinlog_source_group_commit_groups_count{name="node-1"})'],
      ['Kafka commits timed', 'sum(kbinlog_binlog_commit_duration_seconds_count{name="node-1"})'],
      ['groups the replica node applied', 'sum(kbinlog_replica_groups_applied_total{name="node-2"})'],
      ['rows the replica node applied', 'sum(kbinlog_replica_rows_applied_total{name="node-2"})'],
      ['groups the replica service applied', 'sum(kbinlog_replica_groups_applied_total{name="replica-1"})'],
      ['rows the replica service applied', 'sum(kbinlog_replica_rows_applied_total{name="replica-1"})'],
    ] as const;
    // A counter with no sample yet sums to nothing: wait for a first scraped value, then for a larger one.
    const before = new Map<string, number>();
    for (const [what, promql] of moving) before.set(what, await eventually(promql, (value) => value > 0, `a first count of ${what}`));
    for (const [what, promql] of moving) {
      const first = before.get(what) as number;
      const later = await eventually(promql, (value) => value > first, `${what} to grow past ${first}`);
      expect([what, later > first]).toEqual([what, true]);
    }
    expect(await prometheus.value('kbinlog_client_connections{name="node-1",protocol="memcached"}')).toBeGreaterThanOrEqual(1);
    expect(await prometheus.value('kbinlog_client_connections{name="node-1",protocol="mysql"}')).toBeGreaterThanOrEqual(1);
  }, 120_000);

  it('role, generation and leadership are what the topology says', async () => {
    const { generation } = await cluster.whoIsSource();
    expect(await eventually('kbinlog_node_role{name="node-1",role="source"}', (value) => value === 1, 'node-1 to be source')).toBe(1);
    expect(await prometheus.value('kbinlog_node_role{name="node-1",role="replica"}')).toBe(0);
    expect(await prometheus.value('kbinlog_node_role{name="node-2",role="replica"}')).toBe(1);
    expect(await prometheus.value('kbinlog_node_generation{name="node-1"}')).toBe(generation);
    expect(await prometheus.value('kbinlog_node_generation{name="node-2"}')).toBeUndefined();
    expect(await prometheus.value('kbinlog_cluster_source_generation{name="coordinator-1"}')).toBe(generation);
    expect(await prometheus.value('kbinlog_coordinator_leader{name="coordinator-1"}')).toBe(1);
    expect(await eventually('kbinlog_cluster_node_healthy{name="coordinator-1",node="node-2"}', (value) => value === 1, 'the coordinator to judge node-2 healthy')).toBe(1);
  });

  it("the lag of a replica whose replication is stopped grows under the load, and falls once it starts again", async () => {
    const node2 = cluster.node('node-2');
    await node2.replication('stop');
    await eventually('kbinlog_replica_fetcher_running{name="node-2"} + kbinlog_replica_applier_running{name="node-2"}', (value) => value === 0, 'Prometheus to see node-2 stopped');
    const stoppedMs = await eventually('kbinlog_replica_lag_milliseconds{name="node-2"}', () => true, "node-2's lag in ms");
    // The applier stopped, so the last applied group only ages: milliseconds and seconds both grow.
    const grownMs = await eventually('kbinlog_replica_lag_milliseconds{name="node-2"}', (value) => value >= stoppedMs + 3_000, "node-2's lag to grow by 3 s");
    expect(grownMs).toBeGreaterThanOrEqual(stoppedMs + 3_000);
    const grownSeconds = await eventually('kbinlog_replica_lag_seconds{name="node-2"}', (value) => value >= 3, "node-2's Seconds_Behind_Source to reach 3");
    expect(grownSeconds).toBeGreaterThanOrEqual(3);
    // Meanwhile the replica service keeps up, and applies what node-2 lacks.
    expect(await prometheus.value('kbinlog_replica_lag_seconds{name="replica-1"}')).toBeLessThan(grownSeconds);
    const frozen = (await prometheus.value('kbinlog_replica_applied_offset{name="node-2"}')) as number;
    expect(await eventually('kbinlog_replica_applied_offset{name="replica-1"}', (value) => value > frozen, 'replica-1 to apply past node-2')).toBeGreaterThan(frozen);
    // The coordinator sees it too, from node-2's topology reports.
    expect(await eventually('kbinlog_cluster_node_lag_seconds{name="coordinator-1",node="node-2"}', (value) => value >= 2, 'the coordinator to report node-2 behind')).toBeGreaterThanOrEqual(2);
    expect(load?.acknowledgedCount).toBeGreaterThan(0);

    await node2.replication('start');
    expect(await eventually('kbinlog_replica_lag_seconds{name="node-2"}', (value) => value < 2, "node-2's lag to fall after START REPLICA")).toBeLessThan(2);
    expect(await prometheus.value('kbinlog_replica_applied_offset{name="node-2"}')).toBeGreaterThan(frozen);
    const report = await load?.stop();
    load = undefined;
    expect(report?.unacknowledged).toBe(0);
    expect(await prometheus.value('sum(kbinlog_replica_applier_errors_total)')).toBe(0);
  }, 120_000);

  it('a switchover counts as a recovery on the coordinator, a demotion and a promotion on the nodes, and moves the role and generation', async () => {
    const before = (await cluster.whoIsSource()).generation;
    await cluster.switchover('node-2');
    expect(await eventually('kbinlog_coordinator_recoveries_total{name="coordinator-1",type="switchover",result="done"}', (value) => value === 1, 'the coordinator to count the switchover')).toBe(1);
    expect(await eventually('kbinlog_node_role{name="node-2",role="source"}', (value) => value === 1, 'node-2 to be source')).toBe(1);
    expect(await eventually('kbinlog_node_role{name="node-1",role="replica"}', (value) => value === 1, 'node-1 to be a replica')).toBe(1);
    expect(await prometheus.value('kbinlog_node_demotions_total{name="node-1"}')).toBe(1);
    expect(await prometheus.value('kbinlog_node_promotions_total{name="node-2",result="succeeded"}')).toBe(1);
    expect(await eventually('kbinlog_node_generation{name="node-2"}', (value) => value > before, "node-2's generation")).toBe(before + 1);
    expect(await eventually('kbinlog_cluster_source_generation{name="coordinator-1"}', (value) => value > before, 'the new generation')).toBe(before + 1);
  }, 120_000);
});
