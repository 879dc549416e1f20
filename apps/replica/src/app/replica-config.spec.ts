import { ConfigError, loadConfig, serviceOptions } from '@kbinlog/service-runtime';
import { REPLICA_OPTIONS, type ReplicaConfig, replicationFilterOf } from './replica-config';

const spec = { ...serviceOptions({ httpPort: 8082 }), ...REPLICA_OPTIONS };
const DATABASE = ['--database-url', 'mysql://kbinlog:kbinlog@127.0.0.1:3317/'];

describe('replica configuration', () => {
  it('defaults to replica-1, server_id 2, STRICT and the relay limits', () => {
    const loaded = loadConfig('kbinlog-replica', spec, DATABASE, {});
    expect(loaded).toMatchObject({
      kind: 'config',
      config: { nodeName: 'replica-1', serverId: 2, replicaExecMode: 'STRICT', relayMaxGroups: 10_000, applyBatchMaxGroups: 1000, relayMaxBytes: 64 * 1024 * 1024 },
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

  describe('replication filters (--replicate-*)', () => {
    function load(argv: readonly string[], env: NodeJS.ProcessEnv = {}): ReplicaConfig {
      const loaded = loadConfig('kbinlog-replica', spec, [...DATABASE, ...argv], env);
      if (loaded.kind !== 'config') throw new Error('expected a configuration');
      return loaded.config;
    }

    it('has none by default: a filter that passes everything', () => {
      const config = load([]);
      expect(config).toMatchObject({ replicateDoDb: [], replicateIgnoreDb: [], replicateDoTable: [], replicateRewriteDb: [] });
      expect(replicationFilterOf(config).isEmpty).toBe(true);
    });

    it('takes comma-separated lists from flags and the environment, flags first', () => {
      const config = load(['--replicate-do-db', 'sales, hr', '--replicate-wild-ignore-table', 'tmp%.%,%.bak'], {
        KBINLOG_REPLICATE_DO_DB: 'ignored',
        KBINLOG_REPLICATE_IGNORE_TABLE: 'sales.secret',
        KBINLOG_REPLICATE_REWRITE_DB: 'prod->sales',
      });
      expect(config).toMatchObject({
        replicateDoDb: ['sales', 'hr'],
        replicateIgnoreTable: ['sales.secret'],
        replicateWildIgnoreTable: ['tmp%.%', '%.bak'],
        replicateRewriteDb: ['prod->sales'],
      });
      const filter = replicationFilterOf(config);
      expect(filter.status()).toMatchObject({
        Replicate_Do_DB: 'sales,hr',
        Replicate_Ignore_Table: 'sales.secret',
        Replicate_Wild_Ignore_Table: 'tmp%.%,%.bak',
        Replicate_Rewrite_DB: '(prod,sales)',
      });
      expect(filter.apply({ type: 'delete', schema: 'prod', table: 'orders', before: { id: '1' } })).toMatchObject({ schema: 'sales' });
      expect(filter.apply({ type: 'delete', schema: 'prod', table: 'secret', before: { id: '1' } })).toBeNull();
    });

    it('lists every malformed filter at once, with the option that holds it', () => {
      let problems: readonly string[] = [];
      try {
        loadConfig('kbinlog-replica', spec, [...DATABASE, '--replicate-do-table', 'orders,sales.', '--replicate-wild-do-table', 'sales%'], {
          KBINLOG_REPLICATE_REWRITE_DB: 'prod=>copy',
          KBINLOG_REPLICATE_DO_DB: 'a,,b',
        });
      } catch (error) {
        problems = (error as ConfigError).problems;
      }
      expect(problems).toEqual([
        '--replicate-do-db (or KBINLOG_REPLICATE_DO_DB): an empty database name (a stray comma?), got "a,,b" from KBINLOG_REPLICATE_DO_DB',
        '--replicate-do-table (or KBINLOG_REPLICATE_DO_TABLE): "orders" has no ".": expected db.tbl, e.g. sales.orders; "sales." has an empty table name: expected db.tbl (replicate-do-db or replicate-wild-do-table=db.% for a whole database), got "orders,sales." from --replicate-do-table',
        '--replicate-wild-do-table (or KBINLOG_REPLICATE_WILD_DO_TABLE): "sales%" has no ".": expected db_pattern.tbl_pattern, e.g. sales%.%, got "sales%" from --replicate-wild-do-table',
        '--replicate-rewrite-db (or KBINLOG_REPLICATE_REWRITE_DB): "prod=>copy" has no "->": expected from_db->to_db, got "prod=>copy" from KBINLOG_REPLICATE_REWRITE_DB',
      ]);
    });

    it('says in --help that each takes a comma-separated list', () => {
      const loaded = loadConfig('kbinlog-replica', spec, ['--help'], {});
      const usage = loaded.kind === 'help' ? loaded.usage : '';
      for (const flag of ['do-db', 'ignore-db', 'do-table', 'ignore-table', 'wild-do-table', 'wild-ignore-table', 'rewrite-db']) {
        expect(usage).toMatch(new RegExp(`--replicate-${flag} <value>  replicate-${flag}: .*a comma-separated list, empty for none \\(env KBINLOG_REPLICATE_${flag.toUpperCase().replace(/-/g, '_')};`));
      }
    });
  });
});
