/**
 * innodb_memcache.cache_policies, honoured for get, set, delete and flush as the plugin does:
 * innodb_only (the table), cache_only (memory only: nothing reaches the table or the binlog),
 * caching (memory first, then the table), disabled (reads miss, writes are refused).
 */
import {
  MemcachedTestClient,
  queryRows,
  nodeFlags,
  resetNodeDatabases,
  type RunningService,
  sourceStatus,
  startService,
  testInfra,
  uniqueClusterName,
} from '@kbinlog/testing';

const infra = testInfra();
const server = infra.mariadb[0];
const cluster = uniqueClusterName('policy');
const flags = [...nodeFlags(infra, { cluster, server, nodeName: 'source', serverId: 1 }), '--memcached-port', '0', '--mysql-port', '0'];

interface Running {
  readonly source: RunningService;
  readonly client: MemcachedTestClient;
  position(): Promise<string>;
}

/** Policies are read at start, as the plugin reads them when it loads. */
async function startWithPolicy(get: string, set: string, del: string, flush: string): Promise<Running> {
  await queryRows(server, 'UPDATE innodb_memcache.cache_policies SET get_policy = ?, set_policy = ?, delete_policy = ?, flush_policy = ?', [get, set, del, flush]);
  const source = await startService('source', flags);
  const client = await MemcachedTestClient.connect((await sourceStatus(source)).Memcached_Port);
  return { source, client, position: async () => (await sourceStatus(source)).Position };
}

describe('cache policies', () => {
  let running: Running | undefined;

  beforeAll(async () => {
    await resetNodeDatabases(server);
    // A first start creates innodb_memcache and its default policy row.
    const first = await startService('source', flags);
    await first.stop();
  });

  afterEach(async () => {
    running?.client.close();
    await running?.source.stop();
    running = undefined;
  });

  it('cache_only keeps items in memory: the table and the binlog never see them', async () => {
    running = await startWithPolicy('cache_only', 'cache_only', 'cache_only', 'cache_only');
    const before = await running.position();
    expect(await running.client.set('mem', 'only')).toBe('STORED\r\n');
    expect(await running.client.call('get mem\r\n', (reply) => reply.endsWith('END\r\n'))).toBe('VALUE mem 0 4\r\nonly\r\nEND\r\n');
    expect(await queryRows(server, "SELECT * FROM test.demo_test WHERE c1 = 'mem'")).toEqual([]);
    // AA lives in the table only, so a memory-only get misses it.
    expect(await running.client.call('get AA\r\n', (reply) => reply.endsWith('END\r\n'))).toBe('END\r\n');
    expect(await running.client.call('delete mem\r\n')).toBe('DELETED\r\n');
    expect(await running.position()).toBe(before);
  });

  it('caching writes through to the table and answers gets from memory first', async () => {
    running = await startWithPolicy('caching', 'caching', 'caching', 'caching');
    const before = await running.position();
    expect(await running.client.set('both', 'v1')).toBe('STORED\r\n');
    expect(await queryRows(server, "SELECT c2 FROM test.demo_test WHERE c1 = 'both'")).toEqual([{ c2: 'v1' }]);
    expect(BigInt(await running.position())).toBeGreaterThan(BigInt(before));
    // Changed behind the plugin's back, the table differs; memory answers first.
    await queryRows(server, "UPDATE test.demo_test SET c2 = 'changed in SQL' WHERE c1 = 'both'");
    expect(await running.client.call('get both\r\n', (reply) => reply.endsWith('END\r\n'))).toBe('VALUE both 0 2\r\nv1\r\nEND\r\n');
    // A key only the table has is found there.
    expect(await running.client.call('get AA\r\n', (reply) => reply.endsWith('END\r\n'))).toBe('VALUE AA 8 12\r\nHELLO, HELLO\r\nEND\r\n');
    expect(await running.client.call('flush_all\r\n')).toBe('OK\r\n');
    expect(await queryRows(server, 'SELECT * FROM test.demo_test')).toEqual([]);
    expect(await running.client.call('get both\r\n', (reply) => reply.endsWith('END\r\n'))).toBe('END\r\n');
  });

  it('disabled: gets miss, writes, deletes and flushes are refused and change nothing', async () => {
    await queryRows(server, "INSERT IGNORE INTO test.demo_test (c1, c2, c3, c4, c5) VALUES ('kept', 'x', 0, 0, 0)");
    running = await startWithPolicy('disabled', 'disabled', 'disabled', 'disabled');
    const before = await running.position();
    expect(await running.client.call('get kept\r\n', (reply) => reply.endsWith('END\r\n'))).toBe('END\r\n');
    expect(await running.client.set('kept', 'y')).toMatch(/^SERVER_ERROR set is disabled by innodb_memcache.cache_policies\r\n$/);
    expect(await running.client.call('delete kept\r\n')).toMatch(/^SERVER_ERROR delete is disabled/);
    expect(await running.client.call('flush_all\r\n')).toMatch(/^SERVER_ERROR flush_all is disabled/);
    expect(await queryRows(server, "SELECT c2 FROM test.demo_test WHERE c1 = 'kept'")).toEqual([{ c2: 'x' }]);
    expect(await running.position()).toBe(before);
  });

  it('innodb_only (the default) reads and writes the table alone', async () => {
    running = await startWithPolicy('innodb_only', 'innodb_only', 'innodb_only', 'innodb_only');
    expect(await running.client.set('tbl', 'row')).toBe('STORED\r\n');
    await queryRows(server, "UPDATE test.demo_test SET c2 = 'from SQL' WHERE c1 = 'tbl'");
    expect(await running.client.call('get tbl\r\n', (reply) => reply.endsWith('END\r\n'))).toBe('VALUE tbl 0 8\r\nfrom SQL\r\nEND\r\n');
  });
});
