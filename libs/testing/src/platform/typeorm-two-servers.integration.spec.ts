/**
 * Every kbinlog node owns its own database server, and a process may hold connections to
 * several (the coordinator's checks, end-to-end comparisons). TypeORM must keep them apart.
 */
import { Column, DataSource, Entity, PrimaryColumn } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../lib/mariadb';
import { testInfra } from '../lib/start-test-infra';

@Entity({ name: 'demo_test' })
class DemoRow {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  c1!: string;

  @Column({ type: 'varchar', length: 1024 })
  c2!: string;
}

describe('TypeORM connected to two MariaDB servers at once', () => {
  const infra = testInfra();
  const databases: TestDatabase[] = [];
  const sources: DataSource[] = [];

  beforeAll(async () => {
    expect(infra.mariadb.length).toBeGreaterThanOrEqual(2);
    for (const server of infra.mariadb.slice(0, 2)) {
      const database = await createTestDatabase(server, 'typeorm');
      databases.push(database);
      const source = new DataSource({
        type: 'mariadb',
        host: server.host,
        port: server.port,
        username: server.user,
        password: server.password,
        database: database.database,
        entities: [DemoRow],
        synchronize: true,
      });
      sources.push(await source.initialize());
    }
  });

  afterAll(async () => {
    await Promise.all(sources.map((source) => source.destroy()));
    await Promise.all(databases.map((database) => database.drop()));
  });

  it('talks to two distinct servers', async () => {
    const identities = await Promise.all(
      sources.map(async (source) => (await source.query('SELECT @@port AS port, @@server_id AS serverId'))[0]),
    );
    expect(identities[0].port).not.toBe(identities[1].port);
    expect(identities.map((identity) => Number(identity.port))).toEqual(infra.mariadb.slice(0, 2).map((server) => server.port));
  });

  it('writes through one connection are seen only on that server', async () => {
    const [first, second] = sources;
    await first.getRepository(DemoRow).save({ c1: 'AA', c2: 'on the first server' });
    await second.getRepository(DemoRow).save({ c1: 'BB', c2: 'on the second server' });

    expect(await first.getRepository(DemoRow).find({ order: { c1: 'ASC' } })).toEqual([{ c1: 'AA', c2: 'on the first server' }]);
    expect(await second.getRepository(DemoRow).find({ order: { c1: 'ASC' } })).toEqual([{ c1: 'BB', c2: 'on the second server' }]);
  });

  it('rolls back a transaction on one server without touching the other', async () => {
    const [first, second] = sources;
    await expect(
      first.transaction(async (manager) => {
        await manager.getRepository(DemoRow).save({ c1: 'CC', c2: 'never committed' });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    await second.getRepository(DemoRow).save({ c1: 'CC', c2: 'committed here' });

    expect(await first.getRepository(DemoRow).findOneBy({ c1: 'CC' })).toBeNull();
    expect(await second.getRepository(DemoRow).findOneBy({ c1: 'CC' })).toEqual({ c1: 'CC', c2: 'committed here' });
  });
});
