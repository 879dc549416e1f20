import { type BinlogEvent, type BinlogGroup, binlogTopic } from '@kbinlog/binlog';
import { createTestDatabase, mariadbUrl, resetNodeDatabases, type TestDatabase, testInfra, uniqueName } from '@kbinlog/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { readAppliedPosition } from './applier-position';
import { applyGroup, type EventFilter } from './group-applier';
import { type NodeDatabase, openNodeDatabase } from './node-database';
import { ensureNodeSchema } from './node-schema';
import { ApplyError } from './row-applier';
import { queryRows, type StoreKind } from './sql-dialect';
import { TableCatalog } from './table-catalog';

const UUID = '5a1c7e2e-2f0b-4c47-9f3e-1d2c3b4a5f60';
const TOPIC = binlogTopic('nodestore-filter');

function group(n: number, events: readonly BinlogEvent[]): BinlogGroup {
  return { gtid: `${UUID}:${n}`, serverId: 1, commitTimeUs: 1_700_000_000_000_000 + n, events };
}

const kept = (id: string, v: string | null): BinlogEvent => ({ type: 'insert', schema: 'test', table: 'kept', after: { id, v } });
const skipped = (id: string): BinlogEvent => ({ type: 'insert', schema: 'test', table: 'skipped', after: { id, v: 'must not appear' } });

/**
 * The hook as a replica fills it (libs/replication-filter builds it from --replicate-* settings;
 * node-store must not depend on it): replicate-ignore-table=test.skipped and
 * replicate-rewrite-db=prod->`copy`.
 */
function filterFor(copy: string): EventFilter {
  return (event) => {
    const schema = event.schema === 'prod' ? copy : event.schema;
    if (event.type === 'statement') {
      const tables = (event.tables ?? []).map((name) => ({ schema: name.schema === 'prod' ? copy : name.schema, table: name.table }));
      return tables.some((name) => !(name.schema === 'test' && name.table === 'skipped')) ? { ...event, schema, tables } : null;
    }
    return schema === 'test' && event.table === 'skipped' ? null : { ...event, schema };
  };
}

describe.each<StoreKind>(['mariadb', 'sqlite'])('applyGroup with replication filters on a real %s', (store) => {
  let opened: NodeDatabase;
  let database: DataSource;
  let directory: string | undefined;
  let copyDatabase: TestDatabase | undefined;
  let copy: string;
  let filter: EventFilter;
  const catalog = new TableCatalog();

  beforeAll(async () => {
    if (store === 'mariadb') {
      const server = testInfra().mariadb[0];
      await resetNodeDatabases(server);
      // The rewrite target: a fresh database of its own; `prod` itself does not exist here.
      copyDatabase = await createTestDatabase(server, 'filter_copy');
      copy = copyDatabase.database;
      opened = await openNodeDatabase(mariadbUrl(server));
    } else {
      directory = mkdtempSync(join(tmpdir(), 'kbinlog-filter-'));
      copy = uniqueName('filter_copy').replace(/-/g, '_');
      opened = await openNodeDatabase(`sqlite://${join(directory, 'node.db')}`);
    }
    filter = filterFor(copy);
    database = opened.writer;
    await ensureNodeSchema(database);
    const { dialect } = opened;
    if (store === 'mariadb') await database.query('CREATE DATABASE test');
    for (const [schema, table] of [['test', 'kept'], ['test', 'skipped'], [copy, 'kept']]) {
      await database.query(`CREATE TABLE ${dialect.qualifiedTable(schema, table)} (id VARCHAR(16) NOT NULL PRIMARY KEY, v VARCHAR(32))`);
    }
  });

  afterAll(async () => {
    await opened?.close();
    await copyDatabase?.drop();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  async function ids(schema: string, table: string): Promise<string[]> {
    const rows = await queryRows(database.manager, `SELECT id FROM ${opened.dialect.qualifiedTable(schema, table)} ORDER BY id`);
    return rows.map((row) => String(row['id']));
  }

  it('applies only the passing events of a group, with its position and GTID', async () => {
    const position = await readAppliedPosition(database.manager, TOPIC);
    const next = await applyGroup(database, catalog, position, 4n, group(1, [kept('k1', 'a'), skipped('s1'), kept('k2', 'b')]), 'STRICT', filter);
    expect(await ids('test', 'kept')).toEqual(['k1', 'k2']);
    expect(await ids('test', 'skipped')).toEqual([]);
    const stored = await readAppliedPosition(database.manager, TOPIC);
    expect(stored).toEqual(next);
    expect(stored.nextOffset).toBe(5n);
    expect(stored.executedGtids.toString()).toBe(`${UUID}:1`);
  });

  it('executes a group filtered out entirely: position and executed GTIDs advance, nothing else', async () => {
    await database.query(`INSERT INTO ${opened.dialect.qualifiedTable('test', 'skipped')} (id, v) VALUES ('local', 'kept by the filter')`);
    const position = await readAppliedPosition(database.manager, TOPIC);
    const truncateSkipped = { type: 'statement', schema: 'test', sql: 'TRUNCATE TABLE `test`.`skipped`', tables: [{ schema: 'test', table: 'skipped' }] } as const;
    await applyGroup(database, catalog, position, 6n, group(2, [skipped('s2'), truncateSkipped, skipped('s3')]), 'STRICT', filter);
    // The TRUNCATE was skipped with the rest: the replica's own row is still there.
    expect(await ids('test', 'skipped')).toEqual(['local']);
    expect(await ids('test', 'kept')).toEqual(['k1', 'k2']);
    const stored = await readAppliedPosition(database.manager, TOPIC);
    expect(stored.nextOffset).toBe(7n);
    expect(stored.executedGtids.toString()).toBe(`${UUID}:1-2`);
    expect(stored.lastCommitTimeUs).toBe(1_700_000_000_000_002);
  });

  it('applies rows of a rewritten database in the database it is rewritten to', async () => {
    const position = await readAppliedPosition(database.manager, TOPIC);
    await applyGroup(database, catalog, position, 8n, group(3, [
      { type: 'insert', schema: 'prod', table: 'kept', after: { id: 'p1', v: 'x' } },
      { type: 'insert', schema: 'prod', table: 'kept', after: { id: 'p2', v: 'y' } },
      { type: 'update', schema: 'prod', table: 'kept', before: { id: 'p1', v: 'x' }, after: { id: 'p1', v: 'z' } },
    ]), 'STRICT', filter);
    const rows = await queryRows(database.manager, `SELECT id, v FROM ${opened.dialect.qualifiedTable(copy, 'kept')} ORDER BY id`);
    expect(rows).toEqual([{ id: 'p1', v: 'z' }, { id: 'p2', v: 'y' }]);
    expect((await readAppliedPosition(database.manager, TOPIC)).executedGtids.toString()).toBe(`${UUID}:1-3`);
  });

  it('keeps a partial group atomic: a failing passing event leaves nothing applied', async () => {
    const position = await readAppliedPosition(database.manager, TOPIC);
    const failing = group(4, [kept('k3', 'c'), skipped('s4'), { type: 'delete', schema: 'test', table: 'kept', before: { id: 'missing', v: null } }]);
    const error = await applyGroup(database, catalog, position, 10n, failing, 'STRICT', filter).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApplyError);
    expect((error as ApplyError).errno).toBe(1032);
    expect(await ids('test', 'kept')).toEqual(['k1', 'k2']);
    expect(await readAppliedPosition(database.manager, TOPIC)).toEqual(position);
  });

  it('applies every event without a filter (the default, as a source catching up needs)', async () => {
    const position = await readAppliedPosition(database.manager, TOPIC);
    await applyGroup(database, catalog, position, 12n, group(5, [kept('k4', 'd'), skipped('s5')]), 'STRICT');
    expect(await ids('test', 'kept')).toEqual(['k1', 'k2', 'k4']);
    expect(await ids('test', 'skipped')).toEqual(['local', 's5']);
  });
});
