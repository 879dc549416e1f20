import { RUN_KEY, type RunGlobals } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const run = globalThis as RunGlobals;
  const infra = run[RUN_KEY];
  if (!infra) return;
  delete run[RUN_KEY];
  if (process.env['KBINLOG_TEST_KEEP_INFRA'] === '1') {
    process.stderr.write('[kbinlog tests] KBINLOG_TEST_KEEP_INFRA=1: leaving Kafka and MariaDB running\n');
    return;
  }
  await infra.stop();
}
