import { containerInfra, dockerReachable } from './providers/containers';
import { externalInfra } from './providers/external';
import { localInfra } from './providers/local';
import type { InfraProvider, StartedInfra, TestInfra } from './test-infra';

const INFRA_ENV = 'KBINLOG_TEST_INFRA_JSON';
// A source, two full replicas and three filtered ones (test/sql/random-workload).
const DEFAULT_MARIADB_COUNT = 6;

/**
 * Provides a real Kafka broker and MariaDB servers for a test run, in this order:
 * 1. servers that already run (KBINLOG_TEST_KAFKA_BROKERS + KBINLOG_TEST_MARIADB_URLS);
 * 2. KBINLOG_TEST_INFRA=containers|local forces a provider;
 * 3. otherwise testcontainers when a Docker engine answers, else infra/local's scripts.
 */
export async function startTestInfra(env: NodeJS.ProcessEnv = process.env): Promise<StartedInfra> {
  const mariadbCount = Number(env['KBINLOG_TEST_MARIADB_COUNT'] ?? DEFAULT_MARIADB_COUNT);
  // Servers given from outside are taken as they are; a test that needs more says so.
  const external = externalInfra(env, Number(env['KBINLOG_TEST_MARIADB_COUNT'] ?? 1));
  if (external) return external;
  const forced = env['KBINLOG_TEST_INFRA'];
  if (forced !== undefined && forced !== 'containers' && forced !== 'local') {
    throw new Error(`KBINLOG_TEST_INFRA must be "containers" or "local", got ${JSON.stringify(forced)}`);
  }
  const provider: InfraProvider = forced ?? ((await dockerReachable()) ? 'containers' : 'local');
  return provider === 'containers' ? containerInfra(mariadbCount) : localInfra(mariadbCount, env);
}

/** Hands the infra to Jest workers, which inherit the environment of the process that ran global setup. */
export function publishTestInfra(infra: TestInfra): void {
  process.env[INFRA_ENV] = JSON.stringify(infra);
}

/** The run's infra, inside a test file. */
export function testInfra(): TestInfra {
  const published = process.env[INFRA_ENV];
  if (!published) {
    throw new Error(
      `no test infrastructure: ${INFRA_ENV} is unset. Run tests through Jest with a project config made with { infra: true } (npm test does).`,
    );
  }
  return JSON.parse(published) as TestInfra;
}
