import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchLayout } from './layout';
import { progress } from './progress';

/** One node as `kbinlog stack status --json` lists it. */
export interface StackNode {
  readonly name: string;
  readonly role: 'source' | 'replica' | 'coordinator';
  readonly state: string;
  readonly pid: number | null;
  readonly http: string;
  readonly memcached: string | null;
  readonly mysql: string | null;
  readonly database: string | null;
}

export interface StackStatus {
  readonly cluster: string;
  readonly kafka: string;
  readonly nodes: readonly StackNode[];
}

export interface StackOptions {
  /** KBINLOG_W_BATCH_SIZE for the source (daemon_memcached_w_batch_size), unset for its default. */
  readonly wBatchSize?: number;
}

/** The bench's local cluster, driven through the product's own `kbinlog stack` command. */
export class BenchStack {
  constructor(private readonly layout: BenchLayout) {}

  private cli(args: readonly string[], options: StackOptions = {}, capture = false): Promise<string> {
    const env: NodeJS.ProcessEnv = { ...process.env, KBINLOG_STATE_DIR: this.layout.stateDir };
    if (options.wBatchSize !== undefined) env['KBINLOG_W_BATCH_SIZE'] = String(options.wBatchSize);
    const entry = join(this.layout.root, 'dist', 'apps', 'cli', 'src', 'main.js');
    return new Promise((resolve, reject) => {
      // stdout is the bench's results table: the CLI's own output goes to stderr.
      const child = spawn(process.execPath, [entry, ...args], { env, stdio: ['ignore', capture ? 'pipe' : 2, 2] });
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`kbinlog ${args.join(' ')} exited with ${code}`))));
    });
  }

  /** A fresh cluster: whatever an earlier bench run left is stopped and its state removed. */
  async startFresh(options: StackOptions): Promise<StackStatus> {
    if (existsSync(join(this.layout.stateDir, 'stack', 'stack.json'))) {
      // `stack down` fails when a process it recorded died on its own (infra/local's stop of a
      // stale pid); that is fine as long as nothing of the old cluster still runs.
      const stopped = await this.stop().then(
        () => undefined,
        (error: unknown) => error,
      );
      const alive = this.livePids();
      if (alive.length > 0) throw new Error(`the previous bench cluster is still running (${alive.join(', ')}) and would not stop: ${String(stopped)}`);
      if (stopped) progress(`stack down reported a failure, but nothing of the previous bench cluster runs: starting afresh`);
    }
    rmSync(this.layout.stateDir, { recursive: true, force: true });
    const l = this.layout;
    progress(`stack up: Kafka ${l.kafkaPort}, MariaDB ${l.mariadbBasePort}-${l.mariadbBasePort + 2}, source memcached ${l.memcachedPort} / MySQL ${l.mysqlPort}, state ${l.stateDir}`);
    await this.cli(
      [
        'stack', 'up', '--detach', '--replicas', '2', '--cluster', l.cluster,
        '--kafka-port', String(l.kafkaPort), '--mariadb-base-port', String(l.mariadbBasePort),
        '--http-base-port', String(l.httpBasePort), '--memcached-port', String(l.memcachedPort), '--mysql-port', String(l.mysqlPort),
      ],
      options,
    );
    return this.status();
  }

  /** The running cluster, or undefined when none runs fully (for --keep-stack reuse). */
  async running(): Promise<StackStatus | undefined> {
    if (!existsSync(join(this.layout.stateDir, 'stack', 'stack.json'))) return undefined;
    const status = await this.status().catch(() => undefined);
    return status?.nodes.every((node) => node.state === 'running') ? status : undefined;
  }

  async status(): Promise<StackStatus> {
    return JSON.parse(await this.cli(['stack', 'status', '--json'], {}, true)) as StackStatus;
  }

  async stop(): Promise<void> {
    progress('stack down');
    await this.cli(['stack', 'down']);
  }

  /** Processes the bench's state directory records that still run (kafka, mariadb, nodes). */
  livePids(): string[] {
    const { stateDir } = this.layout;
    if (!existsSync(stateDir)) return [];
    const files = readdirSync(stateDir).flatMap((dir) => {
      const path = join(stateDir, dir);
      if (dir === 'stack') return readdirSync(path).filter((file) => file.endsWith('.pid')).map((file) => join(path, file));
      return [join(path, 'kafka.pid'), join(path, 'mariadb.pid')];
    });
    return files.flatMap((file) => {
      if (!existsSync(file)) return [];
      const pid = readFileSync(file, 'utf8').trim();
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return cmdline.includes(stateDir) || cmdline.includes('/apps/') ? [`${file.slice(stateDir.length + 1)}: pid ${pid}`] : [];
      } catch {
        return [];
      }
    });
  }

  /** The pid of an infrastructure process the stack started (`kafka-kafka`, `mariadb-source`…). */
  infraPid(instance: string): number | undefined {
    const file = join(this.layout.stateDir, instance, instance.startsWith('kafka-') ? 'kafka.pid' : 'mariadb.pid');
    if (!existsSync(file)) return undefined;
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  }
}

export function nodeNamed(status: StackStatus, name: string): StackNode {
  const node = status.nodes.find((candidate) => candidate.name === name);
  if (!node) throw new Error(`the stack has no node named ${name}`);
  return node;
}

/** "127.0.0.1:26211" → { host, port }. */
export function hostPort(address: string | null, what: string): { host: string; port: number } {
  const match = /^(.*):(\d+)$/.exec(address ?? '');
  if (!match) throw new Error(`${what}: no address in the stack status`);
  return { host: match[1], port: Number(match[2]) };
}
