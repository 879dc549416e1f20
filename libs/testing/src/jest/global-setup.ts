import { publishTestInfra, startTestInfra } from '../lib/start-test-infra';
import type { StartedInfra } from '../lib/test-infra';

/** Set by the first project's setup in a run; later projects reuse it, and teardown stops it once. */
const RUN_KEY = Symbol.for('kbinlog.test-infra');
type RunGlobals = typeof globalThis & { [RUN_KEY]?: StartedInfra };

export default async function globalSetup(): Promise<void> {
  const run = globalThis as RunGlobals;
  if (run[RUN_KEY]) return;
  const started = Date.now();
  process.stderr.write('\n[kbinlog tests] providing Kafka and MariaDB…\n');
  const infra = await startTestInfra();
  run[RUN_KEY] = infra;
  publishTestInfra(infra.infra);
  const servers = infra.infra.mariadb.map((server) => `${server.host}:${server.port}`).join(', ');
  process.stderr.write(
    `[kbinlog tests] ${infra.infra.provider}: Kafka ${infra.infra.kafka.brokers.join(',')}, MariaDB ${servers} (${Date.now() - started} ms)\n`,
  );
}

export { RUN_KEY, type RunGlobals };
