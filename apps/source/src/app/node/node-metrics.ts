import { NODE_ROLES, type NodeRole } from '@kbinlog/topology';
import { Counter, Gauge, type Registry } from 'prom-client';

/** What the node metrics read when scraped. */
export interface NodeState {
  readonly role: NodeRole;
  /** The assignment generation this node is source under; undefined while it is not. */
  readonly generation: number | undefined;
  readonly memcachedConnections: number;
  /** undefined on a store with no MySQL port. */
  readonly mysqlConnections: number | undefined;
}

/**
 * The node's role, generation and open client connections, read when scraped, and its role
 * changes, counted as they happen.
 */
export class NodeMetrics {
  private readonly promotions: Readonly<Record<'succeeded' | 'failed', Counter.Internal>>;
  private readonly demotions: Counter;

  constructor(registry: Registry, state: () => NodeState) {
    new Gauge({
      name: 'kbinlog_node_role',
      help: 'The node\'s role: 1 for the role it has now, 0 for the others (starting, replica, promoting, source, demoting).',
      labelNames: ['role'] as const,
      registers: [registry],
      collect() {
        const { role } = state();
        for (const each of NODE_ROLES) this.set({ role: each }, each === role ? 1 : 0);
      },
    });
    new Gauge({
      name: 'kbinlog_node_generation',
      help: 'The source assignment generation this node writes under; absent while it is not source (or no coordinator assigned it).',
      registers: [registry],
      collect() {
        const { generation } = state();
        if (generation === undefined) this.remove();
        else this.set(generation);
      },
    });
    new Gauge({
      name: 'kbinlog_client_connections',
      help: 'Open client connections, by protocol (memcached, mysql).',
      labelNames: ['protocol'] as const,
      registers: [registry],
      collect() {
        const { memcachedConnections, mysqlConnections } = state();
        this.set({ protocol: 'memcached' }, memcachedConnections);
        if (mysqlConnections !== undefined) this.set({ protocol: 'mysql' }, mysqlConnections);
      },
    });
    const promotions = new Counter({
      name: 'kbinlog_node_promotions_total',
      help: 'Promotions of this node to source, by result: succeeded (it takes writes) or failed (back to replica).',
      labelNames: ['result'] as const,
      registers: [registry],
    });
    this.promotions = { succeeded: promotions.labels('succeeded'), failed: promotions.labels('failed') };
    for (const child of Object.values(this.promotions)) child.inc(0);
    this.demotions = new Counter({ name: 'kbinlog_node_demotions_total', help: 'Demotions of this node from source to replica (asked, or fenced by a newer source).', registers: [registry] });
  }

  promoted(result: 'succeeded' | 'failed'): void {
    this.promotions[result].inc();
  }

  demoted(): void {
    this.demotions.inc();
  }
}
