import { openSqlConnection, resetNodeDatabases, testInfra, type TestSqlConnection } from '@kbinlog/testing';
import { CaptureTriggers } from './capture-triggers';
import { openSessionCapture, takeSessionCapture } from './row-capture';

const server = testInfra().mariadb[0];
const SCHEMA = 'session_capture';

/** Connections at MariaDB's default REPEATABLE READ, as the MySQL port's sessions run. */
describe("SQL sessions' captures on a real MariaDB", () => {
  const open: TestSqlConnection[] = [];

  /** Two connections, the second with the larger id (its capture rows sort after the first's); as sessions, each with its own capture table. */
  async function twoConnections(asSessions: boolean): Promise<[TestSqlConnection, TestSqlConnection]> {
    const pair: TestSqlConnection[] = [];
    for (let n = 0; n < 2; n++) {
      const connection = await openSqlConnection(server);
      open.push(connection);
      await connection.query('SET SESSION innodb_lock_wait_timeout = 1');
      if (asSessions) await openSessionCapture(connection);
      pair.push(connection);
    }
    return pair as [TestSqlConnection, TestSqlConnection];
  }

  const take = takeSessionCapture;
  const shared = async (connection: TestSqlConnection) => (await connection.rows<{ rows: string }>(`SELECT COUNT(*) AS \`rows\` FROM ${SCHEMA}.shared_capture`))[0].rows;

  beforeAll(async () => {
    await resetNodeDatabases(server);
    const setup = await openSqlConnection(server);
    try {
      await setup.query(`DROP DATABASE IF EXISTS ${SCHEMA}`);
      await setup.query(`CREATE DATABASE ${SCHEMA}`);
      await setup.query('CREATE DATABASE IF NOT EXISTS kbinlog');
      await setup.query(`CREATE TABLE ${SCHEMA}.items (k VARCHAR(32) PRIMARY KEY, v VARCHAR(64))`);
      await new CaptureTriggers().installAll(setup);
      // What the shared capture table holds, seen through a view: a session's own table shadows the name, not a view of it.
      await setup.query(`CREATE VIEW ${SCHEMA}.shared_capture AS SELECT * FROM kbinlog.row_capture`);
    } finally {
      await setup.close();
    }
  });

  afterEach(async () => {
    for (const connection of open.splice(0)) await connection.close();
    const cleanup = await openSqlConnection(server);
    await cleanup.query(`DELETE FROM ${SCHEMA}.items`);
    await cleanup.query('DELETE FROM kbinlog.row_capture');
    await cleanup.close();
  });

  it("takes one session's capture without holding up another session's writes until it commits", async () => {
    const [first, second] = await twoConnections(true);
    await first.query('BEGIN');
    await first.query(`INSERT INTO ${SCHEMA}.items VALUES ('a', '1'), ('b', '2')`);
    await first.query(`UPDATE ${SCHEMA}.items SET v = '3' WHERE k = 'a'`);
    const events = await take(first);
    expect(events.map((event) => [event.type, event.type === 'delete' ? event.before['k'] : event.after['k']])).toEqual([
      ['insert', 'a'],
      ['insert', 'b'],
      ['update', 'a'],
    ]);

    // While the first is still open (its group not yet logged), the second writes, takes and commits.
    await second.query('BEGIN');
    await second.query(`INSERT INTO ${SCHEMA}.items VALUES ('c', '4')`);
    expect((await take(second)).map((event) => event.type)).toEqual(['insert']);
    await second.query('COMMIT');
    await first.query('COMMIT');
    expect(await shared(first)).toBe('0');
  });

  it('would hold them up through the shared table: why each session captures into its own', async () => {
    const [first, second] = await twoConnections(false);
    await first.query('BEGIN');
    await first.query(`INSERT INTO ${SCHEMA}.items VALUES ('a', '1')`);
    expect(await take(first)).toHaveLength(1);
    await second.query('BEGIN');
    const blocked = await second.query(`INSERT INTO ${SCHEMA}.items VALUES ('c', '4')`).catch((error: unknown) => error);
    await second.query('ROLLBACK');
    await first.query('ROLLBACK');
    expect((blocked as { errno?: number }).errno).toBe(1205);
  });

  it("keeps a session's capture out of the shared table, and a rollback takes it away", async () => {
    const [session] = await twoConnections(true);
    await session.query('BEGIN');
    expect(await take(session)).toEqual([]);
    await session.query(`INSERT INTO ${SCHEMA}.items VALUES ('a', '1')`);
    expect(await shared(session)).toBe('0');
    await session.query('ROLLBACK');
    await session.query(`INSERT INTO ${SCHEMA}.items VALUES ('b', '2')`);
    await session.query('BEGIN');
    await session.query(`DELETE FROM ${SCHEMA}.items WHERE k = 'b'`);
    // The autocommit insert left its capture behind (no take), the rolled-back one did not.
    expect((await take(session)).map((event) => event.type)).toEqual(['insert', 'delete']);
    await session.query('COMMIT');
    expect(await shared(session)).toBe('0');
  });
});
