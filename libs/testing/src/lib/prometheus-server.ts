import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerDiagnostics } from './diagnostics';
import { waitFor } from './wait-for';

/** The Debian package's server (infra/local/tools.sh install prometheus). */
export const PROMETHEUS_BINARY = '/usr/bin/prometheus';

/** A service to scrape: its HTTP base URL, and a `name` label its series get. */
export interface ScrapeTarget {
  readonly name: string;
  readonly httpUrl: string;
}

/** One series of an instant query: its labels and its value. */
export interface PrometheusSample {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: number;
}

interface QueryAnswer {
  readonly status: 'success' | 'error';
  readonly error?: string;
  readonly data?: { readonly resultType: string; readonly result: readonly { metric: Record<string, string>; value: [number, string] }[] };
}

const OUTPUT_LINES = 200;
const STOP_GRACE_MS = 10_000;

/** A TCP port nothing listens on now, for a tool that takes its port as a flag. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A real Prometheus server of the test's own: its configuration, port and data directory in a
 * temporary directory, scraping GET /metrics of each target every `scrapeIntervalS`, read
 * through its HTTP query API as an operator's dashboards would.
 */
export class PrometheusServer {
  private readonly unregisterDiagnostics: () => void;

  private constructor(
    readonly url: string,
    private readonly process: ChildProcess,
    private readonly dir: string,
    private readonly output: string[],
  ) {
    this.unregisterDiagnostics = registerDiagnostics({ label: () => `prometheus at ${url}`, lines: async () => this.output.slice(-OUTPUT_LINES) });
  }

  static async start(targets: readonly ScrapeTarget[], scrapeIntervalS = 1): Promise<PrometheusServer> {
    const dir = await mkdtemp(join(tmpdir(), 'kbinlog-prometheus-'));
    const config = {
      global: { scrape_interval: `${scrapeIntervalS}s`, scrape_timeout: `${scrapeIntervalS}s`, evaluation_interval: `${scrapeIntervalS}s` },
      scrape_configs: [
        {
          job_name: 'kbinlog',
          static_configs: targets.map((target) => {
            const url = new URL(target.httpUrl);
            return { targets: [url.host], labels: { name: target.name } };
          }),
        },
      ],
    };
    // JSON is YAML: Prometheus reads it as its configuration file.
    await writeFile(join(dir, 'prometheus.yml'), JSON.stringify(config, null, 2));
    const port = await freePort();
    const output: string[] = [];
    const child = spawn(PROMETHEUS_BINARY, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) stream?.on('data', (chunk: Buffer) => output.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
    const server = new PrometheusServer(`http://127.0.0.1:${port}`, child, dir, output);
    try {
      await waitFor(
        async () => {
          if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}: ${output.slice(-5).join(' | ')}`);
          return (await fetch(`${server.url}/-/ready`, { signal: AbortSignal.timeout(1_000) })).ok;
        },
        { description: 'prometheus to be ready', timeoutMs: 30_000, intervalMs: 200 },
      );
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  /** An instant query (GET /api/v1/query): every series of the resulting vector. */
  async query(promql: string): Promise<PrometheusSample[]> {
    const response = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(promql)}`, { signal: AbortSignal.timeout(5_000) });
    const answer = (await response.json()) as QueryAnswer;
    if (answer.status !== 'success' || !answer.data) throw new Error(`prometheus refused ${promql}: ${answer.error ?? response.status}`);
    if (answer.data.resultType !== 'vector') throw new Error(`${promql} gives a ${answer.data.resultType}, not an instant vector`);
    return answer.data.result.map(({ metric, value }) => ({ metric, value: Number(value[1]) }));
  }

  /** The value of a query that selects one series; undefined while it selects none. */
  async value(promql: string): Promise<number | undefined> {
    const samples = await this.query(promql);
    if (samples.length > 1) throw new Error(`${promql} selects ${samples.length} series, not one`);
    return samples[0]?.value;
  }

  async stop(): Promise<void> {
    this.unregisterDiagnostics();
    if (this.process.exitCode === null) {
      const exited = new Promise((resolve) => this.process.once('exit', resolve));
      this.process.kill('SIGTERM');
      const timer = setTimeout(() => this.process.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}
