import type { RowEvent, RowImage } from '@kbinlog/binlog';
import { ensureNodeSchema, type NodeDatabase, openNodeDatabase, queryRows, TableCatalog } from '@kbinlog/node-store';
import { mariadbUrl, openSqlConnection, resetNodeDatabases, testInfra } from '@kbinlog/testing';
import type { QueryRunner } from 'typeorm';
import { CaptureTriggers } from './capture-triggers';
import { takeOwnCapture } from './row-capture';
import { KeyedBatchConflict, type KeyedWrite, runKeyedBatch } from './keyed-write';

const server = testInfra().mariadb[0];
const SCHEMA = 'keyed_batch';
const TABLE = 'items';

/** A write of `key` that stores `v` (null: deletes the row), whatever is there; its result is the row it saw. */
function put(key: string, v: string | null): KeyedWrite<RowImage | undefined> {
  return {
    schema: SCHEMA,
    table: TABLE,
    keyColumn: 'k',
    key,
    decide: (current) => {
      if (v === null) return { change: current ? { type: 'delete', schema: SCHEMA, table: TABLE, before: current } : undefined, result: current };
      const change: RowEvent = current
        ? { type: 'update', schema: SCHEMA, table: TABLE, before: current, after: { ...current, k: key, v } }
        : { type: 'insert', schema: SCHEMA, table: TABLE, after: { k: key, v } };
      return { change, result: current };
    },
  };
}

describe('keyed writes batched in one transaction on a real MariaDB with capture triggers', () => {
  let database: NodeDatabase;
  let runner: QueryRunner;
  const catalog = new TableCatalog();

  async function rows(): Promise<Record<string, string | null>> {
    const found = await queryRows<{ k: string; v: string | null }>(database.writer.manager, `SELECT k, v FROM ${SCHEMA}.${TABLE} ORDER BY k`);
    return Object.fromEntries(found.map((row) => [row.k, row.v]));
  }

  beforeAll(async () => {
    await resetNodeDatabases(server);
    database = await openNodeDatabase(mariadbUrl(server));
    await ensureNodeSchema(database.writer);
    const backend = await openSqlConnection(server);
    try {
      await backend.query(`DROP DATABASE IF EXISTS ${SCHEMA}`);
      await backend.query(`CREATE DATABASE ${SCHEMA}`);
      // A case-insensitive key, and a column the writes never set (its default is in the after image).
      await backend.query(`CREATE TABLE ${SCHEMA}.${TABLE} (k VARCHAR(32) COLLATE utf8mb4_general_ci PRIMARY KEY, v VARCHAR(64), n INT NOT NULL DEFAULT 7)`);
      await new CaptureTriggers().installAll(backend);
    } finally {
      await backend.close();
    }
    runner = database.writer.createQueryRunner();
    await runner.connect();
    await runner.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
    await runner.query('SET SESSION innodb_lock_wait_timeout = 0');
  });

  afterAll(async () => {
    await runner?.release();
    await database?.close();
  });

  beforeEach(async () => {
    await database.writer.query(`DELETE FROM ${SCHEMA}.${TABLE}`);
    await database.writer.query(`INSERT INTO ${SCHEMA}.${TABLE} (k, v) VALUES ('kept', 'old'), ('gone', 'old')`);
    await database.writer.query('DELETE FROM kbinlog.row_capture');
  });

  async function inTransaction<T>(work: () => Promise<T>): Promise<T> {
    await runner.startTransaction();
    try {
      const result = await work();
      await runner.commitTransaction();
      return result;
    } catch (error) {
      await runner.rollbackTransaction();
      throw error;
    }
  }

  it('gives each write its own captured event (the row as stored) and result, and applies them all', async () => {
    const outcomes = await inTransaction(() => runKeyedBatch(runner.manager, catalog, [put('new', 'n1'), put('kept', 'k2'), put('gone', null), put('absent', null)], takeOwnCapture));
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, true, true, true]);
    const [inserted, updated, deleted, nothing] = outcomes as Extract<(typeof outcomes)[number], { ok: true }>[];
    expect(inserted.events).toEqual([{ type: 'insert', schema: SCHEMA, table: TABLE, after: { k: 'new', v: 'n1', n: '7' } }]);
    expect(inserted.result).toBeUndefined();
    expect(updated.events).toEqual([{ type: 'update', schema: SCHEMA, table: TABLE, before: { k: 'kept', v: 'old', n: '7' }, after: { k: 'kept', v: 'k2', n: '7' } }]);
    expect(updated.result).toEqual({ k: 'kept', v: 'old', n: '7' });
    expect(deleted.events).toEqual([{ type: 'delete', schema: SCHEMA, table: TABLE, before: { k: 'gone', v: 'old', n: '7' } }]);
    expect(nothing.events).toEqual([]);
    expect(await rows()).toEqual({ kept: 'k2', new: 'n1' });
    expect(await queryRows(database.writer.manager, 'SELECT * FROM kbinlog.row_capture')).toEqual([]);
  });

  it('fails a write whose decision throws on its own, and applies the others', async () => {
    const refusing: KeyedWrite<unknown> = { ...put('kept', 'never'), decide: () => { throw new Error('not numeric'); } };
    const outcomes = await inTransaction(() => runKeyedBatch(runner.manager, catalog, [put('a', 'x'), refusing, put('b', 'y')], takeOwnCapture));
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, false, true]);
    expect(outcomes[1]).toEqual({ ok: false, error: new Error('not numeric') });
    expect(await rows()).toEqual({ a: 'x', b: 'y', gone: 'old', kept: 'old' });
  });

  it('does not wait for a row another transaction holds: the batch throws at once and changes nothing', async () => {
    const holder = database.writer.createQueryRunner();
    await holder.connect();
    try {
      await holder.startTransaction();
      await holder.query(`UPDATE ${SCHEMA}.${TABLE} SET v = 'held' WHERE k = 'kept'`);
      const started = Date.now();
      await expect(inTransaction(() => runKeyedBatch(runner.manager, catalog, [put('fresh', 'f'), put('kept', 'k')], takeOwnCapture))).rejects.toMatchObject({ errno: 1205 });
      expect(Date.now() - started).toBeLessThan(1000);
      await holder.rollbackTransaction();
    } finally {
      await holder.release();
    }
    expect(await rows()).toEqual({ gone: 'old', kept: 'old' });
  });

  it('throws for two keys one row matches under the collation, rather than apply either twice', async () => {
    await expect(inTransaction(() => runKeyedBatch(runner.manager, catalog, [put('KEPT', 'upper'), put('kept', 'lower')], takeOwnCapture))).rejects.toMatchObject({ errno: 1062 });
    expect(await rows()).toEqual({ gone: 'old', kept: 'old' });
  });

  it('throws when the capture holds a change no write made (a trigger of the table writing elsewhere)', async () => {
    await database.writer.query(`CREATE TABLE ${SCHEMA}.audit (k VARCHAR(32))`);
    const backend = await openSqlConnection(server);
    try {
      await new CaptureTriggers().installAll(backend);
      // MariaDB allows several triggers per event: this one fires after the capture's.
      await backend.query(`CREATE TRIGGER ${SCHEMA}.audit_items AFTER INSERT ON ${SCHEMA}.${TABLE} FOR EACH ROW INSERT INTO ${SCHEMA}.audit VALUES (NEW.k)`);
    } finally {
      await backend.close();
    }
    try {
      await expect(inTransaction(() => runKeyedBatch(runner.manager, catalog, [put('audited', 'a')], takeOwnCapture))).rejects.toThrow(KeyedBatchConflict);
      expect(await rows()).toEqual({ gone: 'old', kept: 'old' });
    } finally {
      await database.writer.query(`DROP TRIGGER ${SCHEMA}.audit_items`);
      await database.writer.query(`DROP TABLE ${SCHEMA}.audit`);
    }
  });
});
