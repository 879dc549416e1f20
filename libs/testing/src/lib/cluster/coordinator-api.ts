/**
 * The coordinator's HTTP answers as docs/coordinator.md gives them, for tests that read them over
 * HTTP (the e2e suite may not import the topology library; these mirror its records).
 */
export interface RecoveryView {
  readonly id: string;
  readonly type: 'switchover' | 'failover';
  readonly from: string | null;
  readonly to: string;
  readonly state: 'started' | 'done' | 'failed';
  readonly startedAtMs: number;
  readonly endedAtMs: number | null;
  readonly acknowledged: boolean;
  readonly detail: string;
}

export interface AssignmentView {
  readonly node: string;
  readonly generation: number;
  readonly reason: 'adopted' | 'switchover' | 'failover';
  readonly by: string;
}

export interface NodeView {
  readonly node: string;
  readonly role: 'starting' | 'replica' | 'promoting' | 'source' | 'demoting';
  readonly appliedOffset: string;
  readonly writable: boolean;
  readonly healthy: boolean;
  readonly consecutive_failures: number;
}

/** GET /topology. */
export interface TopologyView {
  readonly cluster: string;
  readonly coordinator: { readonly id: string; readonly leader: boolean };
  readonly source: AssignmentView | null;
  readonly recovery: RecoveryView | null;
  readonly nodes: readonly NodeView[];
}

/** POST /switchover. */
export interface SwitchoverView {
  readonly recovery: RecoveryView;
  /** From the demotion request to the target answering its promotion. */
  readonly refused_ms: number;
}

/** GET /node on a node: the fields the tests read. */
export interface NodeSelfView {
  readonly node: string;
  readonly role: NodeView['role'];
  readonly appliedOffset: string;
  readonly writable: boolean;
  /** host:port of the node's memcached and MySQL front doors. */
  readonly memcached: string | null;
  readonly mysql: string | null;
}
