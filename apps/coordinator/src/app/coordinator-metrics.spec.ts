import type { RecoveryRecord } from '@kbinlog/topology';
import { Registry } from 'prom-client';
import type { TopologyReport } from './coordinator/coordinator';
import { CoordinatorMetrics } from './coordinator-metrics';

type ReportedNode = TopologyReport['nodes'][number];

function node(name: string, healthy: boolean, appliedAgeMs: number | null): ReportedNode {
  return { node: name, healthy, appliedAgeMs } as ReportedNode;
}

function recovery(type: RecoveryRecord['type'], state: RecoveryRecord['state']): RecoveryRecord {
  return { kind: 'recovery', id: `${type}-1`, type, from: 'node-1', to: 'node-2', state, startedAtMs: 0, endedAtMs: null, acknowledged: false, detail: '' };
}

describe('coordinator > metrics', () => {
  let registry: Registry;
  let topology: TopologyReport | undefined;
  let metrics: CoordinatorMetrics;

  beforeEach(() => {
    registry = new Registry();
    topology = undefined;
    metrics = new CoordinatorMetrics(registry, () => topology);
  });

  it('while starting: not leader, no generation, no nodes', async () => {
    const exposition = await registry.metrics();
    expect(exposition).toMatch(/^kbinlog_coordinator_leader 0$/m);
    expect(exposition).not.toMatch(/^kbinlog_cluster_source_generation /m);
    expect(exposition).not.toContain('node="');
  });

  it("reads leadership, the source's generation and each node's health and lag from the topology", async () => {
    topology = {
      cluster: 'c',
      coordinator: { id: 'coordinator-1', leader: true },
      source: { kind: 'source', node: 'node-1', generation: 3, reason: 'failover', assignedAtMs: 0, by: 'coordinator-1' },
      recovery: null,
      nodes: [node('node-1', true, 120), node('node-2', false, 4_500), node('node-3', true, null)],
    };
    let exposition = await registry.metrics();
    expect(exposition).toMatch(/^kbinlog_coordinator_leader 1$/m);
    expect(exposition).toMatch(/^kbinlog_cluster_source_generation 3$/m);
    expect(exposition).toContain('kbinlog_cluster_node_healthy{node="node-2"} 0');
    expect(exposition).toContain('kbinlog_cluster_node_healthy{node="node-3"} 1');
    expect(exposition).toContain('kbinlog_cluster_node_lag_seconds{node="node-1"} 0.12');
    expect(exposition).toContain('kbinlog_cluster_node_lag_seconds{node="node-2"} 4.5');
    expect(exposition).not.toContain('kbinlog_cluster_node_lag_seconds{node="node-3"}');
    // A node that left the topology leaves the metrics too.
    topology = { ...topology, nodes: [node('node-1', true, 80)] };
    exposition = await registry.metrics();
    expect(exposition).not.toContain('node="node-2"');
  });

  it('counts the recoveries it ended by type and result', async () => {
    metrics.recoveryEnded(recovery('failover', 'done'));
    metrics.recoveryEnded(recovery('switchover', 'done'));
    metrics.recoveryEnded(recovery('switchover', 'failed'));
    metrics.recoveryEnded(recovery('switchover', 'done'));
    const exposition = await registry.metrics();
    expect(exposition).toContain('kbinlog_coordinator_recoveries_total{type="failover",result="done"} 1');
    expect(exposition).toContain('kbinlog_coordinator_recoveries_total{type="switchover",result="done"} 2');
    expect(exposition).toContain('kbinlog_coordinator_recoveries_total{type="switchover",result="failed"} 1');
  });
});
