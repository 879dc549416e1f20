import type { NodeReport, TopologyRecord, TopologySnapshot } from '@kbinlog/topology';

/**
 * The coordinator's edges, small enough to fake in unit tests: the topology it reads, the
 * fenced writer it records decisions with, the nodes' HTTP API, and its own election.
 */
export interface TopologyReader {
  snapshot(): TopologySnapshot;
  /** Resolves once the view holds everything committed so far. */
  catchUp(): Promise<void>;
}

export interface TopologyRecorder {
  /** Fences every earlier leader's writer. */
  connect(): Promise<void>;
  /** All records in one transaction; rejects if fenced. */
  write(...records: TopologyRecord[]): Promise<void>;
  disconnect(): Promise<void>;
}

export interface DemoteAnswer {
  readonly report: NodeReport;
  /** The last position the old source wrote, as binlog coordinates. */
  readonly position: string;
}

/** A node refused or could not be asked; `status` is its HTTP status if it answered. */
export class NodeCallError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'NodeCallError';
  }
}

export interface NodeApi {
  /** True when GET /health answers 2xx within `timeoutMs`. */
  health(httpUrl: string, timeoutMs: number): Promise<boolean>;
  /** POST /node/promote, given up after `timeoutMs` (the node bounds its promotion itself too). */
  promote(httpUrl: string, generation: number, timeoutMs: number): Promise<NodeReport>;
  demote(httpUrl: string): Promise<DemoteAnswer>;
}

export interface ElectionHandlers {
  /** This instance was assigned the election's partition. */
  elected(): void;
  /** It lost it (rebalance, crash, stop). */
  deposed(reason: string): void;
}

export interface LeaderElection {
  start(handlers: ElectionHandlers): Promise<void>;
  /** Leaves and rejoins the group, so Kafka reassigns leadership (after a fenced write). */
  rejoin(): Promise<void>;
  stop(): Promise<void>;
}

/** Which pod gets role=source, and which role=replica. */
export interface PodLabeler {
  setRoles(sourcePod: string | null, otherPods: readonly string[]): Promise<void>;
}

export interface CoordinatorLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}
