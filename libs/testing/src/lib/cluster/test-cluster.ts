import { binlogTopic } from '@kbinlog/binlog';
import { registerDiagnostics } from '../diagnostics';
import { deleteTestTopics, readTopic, readTopicTail, testKafka } from '../kafka';
import { queryRows, resetNodeDatabases } from '../mariadb';
import { nodeFlags, type RunningService, type ServiceName, startService, uniqueClusterName } from '../service-process';
import type { MariaDbServer, TestInfra } from '../test-infra';
import { waitFor } from '../wait-for';
import { logEnd, missingAcknowledged, tableRows, type VerifiedNode, waitForConvergence } from './convergence';
import type { NodeSelfView, SwitchoverView, TopologyView } from './coordinator-api';
import { createSqlTable } from './load-writers';
import { LogOracle } from './log-oracle';
import { type CoordinatorSource, coordinatorSource, type SourceResolver } from './source-endpoint';
import { MEMCACHED_TABLE, SQL_TABLE, type WriteLedger } from './write-ledger';
import { WriteLoad, type WriteLoadOptions } from './write-load';

/** Timings that make a failover take seconds, not minutes (the broker's minimum session timeout is 6 s). */
export const FAST_COORDINATOR_ARGS = [
  '--check-interval-ms', '300',
  '--failure-threshold', '3',
  '--check-timeout-ms', '400',
  '--replica-silence-ms', '1500',
  '--election-session-timeout-ms', '6000',
  // Above the nodes' promotion bound (FAST_NODE_ARGS) and the 5 s a node waits to see its assignment.
  '--promote-timeout-ms', '20000',
] as const;
/** Heartbeats well inside the replicas' silence window; a promotion that stalls fails within 10 s. */
export const FAST_NODE_ARGS = ['--heartbeat-interval-ms', '250', '--promotion-timeout-ms', '10000'] as const;

const STOP_GRACE_MS = 15_000;
/** Topology records a timed-out wait prints: a few rounds of node reports, and the decisions among them. */
const TOPOLOGY_TAIL = 60;
const WAIT_MS = 60_000;

/** One process of the cluster that a test may kill, freeze, thaw and start again with the same flags. */
export class ClusterProcess {
  private service: RunningService | undefined;
  private frozen = false;

  constructor(
    readonly name: string,
    private readonly app: ServiceName,
    private readonly args: readonly string[],
  ) {}

  get running(): boolean {
    return this.service !== undefined;
  }

  /** The running process, for clients that talk to this node itself (not through a coordinator). */
  get process(): RunningService {
    return this.current();
  }

  get httpUrl(): string {
    if (!this.service) throw new Error(`${this.name} is not running`);
    return this.service.httpUrl;
  }

  /** Everything the process wrote (the current or last run), for failure reports. */
  get output(): readonly string[] {
    return this.service?.output ?? [];
  }

  async start(): Promise<void> {
    if (this.service) throw new Error(`${this.name} already runs`);
    this.service = await startService(this.app, this.args);
    this.frozen = false;
  }

  /** kill -9, and waits for the exit. */
  async kill(): Promise<void> {
    const service = this.take();
    await service.stop('SIGKILL');
  }

  /** SIGSTOP: the process keeps its sockets and its kernel keeps accepting connections, but nothing answers. */
  freeze(): void {
    this.current().process.kill('SIGSTOP');
    this.frozen = true;
  }

  thaw(): void {
    this.current().process.kill('SIGCONT');
    this.frozen = false;
  }

  /** SIGTERM, then SIGKILL if it has not exited after a grace period. */
  async stop(): Promise<void> {
    if (!this.service) return;
    if (this.frozen) this.thaw();
    const service = this.take();
    const timer = setTimeout(() => service.process.kill('SIGKILL'), STOP_GRACE_MS);
    await service.stop();
    clearTimeout(timer);
  }

  private current(): RunningService {
    if (!this.service) throw new Error(`${this.name} is not running`);
    return this.service;
  }

  private take(): RunningService {
    const service = this.current();
    this.service = undefined;
    return service;
  }
}

/** A node service of the cluster with its own MariaDB server. */
export class ClusterNode extends ClusterProcess {
  constructor(
    name: string,
    args: readonly string[],
    readonly server: MariaDbServer,
  ) {
    super(name, 'source', args);
  }

  /** GET /node. */
  async report(): Promise<NodeSelfView> {
    const response = await fetch(`${this.httpUrl}/node`, { signal: AbortSignal.timeout(2_000) });
    if (!response.ok) throw new Error(`${this.name} GET /node answered ${response.status}`);
    return (await response.json()) as NodeSelfView;
  }

  /** POST /replica/stop or /replica/start (STOP REPLICA, START REPLICA): both threads. */
  async replication(action: 'stop' | 'start'): Promise<void> {
    const response = await fetch(`${this.httpUrl}/replica/${action}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`${this.name} POST /replica/${action} answered ${response.status}: ${await response.text()}`);
  }

  async waitForRole(role: NodeSelfView['role'], timeoutMs = WAIT_MS): Promise<NodeSelfView> {
    return waitFor(async () => {
      const report = await this.report();
      return report.role === role && report;
    }, { description: `${this.name} to report role ${role}`, timeoutMs, intervalMs: 100 });
  }

  verified(): VerifiedNode {
    return { name: this.name, httpUrl: this.httpUrl, server: this.server };
  }
}

export interface TestClusterOptions {
  /** Start of the cluster's unique name. */
  readonly prefix: string;
  /** Node services, node-1 started as source, the others as replicas; each takes one MariaDB server of the run. */
  readonly nodes?: number;
  readonly coordinators?: number;
  readonly nodeArgs?: readonly string[];
  readonly coordinatorArgs?: readonly string[];
  /** Give node-N `--pod-name pod-node-N`, as a StatefulSet's pods have names (for `--pod-labeler`). */
  readonly podNames?: boolean;
  /** Flags for one node only, by name (after nodeArgs): `{ 'node-2': ['--fault-injection', …] }`. */
  readonly argsOf?: Readonly<Record<string, readonly string[]>>;
}

/**
 * A kbinlog cluster of real processes for the failover tests: N node services, each on its own
 * MariaDB server of the run, and M coordinators; a log oracle following its binlog; the load's
 * SQL table created. Clients find the source through the coordinators, as applications do.
 */
export class TestCluster {
  readonly resolveSource: SourceResolver;
  private readonly loads: WriteLoad[] = [];
  private readonly unregisterDiagnostics: () => void;

  private constructor(
    private readonly infra: TestInfra,
    readonly name: string,
    readonly nodes: readonly ClusterNode[],
    readonly coordinators: readonly ClusterProcess[],
    readonly oracle: LogOracle,
  ) {
    this.resolveSource = coordinatorSource(() => this.liveCoordinators().map((coordinator) => coordinator.httpUrl));
    this.unregisterDiagnostics = registerDiagnostics({ label: () => `topology and binlog of cluster ${name}`, lines: () => this.diagnosticLines() });
  }

  /** The binlog's bounds and the topology topic's last records, one line each, for a failure report. */
  private async diagnosticLines(): Promise<string[]> {
    const binlog = await readTopicTail(this.infra, binlogTopic(this.name), 0);
    const topology = await readTopicTail(this.infra, `kbinlog.${this.name}.topology`, TOPOLOGY_TAIL);
    return [
      `binlog ${binlogTopic(this.name)}: offsets ${binlog.low} to ${binlog.high}`,
      `topology topic: offsets ${topology.low} to ${topology.high}, the last ${topology.records.length} committed records:`,
      ...topology.records.map((record) => `${record.offset} ${record.key ?? '(no key)'} ${record.value ?? '(tombstone)'}`),
    ];
  }

  static async start(infra: TestInfra, options: TestClusterOptions): Promise<TestCluster> {
    const { nodes: nodeCount = 3, coordinators: coordinatorCount = 1, nodeArgs = FAST_NODE_ARGS, coordinatorArgs = FAST_COORDINATOR_ARGS } = options;
    if (infra.mariadb.length < nodeCount) throw new Error(`a ${nodeCount}-node cluster needs ${nodeCount} MariaDB servers; the run has ${infra.mariadb.length}`);
    const name = uniqueClusterName(options.prefix);
    const nodes = infra.mariadb.slice(0, nodeCount).map((server, index) => {
      const nodeName = `node-${index + 1}`;
      const args = [
        ...nodeFlags(infra, { cluster: name, server, nodeName, serverId: index + 1 }),
        '--memcached-port', '0',
        '--mysql-port', '0',
        '--role', index === 0 ? 'source' : 'replica',
        ...(options.podNames ? ['--pod-name', `pod-${nodeName}`] : []),
        ...nodeArgs,
        ...(options.argsOf?.[nodeName] ?? []),
      ];
      return new ClusterNode(nodeName, args, server);
    });
    const coordinators = Array.from({ length: coordinatorCount }, (_, index) => {
      const id = `coordinator-${index + 1}`;
      return new ClusterProcess(id, 'coordinator', ['--cluster', name, '--kafka-brokers', infra.kafka.brokers.join(','), '--coordinator-id', id, ...coordinatorArgs]);
    });
    for (const node of nodes) {
      await resetNodeDatabases(node.server);
      await queryRows(node.server, `DROP DATABASE IF EXISTS \`${SQL_TABLE.schema}\``);
    }
    for (const node of nodes) await node.start();
    await nodes[0].waitForRole('source');
    const oracle = await LogOracle.follow(infra, name, [
      { table: MEMCACHED_TABLE, initial: await tableRows(nodes[0].server, MEMCACHED_TABLE) },
      { table: SQL_TABLE, initial: new Map() },
    ]);
    for (const coordinator of coordinators) await coordinator.start();
    const cluster = new TestCluster(infra, name, nodes, coordinators, oracle);
    await cluster.waitForSource((source) => source.node === 'node-1', 'the coordinator to adopt node-1');
    await createSqlTable(await cluster.resolveSource());
    return cluster;
  }

  /** A write load that finds the source through the coordinators; stopped by stop() if a test failed first. */
  startLoad(options: Omit<WriteLoadOptions, 'resolveSource'>): WriteLoad {
    const load = WriteLoad.start({ resolveSource: this.resolveSource, ...options });
    this.loads.push(load);
    return load;
  }

  node(name: string): ClusterNode {
    const node = this.nodes.find((candidate) => candidate.name === name);
    if (!node) throw new Error(`no node ${name}`);
    return node;
  }

  liveCoordinators(): ClusterProcess[] {
    return this.coordinators.filter((coordinator) => coordinator.running);
  }

  /** GET /source on the first live coordinator that answers 200. */
  async whoIsSource(): Promise<CoordinatorSource> {
    const reasons: string[] = [];
    for (const coordinator of this.liveCoordinators()) {
      const response = await fetch(`${coordinator.httpUrl}/source`, { signal: AbortSignal.timeout(2_000) }).catch((error: Error) => error);
      if (response instanceof Error) reasons.push(`${coordinator.name}: ${response.message}`);
      else if (!response.ok) reasons.push(`${coordinator.name}: ${response.status}`);
      else return (await response.json()) as CoordinatorSource;
    }
    throw new Error(`no coordinator names a source: ${reasons.join('; ')}`);
  }

  /** The source once it is writable and satisfies `ready`. */
  waitForSource(ready: (source: CoordinatorSource) => boolean, description: string, timeoutMs = WAIT_MS): Promise<CoordinatorSource> {
    return waitFor(async () => {
      const source = await this.whoIsSource();
      return source.writable && ready(source) && source;
    }, { description, timeoutMs, intervalMs: 100 });
  }

  /** The source node now (as the coordinators name it). */
  async sourceNode(): Promise<ClusterNode> {
    return this.node((await this.whoIsSource()).node);
  }

  /** The leading coordinator: the live one whose GET /topology says it leads. */
  async leader(timeoutMs = WAIT_MS): Promise<ClusterProcess> {
    return waitFor(async () => {
      for (const coordinator of this.liveCoordinators()) {
        const topology = await this.topologyOf(coordinator).catch(() => undefined);
        if (topology?.coordinator.leader) return coordinator;
      }
      return undefined;
    }, { description: 'a leading coordinator', timeoutMs, intervalMs: 100 });
  }

  async topologyOf(coordinator: ClusterProcess): Promise<TopologyView> {
    const response = await fetch(`${coordinator.httpUrl}/topology`, { signal: AbortSignal.timeout(2_000) });
    if (!response.ok) throw new Error(`${coordinator.name} GET /topology answered ${response.status}`);
    return (await response.json()) as TopologyView;
  }

  /** GET /topology on the leader. */
  async topology(): Promise<TopologyView> {
    return this.topologyOf(await this.leader());
  }

  /**
   * Stops `lagging`'s replication and waits until the coordinator sees it where it stopped (read
   * from the node itself: the coordinator's copy may be older) and `ahead` past it, so the log
   * holds a group the lagging node lacks and the two cannot tie. Resolves with that topology.
   */
  async lagBehind(lagging: ClusterNode, ahead: ClusterNode, timeoutMs = WAIT_MS): Promise<TopologyView> {
    await lagging.replication('stop');
    const frozen = BigInt((await lagging.report()).appliedOffset);
    return waitFor(async () => {
      const topology = await this.topology();
      const offset = (name: string) => BigInt(topology.nodes.find((node) => node.node === name)?.appliedOffset ?? '0');
      return offset(lagging.name) === frozen && offset(ahead.name) > frozen && topology;
    }, { description: `${lagging.name} to lag behind ${ahead.name}`, timeoutMs });
  }

  async switchover(to: string): Promise<SwitchoverView> {
    return (await this.postToLeader('/switchover', { to })) as SwitchoverView;
  }

  /** POST /recovery/ack: lifts the anti-flapping block after a failover. */
  async acknowledgeRecovery(): Promise<void> {
    await this.postToLeader('/recovery/ack');
  }

  /**
   * Every live node applied the whole log (read now: call it after the writes stopped) and holds
   * exactly the rows the log produces; then the acknowledged writes of `ledger` some node lacks.
   */
  async converge(ledger?: WriteLedger, timeoutMs = WAIT_MS): Promise<string[]> {
    const live = this.nodes.filter((node) => node.running).map((node) => node.verified());
    await waitForConvergence(live, this.oracle, await logEnd(this.infra, this.name), { timeoutMs });
    return ledger ? missingAcknowledged(live, ledger) : [];
  }

  /**
   * Every record of the topology topic so far (key and record), read_committed: what each
   * coordinator decided, in order. Compaction cleans only rolled segments (hourly), so a test's
   * history is whole; nodes report every second, so a record at or past the end read now comes.
   */
  async topologyHistory(): Promise<{ key: string; record: Record<string, unknown> }[]> {
    const topic = `kbinlog.${this.name}.topology`;
    const admin = testKafka(this.infra).admin();
    await admin.connect();
    const end = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
    const high = BigInt(end.find((entry) => entry.partition === 0)?.high ?? '0');
    const records = await readTopic(this.infra, topic, { until: (read) => read.some((record) => BigInt(record.offset) >= high - 1n) });
    return records
      .filter((record) => record.key !== null && record.value !== null)
      .map((record) => ({ key: record.key as string, record: (JSON.parse(record.value as string) as { record: Record<string, unknown> }).record }));
  }

  async stop(): Promise<void> {
    this.unregisterDiagnostics();
    for (const load of this.loads) await load.stop();
    await this.oracle.stop();
    for (const coordinator of this.coordinators) await coordinator.stop();
    for (const node of this.nodes) await node.stop();
    await deleteTestTopics(this.infra, [binlogTopic(this.name), `kbinlog.${this.name}.topology`]).catch(() => undefined);
  }

  private async postToLeader(path: string, body?: unknown): Promise<unknown> {
    const leader = await this.leader();
    const response = await fetch(`${leader.httpUrl}${path}`, {
      method: 'POST',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(WAIT_MS),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${leader.name} POST ${path} answered ${response.status}: ${text}`);
    return JSON.parse(text) as unknown;
  }
}
