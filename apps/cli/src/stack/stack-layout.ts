import { isAbsolute, join } from 'node:path';

/**
 * The shape of a local cluster: which nodes, on which ports, each with its own database (a
 * MariaDB server or a SQLite file). Pure, so the layout is tested without starting anything.
 */
export type NodeRole = 'source' | 'replica' | 'coordinator';

/** The service a process runs: every database node runs the node service (apps/source), which changes role at run time. */
export type StackApp = 'source' | 'coordinator';

export type StoreKind = 'mariadb' | 'sqlite';

/** A node's own database: a local MariaDB instance, or a SQLite file. */
export type NodeDatabaseLayout =
  | { readonly store: 'mariadb'; readonly instance: string; readonly port: number; readonly url: string }
  | { readonly store: 'sqlite'; readonly file: string; readonly url: string };

export interface StackNode {
  readonly name: string;
  readonly app: StackApp;
  /** The role it starts in (`--role`); the coordinator may move the source later. */
  readonly role: NodeRole;
  readonly serverId: number | null;
  readonly httpPort: number;
  readonly memcachedPort: number | null;
  /** The node's MySQL-protocol port (SQL writes while it is source); none on SQLite stores. */
  readonly mysqlPort: number | null;
  /** The node's own database, none for the coordinator. */
  readonly database: NodeDatabaseLayout | null;
}

export interface StackLayout {
  readonly cluster: string;
  readonly kafka: { readonly instance: string; readonly port: number; readonly brokers: string };
  readonly nodes: readonly StackNode[];
}

export interface StackOptions {
  readonly cluster: string;
  readonly replicas: number;
  readonly store: StoreKind;
  /** Where SQLite files go (`--store sqlite`): an absolute path. */
  readonly dataDir: string;
  readonly kafkaPort: number;
  readonly mariadbBasePort: number;
  readonly httpBasePort: number;
  readonly memcachedPort: number;
  readonly mysqlPort: number;
}

export const DEFAULT_STACK_OPTIONS: StackOptions = {
  cluster: 'local',
  replicas: 2,
  store: 'mariadb',
  dataDir: '/var/lib/kbinlog',
  kafkaPort: 9092,
  mariadbBasePort: 3316,
  httpBasePort: 8080,
  memcachedPort: 11211,
  mysqlPort: 3307,
};

export const MAX_REPLICAS = 9;

function database(options: StackOptions, node: string, port: number): NodeDatabaseLayout {
  if (options.store === 'sqlite') {
    const file = join(options.dataDir, `${node}.db`);
    return { store: 'sqlite', file, url: `sqlite://${file}` };
  }
  return { store: 'mariadb', instance: node, port, url: `mysql://kbinlog:kbinlog@127.0.0.1:${port}/` };
}

export function stackLayout(options: StackOptions): StackLayout {
  if (options.store === 'sqlite' && !isAbsolute(options.dataDir)) throw new RangeError(`the SQLite data directory must be absolute, got ${options.dataDir}`);
  if (!Number.isInteger(options.replicas) || options.replicas < 0 || options.replicas > MAX_REPLICAS) {
    throw new RangeError(`--replicas must be an integer 0..${MAX_REPLICAS}, got ${options.replicas}`);
  }
  // node-1 starts as source, the others as replicas; any of them may become source later.
  const nodes: StackNode[] = Array.from({ length: options.replicas + 1 }, (_, index) => ({
    name: `node-${index + 1}`,
    app: 'source',
    role: index === 0 ? 'source' : 'replica',
    serverId: index + 1,
    httpPort: options.httpBasePort + 1 + index,
    memcachedPort: options.memcachedPort + index,
    // SQL runs on the node's own database as written: a MariaDB store only.
    mysqlPort: options.store === 'mariadb' ? options.mysqlPort + index : null,
    database: database(options, `node-${index + 1}`, options.mariadbBasePort + index),
  }));
  return {
    cluster: options.cluster,
    kafka: { instance: 'kafka', port: options.kafkaPort, brokers: `127.0.0.1:${options.kafkaPort}` },
    nodes: [...nodes, { name: 'coordinator', app: 'coordinator', role: 'coordinator', serverId: null, httpPort: options.httpBasePort, memcachedPort: null, mysqlPort: null, database: null }],
  };
}

/** The command line that starts a node of the layout. */
export function nodeArguments(layout: StackLayout, node: StackNode): string[] {
  const common = ['--http-port', String(node.httpPort), '--cluster', layout.cluster, '--kafka-brokers', layout.kafka.brokers];
  if (node.app === 'coordinator' || !node.database || node.serverId === null) return common;
  const flags = [...common, '--database-url', node.database.url, '--node-name', node.name, '--server-id', String(node.serverId), '--role', node.role];
  if (node.memcachedPort !== null) flags.push('--memcached-port', String(node.memcachedPort));
  if (node.mysqlPort !== null) flags.push('--mysql-port', String(node.mysqlPort));
  return flags;
}
