import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { nodeArguments, type StackLayout, type StackNode } from './stack-layout';

const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 20_000;

/** The checkout the CLI runs from: infra/local scripts, dist/ entry points and .kbinlog/ state. */
export function workspaceRoot(from = __dirname): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'infra', 'local', 'kafka.sh')) && existsSync(join(dir, 'package.json'))) return dir;
  }
  throw new Error('kbinlog stack runs from a kbinlog checkout (infra/local/ not found above the CLI)');
}

export interface StackPaths {
  readonly root: string;
  readonly stateDir: string;
  readonly stateFile: string;
}

export function stackPaths(root = workspaceRoot()): StackPaths {
  const stateDir = join(process.env['KBINLOG_STATE_DIR'] ?? join(root, '.kbinlog'), 'stack');
  return { root, stateDir, stateFile: join(stateDir, 'stack.json') };
}

export type Progress = (line: string) => void;

function runScript(paths: StackPaths, script: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(paths.root, 'infra', 'local', script), ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`infra/local/${script} ${args.join(' ')} exited with ${code}`))));
  });
}

function pidFile(paths: StackPaths, node: StackNode): string {
  return join(paths.stateDir, `${node.name}.pid`);
}

export function logFile(paths: StackPaths, node: StackNode): string {
  return join(paths.stateDir, `${node.name}.log`);
}

function entryPoint(paths: StackPaths, node: StackNode): string {
  const entry = join(paths.root, 'dist', 'apps', node.app, 'src', 'main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  return entry;
}

/** The pid of a node we started, if that process still runs the node's entry point. */
export function runningPid(paths: StackPaths, node: StackNode): number | undefined {
  const file = pidFile(paths, node);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes(join('apps', node.app, 'src', 'main.js')) ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function healthy(node: StackNode): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${node.httpPort}/health`, { signal: AbortSignal.timeout(1000) });
    return response.ok;
  } catch {
    return false;
  }
}

/** What the node says it is now: the coordinator may have moved the source since the stack started. */
async function liveRole(node: StackNode): Promise<string> {
  try {
    const response = await fetch(`http://127.0.0.1:${node.httpPort}/node`, { signal: AbortSignal.timeout(1000) });
    const report = (await response.json()) as { role?: unknown };
    return response.ok && typeof report.role === 'string' ? report.role : '-';
  } catch {
    return '-';
  }
}

function lastLines(file: string, count: number): string {
  return existsSync(file) ? readFileSync(file, 'utf8').trimEnd().split('\n').slice(-count).join('\n') : '';
}

async function startNode(paths: StackPaths, layout: StackLayout, node: StackNode, progress: Progress): Promise<void> {
  if (runningPid(paths, node) !== undefined) {
    progress(`${node.name}: already running`);
    return;
  }
  const log = openSync(logFile(paths, node), 'a');
  const child = spawn(process.execPath, [entryPoint(paths, node), ...nodeArguments(layout, node)], {
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  child.unref();
  writeFileSync(pidFile(paths, node), `${child.pid}\n`);
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await healthy(node))) {
    if (exited !== undefined) throw new Error(`${node.name} exited with ${exited} while starting:\n${lastLines(logFile(paths, node), 15)}`);
    if (Date.now() > deadline) throw new Error(`${node.name} did not answer /health within ${START_TIMEOUT_MS} ms; see ${logFile(paths, node)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  progress(`${node.name}: up (pid ${child.pid}, http ${node.httpPort})`);
}

function mariadbInstances(layout: StackLayout): { instance: string; port: number }[] {
  return layout.nodes.flatMap((node) => (node.database?.store === 'mariadb' ? [{ instance: node.database.instance, port: node.database.port }] : []));
}

export async function stackUp(paths: StackPaths, layout: StackLayout, progress: Progress): Promise<void> {
  mkdirSync(paths.stateDir, { recursive: true });
  writeFileSync(paths.stateFile, `${JSON.stringify(layout, null, 2)}\n`);
  const servers = mariadbInstances(layout);
  progress(`starting Kafka on ${layout.kafka.brokers}${servers.length > 0 ? ` and ${servers.length} MariaDB servers` : ''} (first run installs them)…`);
  await runScript(paths, 'kafka.sh', ['start', '--name', layout.kafka.instance, '--port', String(layout.kafka.port)]);
  for (const server of servers) await runScript(paths, 'mariadb.sh', ['start', '--name', server.instance, '--port', String(server.port)]);
  for (const node of layout.nodes) {
    if (node.database?.store === 'sqlite') mkdirSync(dirname(node.database.file), { recursive: true });
  }
  // node-1 first: it starts as source and creates the binlog topic; the others follow its log.
  for (const node of layout.nodes) await startNode(paths, layout, node, progress);
}

async function stopPid(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (existsSync(`/proc/${pid}`)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function readLayout(paths: StackPaths): StackLayout | undefined {
  return existsSync(paths.stateFile) ? (JSON.parse(readFileSync(paths.stateFile, 'utf8')) as StackLayout) : undefined;
}

/** Stops the coordinator first (no failover while the stack goes down), then the nodes, then Kafka and MariaDB. */
export async function stackDown(paths: StackPaths, progress: Progress, { infra = true } = {}): Promise<void> {
  const layout = readLayout(paths);
  if (!layout) {
    progress('no stack to stop');
    return;
  }
  for (const node of [...layout.nodes].reverse()) {
    const pid = runningPid(paths, node);
    if (pid !== undefined) {
      await stopPid(pid);
      progress(`${node.name}: stopped`);
    }
    rmSync(pidFile(paths, node), { force: true });
  }
  if (infra) {
    for (const server of mariadbInstances(layout)) await runScript(paths, 'mariadb.sh', ['stop', '--name', server.instance]);
    await runScript(paths, 'kafka.sh', ['stop', '--name', layout.kafka.instance]);
  }
}

export interface NodeState {
  readonly name: string;
  /** The role the node reports now (GET /node), `-` if it does not answer; `coordinator` for the coordinator. */
  readonly role: string;
  readonly state: 'running' | 'unhealthy' | 'stopped';
  readonly pid: number | null;
  readonly http: string;
  readonly memcached: string | null;
  readonly mysql: string | null;
  readonly database: string | null;
  readonly log: string;
}

export async function stackStatus(paths: StackPaths): Promise<{ cluster: string; kafka: string; nodes: NodeState[] } | undefined> {
  const layout = readLayout(paths);
  if (!layout) return undefined;
  const nodes = await Promise.all(
    layout.nodes.map(async (node): Promise<NodeState> => {
      const pid = runningPid(paths, node) ?? null;
      return {
        name: node.name,
        role: node.app === 'coordinator' ? 'coordinator' : pid === null ? '-' : await liveRole(node),
        state: pid === null ? 'stopped' : (await healthy(node)) ? 'running' : 'unhealthy',
        pid,
        http: `http://127.0.0.1:${node.httpPort}`,
        memcached: node.memcachedPort === null ? null : `127.0.0.1:${node.memcachedPort}`,
        mysql: node.mysqlPort === null ? null : `127.0.0.1:${node.mysqlPort}`,
        database: node.database?.url ?? null,
        log: logFile(paths, node),
      };
    }),
  );
  return { cluster: layout.cluster, kafka: layout.kafka.brokers, nodes };
}
