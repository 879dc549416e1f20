import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { registerDiagnostics } from './diagnostics';
import { mariadbUrl, type MariaDbServer, type TestInfra } from './test-infra';
import { waitFor } from './wait-for';

export type ServiceName = 'source' | 'replica' | 'coordinator';

export interface RunningService {
  readonly name: ServiceName;
  readonly httpUrl: string;
  readonly process: ChildProcess;
  /** Every line the process wrote, stdout and stderr, for assertions and failure reports. */
  readonly output: string[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function workspaceRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
  }
  throw new Error(`no nx.json above ${__dirname}`);
}

/** The compiled entry point of an app: end-to-end tests run what operators run. */
export function appEntryPoint(app: ServiceName | 'cli'): string {
  const entry = join(workspaceRoot(), 'dist', 'apps', app, 'src', 'main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first (npm test does)`);
  return entry;
}

function collectLines(stream: NodeJS.ReadableStream, into: string[]): void {
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    into.push(...lines);
  });
}

function listeningPort(lines: readonly string[]): number | undefined {
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { event?: string; port?: number };
      if (entry.event === 'http.listening' && typeof entry.port === 'number') return entry.port;
    } catch {
      // not a log line of ours
    }
  }
  return undefined;
}

/** Exited services whose last output a timed-out wait still prints (the victim of a kill, say). */
const EXITED_KEPT = 12;
const exitedServices: (() => void)[] = [];

/** Reports the service's output when a wait times out, while it runs and for a while after it exits. */
function reportOutputOf(name: ServiceName, args: readonly string[], child: ChildProcess, output: readonly string[], exited: Promise<number | null>): void {
  const flag = (key: string) => {
    const index = args.indexOf(key);
    return index >= 0 ? args[index + 1] : undefined;
  };
  const who = flag('--node-name') ?? flag('--coordinator-id') ?? name;
  let state = 'running';
  const unregister = registerDiagnostics({ label: () => `${who} (${name}${flag('--cluster') ? ` of ${flag('--cluster')}` : ''}, pid ${child.pid}, ${state})`, lines: () => output });
  void exited.then((code) => {
    state = `exited with ${code === null ? child.signalCode : code}`;
    exitedServices.push(unregister);
    if (exitedServices.length > EXITED_KEPT) exitedServices.shift()?.();
  });
}

/**
 * Starts a service as its own process on a free HTTP port and waits for its `http.listening`
 * log line. The caller stops it (and a test's afterAll should).
 */
export async function startService(
  name: ServiceName,
  args: readonly string[] = [],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 20_000,
): Promise<RunningService> {
  const output: string[] = [];
  const child = spawn(process.execPath, [appEntryPoint(name), '--http-port', '0', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  collectLines(child.stdout, output);
  collectLines(child.stderr, output);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  reportOutputOf(name, args, child, output, exited);
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code ?? -1));

  const port = await waitFor(
    () => {
      if (exitCode !== undefined) throw new Error(`${name} exited with ${exitCode}:\n${output.join('\n')}`);
      return listeningPort(output);
    },
    { description: `${name} to log http.listening`, timeoutMs },
  ).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });

  return {
    name,
    httpUrl: `http://127.0.0.1:${port}`,
    process: child,
    output,
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (exitCode === undefined) child.kill(signal);
      return exited;
    },
  };
}

export interface NodeFlagsOptions {
  readonly cluster: string;
  readonly server: MariaDbServer;
  readonly nodeName: string;
  readonly serverId: number;
}

/** The flags a source or replica process needs to join a cluster in the run's infrastructure. */
export function nodeFlags(infra: TestInfra, options: NodeFlagsOptions): string[] {
  return [
    '--cluster', options.cluster,
    '--kafka-brokers', infra.kafka.brokers.join(','),
    '--database-url', mariadbUrl(options.server),
    '--node-name', options.nodeName,
    '--server-id', String(options.serverId),
  ];
}

/** A cluster name no other test file uses (cluster names become topic and group names). */
export function uniqueClusterName(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
}

export async function getJson<T>(url: string): Promise<T> {
  return (await (await fetch(url)).json()) as T;
}

/** The source's SHOW MASTER STATUS (GET /status). */
export interface SourceStatus {
  readonly Position: string;
  readonly Executed_Gtid_Set: string;
  readonly Memcached_Port: number;
  /** The MySQL port, null when the source runs without one. */
  readonly Mysql_Port: number | null;
}

export function sourceStatus(source: RunningService): Promise<SourceStatus> {
  return getJson<SourceStatus>(`${source.httpUrl}/status`);
}

/** Waits until the replica applied everything the source has written so far. */
export async function waitUntilReplicated(source: RunningService, replica: RunningService, timeoutMs = 15_000): Promise<void> {
  const { Position } = await sourceStatus(source);
  await waitFor(
    async () => BigInt((await getJson<{ Exec_Source_Log_Pos: string }>(`${replica.httpUrl}/replica/status`)).Exec_Source_Log_Pos) >= BigInt(Position),
    { description: `${replica.name} to apply up to ${Position}`, timeoutMs },
  );
}
