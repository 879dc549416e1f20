import { Registry } from 'prom-client';
import { NodeMetrics, type NodeState } from './node-metrics';

describe('source > node > metrics', () => {
  let registry: Registry;
  let state: NodeState;
  let metrics: NodeMetrics;

  beforeEach(() => {
    registry = new Registry();
    state = { role: 'replica', generation: undefined, memcachedConnections: 2, mysqlConnections: undefined };
    metrics = new NodeMetrics(registry, () => state);
  });

  it('reports the role as a state set, 1 for the role it has now', async () => {
    let exposition = await registry.metrics();
    expect(exposition).toContain('kbinlog_node_role{role="replica"} 1');
    for (const role of ['starting', 'promoting', 'source', 'demoting']) expect(exposition).toContain(`kbinlog_node_role{role="${role}"} 0`);
    state = { ...state, role: 'source', generation: 4 };
    exposition = await registry.metrics();
    expect(exposition).toContain('kbinlog_node_role{role="source"} 1');
    expect(exposition).toContain('kbinlog_node_role{role="replica"} 0');
  });

  it('reports the generation only while the node is source under one', async () => {
    expect(await registry.metrics()).not.toMatch(/^kbinlog_node_generation /m);
    state = { ...state, role: 'source', generation: 4 };
    expect(await registry.metrics()).toMatch(/^kbinlog_node_generation 4$/m);
  });

  it('reports open connections per protocol, none for a MySQL port the node lacks', async () => {
    expect(await registry.metrics()).toContain('kbinlog_client_connections{protocol="memcached"} 2');
    expect(await registry.metrics()).not.toContain('protocol="mysql"');
    state = { ...state, mysqlConnections: 3 };
    expect(await registry.metrics()).toContain('kbinlog_client_connections{protocol="mysql"} 3');
  });

  it('counts promotions by result and demotions', async () => {
    expect(await registry.metrics()).toContain('kbinlog_node_promotions_total{result="failed"} 0');
    metrics.promoted('succeeded');
    metrics.promoted('failed');
    metrics.promoted('failed');
    metrics.demoted();
    const exposition = await registry.metrics();
    expect(exposition).toContain('kbinlog_node_promotions_total{result="succeeded"} 1');
    expect(exposition).toContain('kbinlog_node_promotions_total{result="failed"} 2');
    expect(exposition).toContain('kbinlog_node_demotions_total 1');
  });
});
