import { ConfigError, loadConfig, serviceOptions } from '@kbinlog/service-runtime';
import { REPLICA_OPTIONS } from './replica-config';

const spec = { ...serviceOptions({ httpPort: 8082 }), ...REPLICA_OPTIONS };
const DATABASE = ['--database-url', 'mysql://kbinlog:kbinlog@127.0.0.1:3317/'];

describe('replica configuration', () => {
  it('defaults to replica-1, server_id 2, STRICT and the relay limits', () => {
    const loaded = loadConfig('kbinlog-replica', spec, DATABASE, {});
    expect(loaded).toMatchObject({
      kind: 'config',
      config: { nodeName: 'replica-1', serverId: 2, replicaExecMode: 'STRICT', relayMaxGroups: 10_000, relayMaxBytes: 64 * 1024 * 1024 },
    });
  });

  it('takes the exec mode and limits from flags or the environment', () => {
    const loaded = loadConfig('kbinlog-replica', spec, [...DATABASE, '--relay-max-groups', '50'], {
      KBINLOG_REPLICA_EXEC_MODE: 'IDEMPOTENT',
      KBINLOG_RELAY_MAX_BYTES: '1048576',
    });
    expect(loaded).toMatchObject({ config: { replicaExecMode: 'IDEMPOTENT', relayMaxGroups: 50, relayMaxBytes: 1048576 } });
  });

  it('lists every bad setting at once', () => {
    let problems: readonly string[] = [];
    try {
      loadConfig('kbinlog-replica', spec, ['--replica-exec-mode', 'strict', '--relay-max-groups', '0'], {});
    } catch (error) {
      problems = (error as ConfigError).problems;
    }
    expect(problems).toEqual([
      expect.stringMatching(/^--database-url \(or KBINLOG_DATABASE_URL\) is required/),
      expect.stringMatching(/^--replica-exec-mode \(or KBINLOG_REPLICA_EXEC_MODE\).*"strict"/),
      expect.stringMatching(/^--relay-max-groups \(or KBINLOG_RELAY_MAX_GROUPS\): expected an integer 1\.\.1000000/),
    ]);
  });
});
