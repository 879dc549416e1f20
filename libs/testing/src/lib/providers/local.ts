import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { MariaDbServer, StartedInfra } from '../test-infra';

const execFileAsync = promisify(execFile);

/**
 * Instances of the test run, apart from the development cluster's (infra/local/up.sh).
 * KBINLOG_TEST_INFRA_NAME (with other ports) lets a second test run on the machine use its own.
 */
const DEFAULT_INFRA_NAME = 'test';
const MARIADB_USER = 'kbinlog';
const MARIADB_PASSWORD = 'kbinlog';

function scriptsDir(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'infra', 'local');
    if (existsSync(join(candidate, 'kafka.sh'))) return candidate;
  }
  throw new Error(`infra/local/kafka.sh not found above ${__dirname}`);
}

async function isRunning(script: string, name: string): Promise<boolean> {
  try {
    await execFileAsync('bash', [script, 'status', '--name', name]);
    return true;
  } catch {
    return false;
  }
}

/** Runs a script with its progress lines passed through to our stderr. */
function run(script: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script, ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${script} ${args.join(' ')} exited with ${code}`)),
    );
  });
}

interface Instance {
  readonly script: string;
  readonly name: string;
  readonly port: number;
}

/**
 * Kafka and MariaDB started by infra/local's scripts (no Docker): installed on first use and
 * cached, idempotent, so a second run reuses what already runs. Stops only what it started.
 */
export async function localInfra(mariadbCount: number, env: NodeJS.ProcessEnv): Promise<StartedInfra> {
  const dir = scriptsDir();
  const name = env['KBINLOG_TEST_INFRA_NAME'] ?? DEFAULT_INFRA_NAME;
  const kafkaPort = Number(env['KBINLOG_TEST_KAFKA_PORT'] ?? 19092);
  const mariadbBasePort = Number(env['KBINLOG_TEST_MARIADB_BASE_PORT'] ?? 13307);
  const kafka: Instance = { script: join(dir, 'kafka.sh'), name, port: kafkaPort };
  const databases: Instance[] = Array.from({ length: mariadbCount }, (_, index) => ({
    script: join(dir, 'mariadb.sh'),
    name: `${name}-${index + 1}`,
    port: mariadbBasePort + index,
  }));

  // Installs (Maven download, apt) must not race each other; starts may run side by side.
  await run(kafka.script, ['install']);
  await run(databases[0]?.script ?? join(dir, 'mariadb.sh'), ['install']);

  const started: Instance[] = [];
  const stopStarted = () => Promise.all(started.map((instance) => run(instance.script, ['stop', '--name', instance.name])));
  const starts = await Promise.allSettled(
    [kafka, ...databases].map(async (instance) => {
      if (await isRunning(instance.script, instance.name)) return;
      started.push(instance);
      await run(instance.script, ['start', '--name', instance.name, '--port', String(instance.port)]);
    }),
  );
  const failure = starts.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) {
    // Global teardown never runs after a failed setup: leave nothing behind ourselves.
    await stopStarted();
    throw failure.reason;
  }

  const mariadb: MariaDbServer[] = databases.map((instance) => ({
    name: instance.name,
    host: '127.0.0.1',
    port: instance.port,
    user: MARIADB_USER,
    password: MARIADB_PASSWORD,
  }));
  return {
    infra: { provider: 'local', kafka: { brokers: [`127.0.0.1:${kafkaPort}`] }, mariadb },
    stop: async () => {
      await stopStarted();
    },
  };
}
