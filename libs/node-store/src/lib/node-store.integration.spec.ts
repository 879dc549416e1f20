import { type BinlogGroup, binlogTopic, GtidSet } from '@kbinlog/binlog';
import { mariadbUrl, resetNodeDatabases, testInfra } from '@kbinlog/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { readAppliedPosition, writeAppliedPosition } from './applier-position';
import { applyGroup } from './group-applier';
import { bootstrapInnodbMemcache } from './innodb-memcache-bootstrap';
import { type NodeDatabase, openNodeDatabase } from './node-database';
import { ensureNodeSchema, nodeServerUuid } from './node-schema';
import { ApplyError } from './row-applier';
import { queryRows, type StoreKind } from './sql-dialect';
import { TableCatalog } from './table-catalog';

/** A node database of each kind with nothing of kbinlog's in it: the run's first MariaDB reset, or a new SQLite file. */
async function openFreshStore(store: StoreKind): Promise<{ opened: NodeDatabase; close(): Promise<void> }> {
  if (store === 'mariadb') {
    const server = testInfra().mariadb[0];
    await resetNodeDatabases(server);
    const opened = await openNodeDatabase(mariadbUrl(server));
    return { opened, close: () => opened.close() };
  }
  const directory = mkdtempSync(join(tmpdir(), 'kbinlog-node-store-'));
  const opened = await openNodeDatabase(`sqlite://${join(directory, 'node.db')}`);
  return {
    opened,
    close: async () => {
      await opened.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

const UUID = '3e11fa47-71ca-11e1-9e33-c80aa9429562';
const TOPIC = binlogTopic('nodestore');

function group(n: number, events: BinlogGroup['events']): BinlogGroup {
  return { gtid: `${UUID}:${n}`, serverId: 1, commitTimeUs: 1_700_000_000_000_000 + n, events };
}

/** The same tables in each store's own DDL. */
const TABLES: Record<StoreKind, readonly string[]> = {
  mariadb: [
    'CREATE DATABASE test',
    'CREATE TABLE test.demo_test (c1 VARCHAR(32) NOT NULL PRIMARY KEY, c2 VARCHAR(1024), c3 INT, c4 BIGINT UNSIGNED, c5 INT)',
    'CREATE TABLE test.keyless (a INT, b VARCHAR(10))',
  ],
  sqlite: [
    'CREATE TABLE "test.demo_test" (c1 VARCHAR(32) NOT NULL PRIMARY KEY, c2 VARCHAR(1024), c3 INT, c4 BIGINT UNSIGNED, c5 INT)',
    'CREATE TABLE "test.keyless" (a INT, b VARCHAR(10))',
  ],
};

/** The largest cas each store holds: MySQL's BIGINT UNSIGNED, SQLite's signed 64-bit integer. */
const MAX_CAS: Record<StoreKind, string> = { mariadb: '18446744073709551615', sqlite: '9223372036854775807' };

describe.each<StoreKind>(['mariadb', 'sqlite'])('node-store on a real %s', (store) => {
  let fresh: Awaited<ReturnType<typeof openFreshStore>>;
  let opened: NodeDatabase;
  let database: DataSource;
  const catalog = new TableCatalog();

  beforeAll(async () => {
    fresh = await openFreshStore(store);
    opened = fresh.opened;
    database = opened.writer;
    await ensureNodeSchema(database);
    for (const statement of TABLES[store]) await database.query(statement);
  });

  afterAll(async () => {
    await fresh?.close();
  });

  async function rows(table = 'demo_test') {
    return queryRows(database.manager, `SELECT * FROM ${opened.dialect.qualifiedTable('test', table)} ORDER BY 1`);
  }

  it('keeps a server_uuid across calls, created once', async () => {
    const first = await nodeServerUuid(database);
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(await nodeServerUuid(database)).toBe(first);
  });

  it('applies row groups with the position in the same transaction, values in text form', async () => {
    let position = await readAppliedPosition(database.manager, TOPIC);
    expect(position.nextOffset).toBe(0n);
    position = await applyGroup(database, catalog, position, 4n, group(1, [
      { type: 'insert', schema: 'test', table: 'demo_test', after: { c1: 'AA', c2: 'HELLO, HELLO', c3: '8', c4: MAX_CAS[store], c5: '0' } },
      { type: 'insert', schema: 'test', table: 'demo_test', after: { c1: 'BB', c2: null, c3: '1', c4: '1', c5: '0' } },
    ]), 'STRICT');
    position = await applyGroup(database, catalog, position, 6n, group(2, [
      { type: 'update', schema: 'test', table: 'demo_test', before: { c1: 'AA', c2: 'HELLO, HELLO', c3: '8', c4: MAX_CAS[store], c5: '0' }, after: { c1: 'AA', c2: 'changed', c3: '8', c4: '2', c5: '0' } },
      { type: 'delete', schema: 'test', table: 'demo_test', before: { c1: 'BB', c2: null, c3: '1', c4: '1', c5: '0' } },
    ]), 'STRICT');

    expect(await rows()).toEqual([{ c1: 'AA', c2: 'changed', c3: '8', c4: '2', c5: '0' }]);
    const stored = await readAppliedPosition(database.manager, TOPIC);
    expect(stored.nextOffset).toBe(7n);
    expect(stored.executedGtids.toString()).toBe(`${UUID}:1-2`);
    expect(stored.lastCommitTimeUs).toBe(1_700_000_000_000_002);
  });

  it('STRICT: a missing row stops with error 1032 and nothing of the group is applied', async () => {
    const before = await readAppliedPosition(database.manager, TOPIC);
    const failing = group(3, [
      { type: 'insert', schema: 'test', table: 'demo_test', after: { c1: 'CC', c2: 'x', c3: '0', c4: '3', c5: '0' } },
      { type: 'delete', schema: 'test', table: 'demo_test', before: { c1: 'nope', c2: null, c3: '0', c4: '0', c5: '0' } },
    ]);
    const error = await applyGroup(database, catalog, before, 9n, failing, 'STRICT').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApplyError);
    expect((error as ApplyError).errno).toBe(1032);
    expect((error as Error).message).toBe(
      "Could not execute Delete_rows event on table test.demo_test; Can't find record in 'demo_test', Error_code: 1032",
    );
    expect(await rows()).toEqual([{ c1: 'AA', c2: 'changed', c3: '8', c4: '2', c5: '0' }]);
    expect((await readAppliedPosition(database.manager, TOPIC)).nextOffset).toBe(before.nextOffset);

    const after = await applyGroup(database, catalog, before, 9n, failing, 'IDEMPOTENT');
    expect(after.nextOffset).toBe(10n);
    expect((await rows()).map((row) => row['c1'])).toEqual(['AA', 'CC']);
  });

  it('STRICT: a duplicate key stops with error 1062; IDEMPOTENT overwrites', async () => {
    const position = await readAppliedPosition(database.manager, TOPIC);
    const duplicate = group(4, [{ type: 'insert', schema: 'test', table: 'demo_test', after: { c1: 'AA', c2: 'dup', c3: '0', c4: '9', c5: '0' } }]);
    await expect(applyGroup(database, catalog, position, 12n, duplicate, 'STRICT')).rejects.toThrow(/Write_rows event on table test.demo_test; Duplicate entry 'AA'.*Error_code: 1062/);
    await applyGroup(database, catalog, position, 12n, duplicate, 'IDEMPOTENT');
    expect((await rows())[0]).toEqual({ c1: 'AA', c2: 'dup', c3: '0', c4: '9', c5: '0' });
  });

  it('skips a group whose GTID was already executed, still advancing the position', async () => {
    const position = await readAppliedPosition(database.manager, TOPIC);
    const replayed = group(1, [{ type: 'insert', schema: 'test', table: 'demo_test', after: { c1: 'ZZ', c2: 'must not appear', c3: '0', c4: '0', c5: '0' } }]);
    const next = await applyGroup(database, catalog, position, 20n, replayed, 'STRICT');
    expect(next.nextOffset).toBe(21n);
    expect((await rows()).map((row) => row['c1'])).not.toContain('ZZ');
  });

  it('identifies rows of a keyless table by the whole before image, NULLs included', async () => {
    const position = await readAppliedPosition(database.manager, TOPIC);
    await applyGroup(database, catalog, position, 30n, group(10, [
      { type: 'insert', schema: 'test', table: 'keyless', after: { a: '1', b: null } },
      { type: 'insert', schema: 'test', table: 'keyless', after: { a: '1', b: 'x' } },
      { type: 'delete', schema: 'test', table: 'keyless', before: { a: '1', b: null } },
    ]), 'STRICT');
    expect(await rows('keyless')).toEqual([{ a: '1', b: 'x' }]);
  });

  it('applies a TRUNCATE statement event', async () => {
    const position = await readAppliedPosition(database.manager, TOPIC);
    await applyGroup(database, catalog, position, 40n, group(11, [{ type: 'statement', schema: 'test', sql: 'TRUNCATE TABLE `test`.`demo_test`' }]), 'STRICT');
    expect(await rows()).toEqual([]);
    expect((await readAppliedPosition(database.manager, TOPIC)).executedGtids.toString()).toBe(`${UUID}:1-4:10-11`);
  });

  it('refuses a value longer than its column (1406) and an integer its column cannot hold (1264), applying nothing', async () => {
    const position = await readAppliedPosition(database.manager, TOPIC);
    const tooLong = group(20, [{ type: 'insert', schema: 'test', table: 'demo_test', after: { c1: 'LONG', c2: 'x'.repeat(1025), c3: '0', c4: '1', c5: '0' } }]);
    await expect(applyGroup(database, catalog, position, 50n, tooLong, 'STRICT')).rejects.toThrow(
      "Could not execute Write_rows event on table test.demo_test; Data too long for column 'c2' at row 1, Error_code: 1406",
    );
    const tooBig = group(21, [{ type: 'insert', schema: 'test', table: 'demo_test', after: { c1: 'BIG', c2: 'x', c3: '0', c4: '18446744073709551616', c5: '0' } }]);
    await expect(applyGroup(database, catalog, position, 51n, tooBig, 'STRICT')).rejects.toThrow(
      "Could not execute Write_rows event on table test.demo_test; Out of range value for column 'c4' at row 1, Error_code: 1264",
    );
    expect((await rows()).map((row) => row['c1'])).not.toEqual(expect.arrayContaining(['LONG']));
    expect((await readAppliedPosition(database.manager, TOPIC)).nextOffset).toBe(position.nextOffset);
  });

  it('reads through the reader see committed rows only', async () => {
    const runner = database.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    const table = opened.dialect.qualifiedTable('test', 'keyless');
    try {
      await runner.query(`INSERT INTO ${table} (a, b) VALUES (?, ?)`, ['77', 'open']);
      const visible = async () => (await queryRows(opened.reader.manager, `SELECT b FROM ${table} WHERE a = 77`)).length;
      expect(await visible()).toBe(0);
      await runner.commitTransaction();
      expect(await visible()).toBe(1);
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
  });

  it('refuses a database that applied another cluster', async () => {
    await expect(readAppliedPosition(database.manager, binlogTopic('other'))).rejects.toThrow(/applied kbinlog.nodestore.binlog, not kbinlog.other.binlog/);
    expect(GtidSet.EMPTY.isEmpty()).toBe(true);
  });
});

describe.each<StoreKind>(['mariadb', 'sqlite'])('innodb_memcache bootstrap on a real %s', (store) => {
  let fresh: Awaited<ReturnType<typeof openFreshStore>>;
  let opened: NodeDatabase;

  beforeAll(async () => {
    fresh = await openFreshStore(store);
    opened = fresh.opened;
  });

  afterAll(async () => {
    await fresh?.close();
  });

  it('creates the tables and seeds the demo row once, in MySQL text form', async () => {
    expect(await bootstrapInnodbMemcache(opened.writer)).toEqual({ demoTableCreated: true });
    const demo = opened.dialect.qualifiedTable('test', 'demo_test');
    expect(await queryRows(opened.reader.manager, `SELECT * FROM ${demo}`)).toEqual([{ c1: 'AA', c2: 'HELLO, HELLO', c3: '8', c4: '0', c5: '0' }]);
    await opened.writer.query(`DELETE FROM ${demo}`);
    expect(await bootstrapInnodbMemcache(opened.writer)).toEqual({ demoTableCreated: false });
    expect(await queryRows(opened.reader.manager, `SELECT * FROM ${demo}`)).toEqual([]);
    const containers = await queryRows(opened.reader.manager, `SELECT * FROM ${opened.dialect.qualifiedTable('innodb_memcache', 'containers')}`);
    expect(containers).toEqual([
      { name: 'aaa', db_schema: 'test', db_table: 'demo_test', key_columns: 'c1', value_columns: 'c2', flags: 'c3', cas_column: 'c4', expire_time_column: 'c5', unique_idx_name_on_key: 'PRIMARY' },
    ]);
  });

  it('describes test.demo_test as information_schema does', async () => {
    const metadata = await opened.dialect.tableMetadata(opened.reader.manager, 'test', 'demo_test');
    expect(metadata?.columns.map((column) => [column.COLUMN_NAME, column.DATA_TYPE, column.IS_NULLABLE, column.CHARACTER_MAXIMUM_LENGTH === null ? null : Number(column.CHARACTER_MAXIMUM_LENGTH)])).toEqual([
      ['c1', 'varchar', 'NO', 32],
      ['c2', 'varchar', 'YES', 1024],
      ['c3', 'int', 'YES', null],
      ['c4', 'bigint', 'YES', null],
      ['c5', 'int', 'YES', null],
    ]);
    expect(metadata?.columns[3].COLUMN_TYPE).toMatch(/^bigint(\(20\))? unsigned$/);
    expect(metadata?.statistics.map((row) => [row.INDEX_NAME, Number(row.NON_UNIQUE), row.COLUMN_NAME])).toEqual([['PRIMARY', 0, 'c1']]);
    expect(await opened.dialect.tableMetadata(opened.reader.manager, 'test', 'missing')).toBeNull();
  });
});

describe('statement events on a real mariadb', () => {
  let opened: NodeDatabase;
  const catalog = new TableCatalog();
  const statement = (n: number, sql: string) => group(n, [{ type: 'statement', schema: 'test', sql, tables: [{ schema: 'test', table: 'made' }] }]);

  beforeAll(async () => {
    const server = testInfra().mariadb[0];
    await resetNodeDatabases(server);
    opened = await openNodeDatabase(mariadbUrl(server));
    await ensureNodeSchema(opened.writer);
    await opened.writer.query('CREATE DATABASE test');
  });

  afterAll(async () => {
    await opened?.close();
  });

  it('runs DDL with its schema as the default database, and clears the in-flight mark with the position', async () => {
    const position = await readAppliedPosition(opened.writer.manager, TOPIC);
    await applyGroup(opened.writer, catalog, position, 0n, statement(1, 'CREATE TABLE made (id INT PRIMARY KEY)'), 'STRICT');
    expect(await queryRows(opened.writer.manager, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'test'")).toEqual([{ TABLE_NAME: 'made' }]);
    expect(await queryRows(opened.writer.manager, 'SELECT gtid FROM kbinlog.statement_in_flight')).toEqual([{ gtid: null }]);
  });

  it('a re-run after a crash between the statement and its position finds the work done and goes on', async () => {
    const position = await readAppliedPosition(opened.writer.manager, TOPIC);
    const again = statement(2, 'CREATE TABLE made (id INT PRIMARY KEY)');
    // Not in flight: the table already existing is a real error.
    await expect(applyGroup(opened.writer, catalog, position, 2n, again, 'STRICT')).rejects.toThrow(/Table 'made' already exists/);
    // In flight (the crash left the mark): the same error means the first run completed.
    await opened.writer.query("UPDATE kbinlog.statement_in_flight SET gtid = ?", [again.gtid]);
    const next = await applyGroup(opened.writer, catalog, position, 2n, again, 'STRICT');
    expect(next.executedGtids.toString()).toBe(`${UUID}:1-2`);
    expect(await queryRows(opened.writer.manager, 'SELECT gtid FROM kbinlog.statement_in_flight')).toEqual([{ gtid: null }]);
  });
});

/** applier_position as it was before lanes: one row per channel. */
const POSITION_BEFORE_LANES: Record<StoreKind, readonly string[]> = {
  mariadb: [
    'CREATE DATABASE kbinlog',
    `CREATE TABLE kbinlog.applier_position (channel VARCHAR(64) NOT NULL PRIMARY KEY, topic VARCHAR(255) NOT NULL, next_offset BIGINT UNSIGNED NOT NULL,
       executed_gtid_set LONGTEXT NOT NULL, last_commit_time_us BIGINT UNSIGNED NOT NULL, applied_at_us BIGINT UNSIGNED NOT NULL) ENGINE=InnoDB`,
  ],
  sqlite: [
    `CREATE TABLE "kbinlog.applier_position" (channel TEXT NOT NULL PRIMARY KEY, topic TEXT NOT NULL, next_offset INTEGER NOT NULL,
       executed_gtid_set TEXT NOT NULL, last_commit_time_us INTEGER NOT NULL, applied_at_us INTEGER NOT NULL)`,
  ],
};

describe.each<StoreKind>(['mariadb', 'sqlite'])('applier position lanes on a real %s', (store) => {
  let fresh: Awaited<ReturnType<typeof openFreshStore>>;
  let database: DataSource;

  beforeAll(async () => {
    fresh = await openFreshStore(store);
    database = fresh.opened.writer;
    for (const statement of POSITION_BEFORE_LANES[store]) await database.query(statement);
    await database.query(
      `INSERT INTO ${fresh.opened.dialect.qualifiedTable('kbinlog', 'applier_position')} VALUES ('default', ?, 7, ?, 1700000000000005, 1700000000000009)`,
      [TOPIC, `${UUID}:1-5`],
    );
  });

  afterAll(async () => {
    await fresh?.close();
  });

  const position = (nextOffset: bigint, gtids: string, lastCommitTimeUs: number) => ({ topic: TOPIC, nextOffset, executedGtids: GtidSet.parse(gtids), lastCommitTimeUs });

  it('migrates a table from before lanes: its row becomes lane 0, and a second run changes nothing', async () => {
    await ensureNodeSchema(database);
    await ensureNodeSchema(database);
    const table = fresh.opened.dialect.qualifiedTable('kbinlog', 'applier_position');
    expect(await queryRows(database.manager, `SELECT channel, lane, next_offset FROM ${table}`)).toEqual([{ channel: 'default', lane: '0', next_offset: '7' }]);
    expect(await readAppliedPosition(database.manager, TOPIC)).toEqual(position(7n, `${UUID}:1-5`, 1_700_000_000_000_005));
  });

  it('reads the lane with the greatest next offset: the end of the committed prefix of a batch', async () => {
    // A batch of three after offset 7 that crashed after its second commit: lanes 0 and 1 are
    // this batch's, lane 2 still holds an older batch's position.
    await database.transaction((manager) => writeAppliedPosition(manager, position(5n, `${UUID}:1-4`, 4), 2));
    await database.transaction((manager) => writeAppliedPosition(manager, position(9n, `${UUID}:1-6`, 6), 0));
    await database.transaction((manager) => writeAppliedPosition(manager, position(10n, `${UUID}:1-7`, 7), 1));
    expect(await readAppliedPosition(database.manager, TOPIC)).toEqual(position(10n, `${UUID}:1-7`, 7));
    // A later lane-0 write (the next batch, or a replica's applier) moves past every lane.
    await database.transaction((manager) => writeAppliedPosition(manager, position(12n, `${UUID}:1-8`, 8)));
    expect(await readAppliedPosition(database.manager, TOPIC)).toEqual(position(12n, `${UUID}:1-8`, 8));
  });
});
