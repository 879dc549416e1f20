import type { Kafka } from 'kafkajs';
import { endpointOfUrl, type SqlEndpoint } from '../clients/mariadb';
import type { Cleanup } from '../env/cleanup';
import type { BenchLayout } from '../env/layout';
import { hostPort, nodeNamed, type BenchStack, type StackStatus } from '../env/stack';
import type { ScenarioResult } from '../report/result';

export const SCENARIO_NAMES = ['delay', 'writes', 'gets', 'catchup'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** Sizes and durations, from the command line (bench/src/cli.ts documents each). */
export interface BenchOptions {
  readonly scenarios: readonly ScenarioName[];
  readonly delayDurationS: number;
  readonly durationS: number;
  readonly warmupS: number;
  readonly rates: readonly number[];
  readonly delayConnections: number;
  readonly clients: readonly number[];
  readonly getClients: number;
  readonly pipeline: number;
  readonly groups: number;
  readonly catchupTimeoutS: number;
  readonly keys: number;
  readonly valueSize: number;
  readonly keepStack: boolean;
  readonly wBatchSize: number | undefined;
  readonly out: string | undefined;
}

/** Everything a scenario runs against. */
export interface BenchContext {
  readonly layout: BenchLayout;
  readonly stack: BenchStack;
  readonly status: StackStatus;
  readonly options: BenchOptions;
  readonly cleanup: Cleanup;
  readonly kafka: Kafka;
  /** Debian's memcached, if installed: the reference for writes and gets. */
  readonly memcachedBinary: string | undefined;
}

export interface Scenario {
  readonly name: ScenarioName;
  run(context: BenchContext): Promise<ScenarioResult>;
}

/** The stack's node-1 starts as source, and the bench never moves the role. */
export const SOURCE_NODE = 'node-1';

/** kbinlog's own account on every node's MariaDB and on the source's MySQL port. */
const KBINLOG_ACCOUNT = { user: 'kbinlog', password: 'kbinlog' };

export function sourceMemcached(context: BenchContext): { host: string; port: number } {
  return hostPort(nodeNamed(context.status, SOURCE_NODE).memcached, 'the source memcached port');
}

/** The source's MySQL port: SQL that becomes binlog groups. */
export function sourceSql(context: BenchContext): SqlEndpoint {
  return { ...hostPort(nodeNamed(context.status, SOURCE_NODE).mysql, 'the source MySQL port'), ...KBINLOG_ACCOUNT };
}

/** A node's own MariaDB, reached directly (for the source: the reference, bypassing kbinlog). */
export function nodeDatabase(context: BenchContext, node: string): SqlEndpoint {
  const url = nodeNamed(context.status, node).database;
  if (!url) throw new Error(`${node} has no database`);
  return endpointOfUrl(url);
}

export function nodeHttp(context: BenchContext, node: string): string {
  return nodeNamed(context.status, node).http;
}

/**
 * The key worker `worker` of `workers` uses for its `index`-th request: each worker cycles
 * through its own slice of the key space, so concurrent writers never wait on each other's row
 * locks (as independent clients would not).
 */
export function workerKey(prefix: string, keys: number, workers: number, worker: number, index: number): string {
  const slice = Math.max(1, Math.floor(keys / workers));
  return `${prefix}${(worker * slice + (index % slice)) % Math.max(keys, workers)}`;
}

/** A value of `size` bytes that differs per request, so every write changes its row. */
export function valueFor(size: number, index: number): string {
  const stamp = String(index);
  return stamp.length >= size ? stamp.slice(-size) : stamp.padStart(size, 'v');
}
