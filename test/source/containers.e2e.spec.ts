/**
 * innodb_memcache.containers beyond the demo: a container with several value columns joined by
 * the separator, reached with @@name and replicated column by column; and a source that refuses
 * to start on an invalid container, naming it, as the plugin refuses to load.
 */
import {
  appEntryPoint,
  MemcachedTestClient,
  nodeFlags,
  queryRows,
  resetNodeDatabases,
  startService,
  tableByKey,
  testInfra,
  sourceStatus,
  uniqueClusterName,
  waitUntilReplicated,
} from '@kbinlog/testing';
import { CONFIG_BOOTSTRAP } from '@kbinlog/innodb-memcache';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const infra = testInfra();
const [sourceServer, replicaServer] = infra.mariadb;

/** The container's table must exist on every node before it starts: DDL does not replicate yet. */
async function prepare(server: typeof sourceServer, containers: string[]): Promise<void> {
  await resetNodeDatabases(server);
  for (const statement of CONFIG_BOOTSTRAP) await queryRows(server, statement.sql);
  await queryRows(server, 'CREATE TABLE test.profile (id VARCHAR(64) NOT NULL PRIMARY KEY, name VARCHAR(100), city VARCHAR(100), fl INT, cas BIGINT UNSIGNED, exp INT) ENGINE=InnoDB');
  for (const row of containers) await queryRows(server, row);
}

const PROFILE = "INSERT INTO innodb_memcache.containers VALUES ('profile', 'test', 'profile', 'id', 'name,city', 'fl', 'cas', 'exp', 'PRIMARY')";

describe('containers', () => {
  it('maps a value onto several columns with the separator, and replicates the row', async () => {
    const cluster = uniqueClusterName('multi');
    await Promise.all([prepare(sourceServer, [PROFILE]), prepare(replicaServer, [PROFILE])]);
    const source = await startService('source', [...nodeFlags(infra, { cluster, server: sourceServer, nodeName: 'source', serverId: 1 }), '--memcached-port', '0', '--mysql-port', '0']);
    const replica = await startService('replica', nodeFlags(infra, { cluster, server: replicaServer, nodeName: 'replica-1', serverId: 2 }));
    try {
      const client = await MemcachedTestClient.connect((await sourceStatus(source)).Memcached_Port);
      expect(await client.set('@@profile.u1', 'Ada|London', 3)).toBe('STORED\r\n');
      // The switch holds for the connection: plain keys now go to the profile container.
      expect(await client.call('get u1\r\n', (reply) => reply.endsWith('END\r\n'))).toBe('VALUE u1 3 10\r\nAda|London\r\nEND\r\n');
      // append with flags 1 appends to the second value column [plugin rule].
      expect(await client.call('append u1 1 0 4\r\n-Eas\r\n')).toBe('STORED\r\n');
      expect((await client.gets('u1')).get('u1')?.value).toBe('Ada|London-Eas');
      client.close();

      await waitUntilReplicated(source, replica);
      const expected = { id: 'u1', name: 'Ada', city: 'London-Eas', fl: '3', exp: '0' };
      expect((await tableByKey(sourceServer, 'test.profile', 'id')).get('u1')).toMatchObject(expected);
      expect(await tableByKey(replicaServer, 'test.profile', 'id')).toEqual(await tableByKey(sourceServer, 'test.profile', 'id'));
    } finally {
      await Promise.all([source.stop(), replica.stop()]);
    }
  });

  it('refuses to start on an invalid container, naming it and the problem', async () => {
    const broken = "INSERT INTO innodb_memcache.containers VALUES ('broken', 'test', 'no_such_table', 'id', 'v', '0', '0', '0', 'PRIMARY')";
    await prepare(sourceServer, [broken]);
    const flags = [...nodeFlags(infra, { cluster: uniqueClusterName('broken'), server: sourceServer, nodeName: 'source', serverId: 1 }), '--memcached-port', '0', '--mysql-port', '0', '--http-port', '0'];
    const failure = await execFileAsync(process.execPath, [appEntryPoint('source'), ...flags], { timeout: 60_000 }).catch(
      (error: { code: number; stdout: string }) => error,
    );
    expect(failure).toMatchObject({ code: 1 });
    const entries = (failure as { stdout: string }).stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { event?: string; err?: { message: string; problems: string[] } });
    const failed = entries.find((entry) => entry.event === 'service.start_failed');
    expect(failed?.err?.message).toMatch(/^innodb_memcache configuration refused/);
    expect(failed?.err?.problems).toEqual(['container "broken" (test.no_such_table): table test.no_such_table does not exist']);
  });
});
