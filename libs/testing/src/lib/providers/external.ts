import { parseMariadbUrl, type StartedInfra } from '../test-infra';

/**
 * Servers that already run, named by KBINLOG_TEST_KAFKA_BROKERS (host:port, comma-separated)
 * and KBINLOG_TEST_MARIADB_URLS (mysql://user:password@host:port/, comma-separated).
 * Nothing is started or stopped.
 */
export function externalInfra(env: NodeJS.ProcessEnv, mariadbCount: number): StartedInfra | undefined {
  const brokers = env['KBINLOG_TEST_KAFKA_BROKERS'];
  const urls = env['KBINLOG_TEST_MARIADB_URLS'];
  if (brokers === undefined && urls === undefined) return undefined;
  if (!brokers || !urls) {
    throw new Error('set both KBINLOG_TEST_KAFKA_BROKERS and KBINLOG_TEST_MARIADB_URLS to use servers that already run');
  }
  const mariadb = urls.split(',').map((url, index) => parseMariadbUrl(`external-${index + 1}`, url.trim()));
  if (mariadb.length < mariadbCount) {
    throw new Error(`KBINLOG_TEST_MARIADB_URLS names ${mariadb.length} servers; the tests need ${mariadbCount}`);
  }
  return {
    infra: { provider: 'external', kafka: { brokers: brokers.split(',').map((broker) => broker.trim()) }, mariadb },
    stop: async () => undefined,
  };
}
