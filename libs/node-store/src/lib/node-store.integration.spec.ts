import { type BinlogGroup, binlogTopic, GtidSet } from '@kbinlog/binlog';
import { mariadbUrl, resetNodeDatabases, testInfra } from '@kbinlog/testing';
import type { DataSource } from 'typeorm';
import { readAppliedPosition } from './applier-position';
import { applyGroup } from './group-applier';
import { openNodeDatabase } from './node-database';
import { ensureNodeSchema, nodeServerUuid } from './node-schema';
import { ApplyError } from './row-applier';
import { TableCatalog } from './table-catalog';

const UUID = '3e11fa47-71ca-11e1-9e33-c80aa9429562';
const TOPIC = binlogTopic('nodestore');

function group(n: number, events: BinlogGroup['events']): BinlogGroup {
  return { gtid: `${UUID}:${n}`, serverId: 1, commitTimeUs: 1_700_000_000_000_000 + n, events };
}

describe('node-store on a real MariaDB', () => {
  const server = testInfra().mariadb[0];
  let database: DataSource;
  const catalog = new TableCatalog();

  beforeAll(async () => {
    await resetNodeDatabases(server);
    database = await openNodeDatabase(mariadbUrl(server));
    await ensureNodeSchema(database);
    await database.query('CREATE DATABASE test');
    await database.query('CREATE TABLE test.demo_test (c1 VARCHAR(32) NOT NULL PRIMARY KEY, c2 VARCHAR(1024), c3 INT, c4 BIGINT UNSIGNED, c5 INT)');
    await database.query('CREATE TABLE test.keyless (a INT, b VARCHAR(10))');
  });

  afterAll(async () => {
    await database?.destroy();
  });

  async function rows(table = 'demo_test') {
    return database.query(`SELECT * FROM test.${table} ORDER BY 1`);
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
      { type: 'insert', schema: 'test', table: 'demo_test', after: { c1: 'AA', c2: 'HELLO, HELLO', c3: '8', c4: '18446744073709551615', c5: '0' } },
      { type: 'insert', schema: 'test', table: 'demo_test', after: { c1: 'BB', c2: null, c3: '1', c4: '1', c5: '0' } },
    ]), 'STRICT');
    position = await applyGroup(database, catalog, position, 6n, group(2, [
      { type: 'update', schema: 'test', table: 'demo_test', before: { c1: 'AA', c2: 'HELLO, HELLO', c3: '8', c4: '18446744073709551615', c5: '0' }, after: { c1: 'AA', c2: 'changed', c3: '8', c4: '2', c5: '0' } },
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
    expect((await rows()).map((row: { c1: string }) => row.c1)).toEqual(['AA', 'CC']);
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
    expect((await rows()).map((row: { c1: string }) => row.c1)).not.toContain('ZZ');
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

  it('refuses a database that applied another cluster', async () => {
    await expect(readAppliedPosition(database.manager, binlogTopic('other'))).rejects.toThrow(/applied kbinlog.nodestore.binlog, not kbinlog.other.binlog/);
    expect(GtidSet.EMPTY.isEmpty()).toBe(true);
  });
});
