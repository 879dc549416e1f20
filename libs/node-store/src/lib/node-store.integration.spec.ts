import { type BinlogGroup, binlogTopic, GtidSet } from '@kbinlog/binlog';
import { mariadbUrl, resetNodeDatabases, testInfra } from '@kbinlog/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { aloneAt, type AppliedPosition, readAppliedPosition, setAppliedPosition, writeAppliedPosition } from './applier-position';
import { applyGroup, positionAfter } from './group-applier';
import { bootstrapInnodbMemcache } from './innodb-memcache-bootstrap';
import { type NodeDatabase, openNodeDatabase } from './node-database';
import { ensureNodeSchema, nodeServerUuid } from './node-schema';
import { ApplyError, applyRowEvent } from './row-applier';
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

/** applier_position as it was with lanes, before parallel commits: no batch_first_offset. */
const POSITION_BEFORE_BATCH_OFFSETS: Record<StoreKind, readonly string[]> = {
  mariadb: [
    'CREATE DATABASE kbinlog',
    `CREATE TABLE kbinlog.applier_position (channel VARCHAR(64) NOT NULL, lane SMALLINT UNSIGNED NOT NULL DEFAULT 0, topic VARCHAR(255) NOT NULL,
       next_offset BIGINT UNSIGNED NOT NULL, executed_gtid_set LONGTEXT NOT NULL, last_commit_time_us BIGINT UNSIGNED NOT NULL,
       applied_at_us BIGINT UNSIGNED NOT NULL, PRIMARY KEY (channel, lane)) ENGINE=InnoDB`,
  ],
  sqlite: [
    `CREATE TABLE "kbinlog.applier_position" (channel TEXT NOT NULL, lane INTEGER NOT NULL DEFAULT 0, topic TEXT NOT NULL, next_offset INTEGER NOT NULL,
       executed_gtid_set TEXT NOT NULL, last_commit_time_us INTEGER NOT NULL, applied_at_us INTEGER NOT NULL, PRIMARY KEY (channel, lane))`,
  ],
};

const position = (nextOffset: bigint, gtids: string, lastCommitTimeUs: number): AppliedPosition => ({ topic: TOPIC, nextOffset, executedGtids: GtidSet.parse(gtids), lastCommitTimeUs });

describe.each<StoreKind>(['mariadb', 'sqlite'])('applier position lanes on a real %s', (store) => {
  let fresh: Awaited<ReturnType<typeof openFreshStore>>;
  let database: DataSource;
  const catalog = new TableCatalog();

  beforeAll(async () => {
    fresh = await openFreshStore(store);
    database = fresh.opened.writer;
    for (const statement of POSITION_BEFORE_LANES[store]) await database.query(statement);
    await database.query(
      `INSERT INTO ${fresh.opened.dialect.qualifiedTable('kbinlog', 'applier_position')} VALUES ('default', ?, 7, ?, 1700000000000005, 1700000000000009)`,
      [TOPIC, `${UUID}:1-5`],
    );
    for (const statement of TABLES[store]) await database.query(statement);
  });

  afterAll(async () => {
    await fresh?.close();
  });

  const table = () => fresh.opened.dialect.qualifiedTable('kbinlog', 'applier_position');

  it('migrates a table from before lanes: its row becomes lane 0, a batch of one, and a second run changes nothing', async () => {
    await ensureNodeSchema(database);
    await ensureNodeSchema(database);
    expect(await queryRows(database.manager, `SELECT channel, lane, batch_first_offset, next_offset FROM ${table()}`)).toEqual([
      { channel: 'default', lane: '0', batch_first_offset: '6', next_offset: '7' },
    ]);
    expect(await readAppliedPosition(database.manager, TOPIC)).toEqual(position(7n, `${UUID}:1-5`, 1_700_000_000_000_005));
  });

  /** A group with GTID n inserting `key` into test.demo_test. */
  const insertGroup = (n: number, key: string) => group(n, [{ type: 'insert', schema: 'test', table: 'demo_test', after: { c1: key, c2: 'v', c3: '0', c4: String(n), c5: '0' } }]);

  /** One transaction of a batch as the source commits it: its rows, and its position in its own lane. */
  async function commitMember(before: AppliedPosition, batchFirstOffset: bigint, lane: number, offset: bigint, member: BinlogGroup): Promise<void> {
    await database.transaction(async (manager) => {
      for (const event of member.events) if (event.type !== 'statement') await applyRowEvent(manager, catalog, event, 'STRICT');
      await writeAppliedPosition(manager, positionAfter(before, offset, member), { firstOffset: batchFirstOffset, lane });
    });
  }

  /** The applier's catch-up, as the replication channel runs it: from the position, each group applied or skipped (STRICT). */
  async function catchUp(from: AppliedPosition, log: readonly { offset: bigint; group: BinlogGroup }[], upTo = Infinity): Promise<AppliedPosition> {
    let at = from;
    for (const { offset, group: logged } of log.filter(({ offset }) => offset >= from.nextOffset).slice(0, upTo)) {
      at = await applyGroup(database, catalog, at, offset, logged, 'STRICT');
    }
    return at;
  }

  it('recovers a batch whose later transaction committed and an earlier one did not, with older batches in the other lanes', async () => {
    // An older batch of five at offsets 8..12 (GTIDs 6..10) committed whole: lanes 0..4.
    const older = [6, 7, 8, 9, 10].map((n, lane) => ({ offset: 8n + BigInt(lane), group: insertGroup(n, `old-${lane}`) }));
    const start = await readAppliedPosition(database.manager, TOPIC);
    for (const [lane, member] of older.entries()) await commitMember(start, 8n, lane, member.offset, member.group);
    const afterOlder = await readAppliedPosition(database.manager, TOPIC);
    expect(afterOlder).toEqual(position(13n, `${UUID}:1-10`, 1_700_000_000_000_010));

    // The newest batch of four at offsets 14..17 (GTIDs 11..14): only lanes 1 and 3 committed.
    const newest = [11, 12, 13, 14].map((n, lane) => ({ offset: 14n + BigInt(lane), group: insertGroup(n, `new-${lane}`) }));
    await commitMember(afterOlder, 14n, 3, newest[3].offset, newest[3].group);
    await commitMember(afterOlder, 14n, 1, newest[1].offset, newest[1].group);
    const recovered = await readAppliedPosition(database.manager, TOPIC);
    // Lane 0 still holds the older batch's row: nothing past 13 is known applied but GTIDs 12 and 14.
    expect(recovered).toEqual(position(14n, `${UUID}:1-10:12:14`, 1_700_000_000_000_014));

    // Catching up applies 14 (GTID 11) and skips 15 (GTID 12), each in lane 0, then the node
    // crashes again: lane 0 is no longer the newest batch's, yet its GTIDs must still count.
    const log = [...older, ...newest];
    await catchUp(recovered, log, 2);
    const again = await readAppliedPosition(database.manager, TOPIC);
    // Lane 0 (its group at 15) carries the position to 16, the first group missing.
    expect(again).toEqual(position(16n, `${UUID}:1-12:14`, 1_700_000_000_000_014));

    // The rest: 16 is applied, 17 skipped by its GTID (STRICT: applying its insert again would fail).
    const end = await catchUp(again, log);
    expect(end).toEqual(position(18n, `${UUID}:1-14`, 1_700_000_000_000_014));
    expect(await readAppliedPosition(database.manager, TOPIC)).toEqual(end);
    const keys = await queryRows<{ c1: string }>(database.manager, `SELECT c1 FROM ${fresh.opened.dialect.qualifiedTable('test', 'demo_test')} ORDER BY c1`);
    expect(keys.map(({ c1 }) => c1)).toEqual(['new-0', 'new-1', 'new-2', 'new-3', 'old-0', 'old-1', 'old-2', 'old-3', 'old-4']);
  });

  it('a position set by hand is the whole position: the other lanes go', async () => {
    const before = await readAppliedPosition(database.manager, TOPIC);
    await database.transaction((manager) => setAppliedPosition(manager, { ...before, nextOffset: 9n }));
    expect(await readAppliedPosition(database.manager, TOPIC)).toEqual({ ...before, nextOffset: 9n });
    expect(await queryRows(database.manager, `SELECT lane, batch_first_offset, next_offset FROM ${table()}`)).toEqual([{ lane: '0', batch_first_offset: '9', next_offset: '9' }]);
    // A write of one group after it moves on from there, in lane 0.
    await database.transaction((manager) => writeAppliedPosition(manager, position(21n, `${UUID}:1-15`, 15), aloneAt(20n)));
    expect(await readAppliedPosition(database.manager, TOPIC)).toEqual(position(21n, `${UUID}:1-15`, 15));
  });
});

describe.each<StoreKind>(['mariadb', 'sqlite'])('applier position from before parallel commits on a real %s', (store) => {
  let fresh: Awaited<ReturnType<typeof openFreshStore>>;
  let database: DataSource;

  beforeAll(async () => {
    fresh = await openFreshStore(store);
    database = fresh.opened.writer;
    for (const statement of POSITION_BEFORE_BATCH_OFFSETS[store]) await database.query(statement);
    // Written under the prefix rule: a batch of four at 20..23 crashed after its third commit
    // (lanes 0..2, chained sets), lane 3 holds an older batch's row; channel 'other' was set to 0 by hand.
    const rows: [string, number, number, string, number][] = [
      ['default', 0, 21, `${UUID}:1-11`, 11],
      ['default', 1, 22, `${UUID}:1-12`, 12],
      ['default', 2, 23, `${UUID}:1-13`, 13],
      ['default', 3, 18, `${UUID}:1-10`, 10],
      ['other', 0, 0, '', 0],
    ];
    for (const [channel, lane, next, gtids, time] of rows) {
      await database.query(`INSERT INTO ${fresh.opened.dialect.qualifiedTable('kbinlog', 'applier_position')} VALUES (?, ?, ?, ?, ?, ?, 1)`, [
        channel,
        String(lane),
        TOPIC,
        String(next),
        gtids,
        String(time),
      ]);
    }
  });

  afterAll(async () => {
    await fresh?.close();
  });

  it('gives each row batch_first_offset = next_offset - 1 (a batch of one), so the position is the one the old rule read', async () => {
    if (store === 'mariadb') {
      // A start that crashed halfway through the migration: the column came, its values did not.
      await database.query('ALTER TABLE kbinlog.applier_position ADD COLUMN batch_first_offset BIGINT UNSIGNED NULL AFTER topic');
    }
    await ensureNodeSchema(database);
    await ensureNodeSchema(database);
    const table = fresh.opened.dialect.qualifiedTable('kbinlog', 'applier_position');
    const migrated = await queryRows(database.manager, `SELECT channel, lane, batch_first_offset, next_offset FROM ${table} ORDER BY channel, lane`);
    expect(migrated).toEqual([
      { channel: 'default', lane: '0', batch_first_offset: '20', next_offset: '21' },
      { channel: 'default', lane: '1', batch_first_offset: '21', next_offset: '22' },
      { channel: 'default', lane: '2', batch_first_offset: '22', next_offset: '23' },
      { channel: 'default', lane: '3', batch_first_offset: '17', next_offset: '18' },
      { channel: 'other', lane: '0', batch_first_offset: '0', next_offset: '0' },
    ]);
    expect(await readAppliedPosition(database.manager, TOPIC)).toEqual(position(23n, `${UUID}:1-13`, 13));
    expect(await readAppliedPosition(database.manager, TOPIC, 'other')).toEqual(position(0n, '', 0));
    if (store === 'mariadb') {
      const [column] = await queryRows(database.manager, "SELECT IS_NULLABLE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'kbinlog' AND TABLE_NAME = 'applier_position' AND COLUMN_NAME = 'batch_first_offset'");
      expect(column).toEqual({ IS_NULLABLE: 'NO' });
    }
  });
});
