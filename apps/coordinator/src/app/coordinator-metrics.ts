import { CounterPairs } from '@kbinlog/service-runtime';
import type { RecoveryRecord } from '@kbinlog/topology';
import { Gauge, type Registry } from 'prom-client';
import type { TopologyReport } from './coordinator/coordinator';

/**
 * The coordinator as Prometheus sees it: its leadership, and the cluster as its topology shows it
 * (read when scraped: the source's generation, each node's health and lag), and the recoveries
 * it ended. `topology` is undefined while the coordinator is still starting.
 */
export class CoordinatorMetrics {
  private readonly recoveries: CounterPairs<RecoveryRecord['type'], 'done' | 'failed'>;

  constructor(registry: Registry, topology: () => TopologyReport | undefined) {
    new Gauge({
      name: 'kbinlog_coordinator_leader',
      help: '1 while this coordinator leads (checks nodes, runs switchovers and failovers), else 0.',
      registers: [registry],
      collect() {
        this.set(topology()?.coordinator.leader ? 1 : 0);
      },
    });
    new Gauge({
      name: 'kbinlog_cluster_source_generation',
      help: "The source assignment's generation (one more with every change of source); absent before any assignment.",
      registers: [registry],
      collect() {
        const generation = topology()?.source?.generation;
        if (generation === undefined) this.remove();
        else this.set(generation);
      },
    });
    new Gauge({
      name: 'kbinlog_cluster_node_healthy',
      help: "Each node's health as the coordinator judges it: 1 if its checks pass and its report is fresh, else 0.",
      labelNames: ['node'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const node of topology()?.nodes ?? []) this.set({ node: node.node }, node.healthy ? 1 : 0);
      },
    });
    new Gauge({
      name: 'kbinlog_cluster_node_lag_seconds',
      help: "Each node's lag from its last topology report: seconds since the source committed the last group it applied (or, on the source, wrote).",
      labelNames: ['node'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const node of topology()?.nodes ?? []) if (node.appliedAgeMs !== null) this.set({ node: node.node }, node.appliedAgeMs / 1000);
      },
    });
    this.recoveries = new CounterPairs(registry, {
      name: 'kbinlog_coordinator_recoveries_total',
      help: 'Changes of source this coordinator ended, by type (switchover, failover) and result (done, failed).',
      labelNames: ['type', 'result'],
    });
  }

  /** A recovery's end was recorded. */
  recoveryEnded(recovery: RecoveryRecord): void {
    if (recovery.state !== 'started') this.recoveries.inc(recovery.type, recovery.state);
  }
}
