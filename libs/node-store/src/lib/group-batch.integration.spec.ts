import { type BinlogEvent, type BinlogGroup, binlogTopic } from '@kbinlog/binlog';
import { mariadbUrl, resetNodeDatabases, testInfra } from '@kbinlog/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { type AppliedPosition, readAppliedPosition } from './applier-position';
import { applyGroups, type FetchedGroup, isRowGroup } from './group-applier';
import { type NodeDatabase, openNodeDatabase } from './node-database';
import { ensureNodeSchema } from './node-schema';
import { ApplyError, INSERT_RUN_MAX_ROWS, UPDATE_RUN_MAX_ROWS } from './row-applier';
import { queryRows, type StoreKind } from './sql-dialect';
import { TableCatalog } from './table-catalog';

const UUID = '7b0c2d4e-8f1a-4b3c-9d5e-6f7a8b9c0d1e';
const TOPIC = binlogTopic('nodestore-batch');

const insert = (id: string, v: string | null = 'x'): BinlogEvent => ({ type: 'insert', schema: 'test', table: 'kv', after: { id, v } });
const update = (id: string, from: string, to: string): BinlogEvent => ({ type: 'update', schema: 'test', table: 'kv', before: { id, v: from }, after: { id, v: to } });
const remove = (id: string, v: string): BinlogEvent => ({ type: 'delete', schema: 'test', table: 'kv', before: { id, v } });

describe.each<StoreKind>(['mariadb', 'sqlite'])('applyGroups (many groups, one transaction) on a real %s', (store) => {
  let opened: NodeDatabase;
  let database: DataSource;
  let directory: string | undefined;
  let catalog: TableCatalog;
  let position: AppliedPosition;
  let transaction = 0;
  let offset = 0n;

  /** The next groups of the log, at offsets two apart (a commit marker after each). */
  function batchOf(...groups: (readonly BinlogEvent[])[]): FetchedGroup[] {
    return groups.map((events) => {
      transaction += 1;
      offset += 2n;
      const group: BinlogGroup = { gtid: `${UUID}:${transaction}`, serverId: 1, commitTimeUs: 1_700_000_000_000_000 + transaction, events };
      return { offset, group };
    });
  }

  const table = () => opened.dialect.qualifiedTable('test', 'kv');
  const rows = async () => queryRows(database.manager, `SELECT id, v FROM ${table()} ORDER BY id`);

  beforeAll(async () => {
    if (store === 'mariadb') {
      const server = testInfra().mariadb[0];
      await resetNodeDatabases(server);
      opened = await openNodeDatabase(mariadbUrl(server));
    } else {
      directory = mkdtempSync(join(tmpdir(), 'kbinlog-batch-'));
      opened = await openNodeDatabase(`sqlite://${join(directory, 'node.db')}`);
    }
    database = opened.writer;
    await ensureNodeSchema(database);
    if (store === 'mariadb') await database.query('CREATE DATABASE test');
    await database.query(`CREATE TABLE ${table()} (id VARCHAR(16) NOT NULL PRIMARY KEY, v VARCHAR(8))`);
  });

  beforeEach(async () => {
    await database.query(`DELETE FROM ${table()}`);
    catalog = new TableCatalog();
    position = await readAppliedPosition(database.manager, TOPIC);
  });

  afterAll(async () => {
    await opened?.close();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it('applies the groups in log order with the position after the last', async () => {
    const batch = batchOf([insert('a'), insert('b')], [insert('c')], [update('a', 'x', 'a2'), remove('b', 'x')], [], [insert('d', null)]);
    const next = await applyGroups(database, catalog, position, batch, 'STRICT');

    expect(await rows()).toEqual([
      { id: 'a', v: 'a2' },
      { id: 'c', v: 'x' },
      { id: 'd', v: null },
    ]);
    const last = batch[batch.length - 1];
    expect(next.nextOffset).toBe(last.offset + 1n);
    expect(await readAppliedPosition(database.manager, TOPIC)).toEqual(next);
    expect(next.executedGtids.toString()).toBe(`${UUID}:1-${transaction}`);
    expect(next.lastCommitTimeUs).toBe(last.group.commitTimeUs);
  });

  it('a failing group rolls back the whole batch, the position included', async () => {
    await applyGroups(database, catalog, position, batchOf([insert('a')]), 'STRICT');
    position = await readAppliedPosition(database.manager, TOPIC);
    // The second group's insert meets the first group's row: a duplicate key in STRICT mode.
    const failing = batchOf([insert('b')], [insert('b', 'again')], [insert('c')]);

    await expect(applyGroups(database, catalog, position, failing, 'STRICT')).rejects.toThrow();
    expect(await rows()).toEqual([{ id: 'a', v: 'x' }]);
    expect(await readAppliedPosition(database.manager, TOPIC)).toEqual(position);
  });

  it('IDEMPOTENT: a later insert of the same key in one run overwrites the earlier, as single inserts would', async () => {
    await applyGroups(database, catalog, position, batchOf([insert('a', 'first')], [insert('a', 'second')], [insert('b')]), 'IDEMPOTENT');
    expect(await rows()).toEqual([
      { id: 'a', v: 'second' },
      { id: 'b', v: 'x' },
    ]);
  });

  it('skips the groups whose GTIDs were executed, still advancing past them', async () => {
    const done = batchOf([insert('a')]);
    position = await applyGroups(database, catalog, position, done, 'STRICT');
    await database.query(`DELETE FROM ${table()}`);
    // A re-delivery of the executed group, then a new one.
    const next = await applyGroups(database, catalog, position, [{ offset: offset + 2n, group: done[0].group }, ...batchOf([], [insert('b')]).slice(1)], 'STRICT');

    expect(await rows()).toEqual([{ id: 'b', v: 'x' }]);
    expect(next.nextOffset).toBe(offset + 1n);
  });

  it('carries more inserts than one statement takes, every row landing', async () => {
    const count = INSERT_RUN_MAX_ROWS * 2 + 7;
    const inserts = Array.from({ length: count }, (_, index) => [insert(`k${String(index).padStart(5, '0')}`, String(index % 100))]);
    await applyGroups(database, catalog, position, batchOf(...inserts), 'STRICT');

    const stored = await rows();
    expect(stored).toHaveLength(count);
    expect(stored[count - 1]).toEqual({ id: `k${String(count - 1).padStart(5, '0')}`, v: String((count - 1) % 100) });
  });

  it('applies runs of updates of distinct rows, more than one statement takes, and a second update of a row after the first', async () => {
    const count = UPDATE_RUN_MAX_ROWS + 5;
    const ids = Array.from({ length: count }, (_, index) => `u${String(index).padStart(4, '0')}`);
    await applyGroups(database, catalog, position, batchOf(...ids.map((id) => [insert(id, 'old')])), 'STRICT');
    position = await readAppliedPosition(database.manager, TOPIC);
    // One group per update, as memcached sets arrive; u0000 is updated twice, its second update ending the first run.
    const updates = [...ids.map((id, index) => [update(id, 'old', String(index))]), [update(ids[0], '0', 'again')], [update(ids[1], '1', 'last')]];
    await applyGroups(database, catalog, position, batchOf(...updates), 'STRICT');

    const stored = await rows();
    expect(stored).toHaveLength(count);
    expect(stored[0]).toEqual({ id: ids[0], v: 'again' });
    expect(stored[1]).toEqual({ id: ids[1], v: 'last' });
    expect(stored[count - 1]).toEqual({ id: ids[count - 1], v: String(count - 1) });
  });

  it('STRICT: an update of a missing row in a run fails the batch with the exact error (1032), nothing applied', async () => {
    await applyGroups(database, catalog, position, batchOf([insert('a')], [insert('c')]), 'STRICT');
    position = await readAppliedPosition(database.manager, TOPIC);
    const failing = batchOf([update('a', 'x', 'a2')], [update('b', 'x', 'b2')], [update('c', 'x', 'c2')]);
    const error: unknown = await applyGroups(database, catalog, position, failing, 'STRICT').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApplyError);
    expect(error).toMatchObject({ errno: 1032, message: expect.stringContaining('Update_rows event on table test.kv') });
    expect(await rows()).toEqual([
      { id: 'a', v: 'x' },
      { id: 'c', v: 'x' },
    ]);
  });

  it('IDEMPOTENT: an update of a missing row in a run is passed over, the others applied', async () => {
    await applyGroups(database, catalog, position, batchOf([insert('a')], [insert('c')]), 'STRICT');
    position = await readAppliedPosition(database.manager, TOPIC);
    await applyGroups(database, catalog, position, batchOf([update('a', 'x', 'a2')], [update('b', 'x', 'b2')], [update('c', 'x', 'c2')]), 'IDEMPOTENT');
    expect(await rows()).toEqual([
      { id: 'a', v: 'a2' },
      { id: 'c', v: 'c2' },
    ]);
  });

  it('an update that changes nothing in a run is no missing row', async () => {
    await applyGroups(database, catalog, position, batchOf([insert('a')], [insert('b')]), 'STRICT');
    position = await readAppliedPosition(database.manager, TOPIC);
    await applyGroups(database, catalog, position, batchOf([update('a', 'x', 'x')], [update('b', 'x', 'b2')]), 'STRICT');
    expect(await rows()).toEqual([
      { id: 'a', v: 'x' },
      { id: 'b', v: 'b2' },
    ]);
  });

  it('refuses a batch holding a statement group: a statement commits implicitly and goes alone', async () => {
    const [statement] = batchOf([{ type: 'statement', schema: 'test', sql: 'TRUNCATE TABLE test.kv' }]);
    expect(isRowGroup(statement.group)).toBe(false);
    await expect(applyGroups(database, catalog, position, [...batchOf([insert('a')]), statement], 'STRICT')).rejects.toThrow(/must be applied alone/);
    expect(await rows()).toEqual([]);
  });
});
