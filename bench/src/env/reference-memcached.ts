import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { sleep } from '../measure/clock';
import { progress } from './progress';

const START_TIMEOUT_MS = 10_000;

/** Debian's memcached binary, if installed (bench/run.sh installs it when it can). */
export function memcachedBinary(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v memcached'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path ? path : undefined;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Real memcached as the non-durable reference: a child process of the bench on its own port,
 * 2 threads (this machine's cores), 256 MB, no UDP.
 */
export class ReferenceMemcached {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(binary: string, port: number): Promise<ReferenceMemcached> {
    if (await accepts(port)) throw new Error(`port ${port} is taken: cannot start the reference memcached there`);
    // memcached refuses to run as root unless told which user to become.
    const user = process.getuid?.() === 0 ? ['-u', 'nobody'] : [];
    const child = spawn(binary, ['-p', String(port), '-l', '127.0.0.1', '-U', '0', '-t', '2', '-m', '256', ...user], { stdio: ['ignore', 'ignore', 'inherit'] });
    let exited: number | null | undefined;
    child.once('exit', (code) => (exited = code));
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await accepts(port))) {
      if (exited !== undefined) throw new Error(`memcached exited with ${exited} at start`);
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`memcached did not listen on ${port} within ${START_TIMEOUT_MS} ms`);
      }
      await sleep(50);
    }
    progress(`reference memcached up (pid ${child.pid}, port ${port})`);
    return new ReferenceMemcached(child, port);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    await Promise.race([exited, sleep(5000).then(() => void this.child.kill('SIGKILL'))]);
  }
}
