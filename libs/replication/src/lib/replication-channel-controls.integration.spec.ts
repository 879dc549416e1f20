import { type BinlogEvent, type BinlogGroup, GtidSet } from '@kbinlog/binlog';
import { BinlogWriter, type ClusterNames, clusterNames, ensureBinlogTopic } from '@kbinlog/binlog-kafka';
import { ensureNodeSchema, type NodeDatabase, openNodeDatabase, queryRows, TableCatalog } from '@kbinlog/node-store';
import { deleteTestTopics, mariadbUrl, resetNodeDatabases, testInfra, testKafka, uniqueName, waitFor } from '@kbinlog/testing';
import type { Admin, Kafka } from 'kafkajs';
import { ReplicationChannel, type ReplicaStatus } from './replication-channel';

const UUID = '3f1c2b7a-9d4e-4c6b-8a1f-2e3d4c5b6a79';
const QUIET = { info: () => undefined, error: () => undefined };
const WAIT_MS = 20_000;

const insert = (id: string): BinlogEvent => ({ type: 'insert', schema: 'test', table: 'kept', after: { id } });

/**
 * START REPLICA UNTIL, SOURCE_POS_WAIT and pt-heartbeat lag on a real topic and MariaDB. Each
 * test gets a fresh cluster (topic) and fresh node databases; the test plays the source through
 * the cluster's writer, so commit markers make offsets non-contiguous (invariant 7).
 */
describe('a replication channel under replica controls, on the real broker and MariaDB', () => {
  const infra = testInfra();
  // A server no other integration test of the libraries uses: node databases are reset per test.
  const server = infra.mariadb[4] ?? infra.mariadb[0];
  let kafka: Kafka;
  let admin: Admin;
  let opened: NodeDatabase;
  let cluster: string;
  let names: ClusterNames;
  let writer: BinlogWriter;
  let channel: ReplicationChannel;
  let gtid = 0;
  const topics: string[] = [];

  function group(events: readonly BinlogEvent[], commitTimeUs = Date.now() * 1000): BinlogGroup {
    gtid += 1;
    return { gtid: `${UUID}:${gtid}`, serverId: 1, commitTimeUs, events };
  }

  /** Commits one group in its own Kafka transaction and returns its offset. */
  async function commit(events: readonly BinlogEvent[], commitTimeUs?: number): Promise<bigint> {
    const transaction = await writer.begin();
    const offset = await transaction.append(group(events, commitTimeUs));
    await transaction.commit();
    return offset;
  }

  /** Writes a group and aborts it: a read_committed reader never sees it, but it takes an offset. */
  async function abort(events: readonly BinlogEvent[]): Promise<bigint> {
    const transaction = await writer.begin();
    const offset = await transaction.append({ gtid: `${UUID}:999`, serverId: 1, commitTimeUs: Date.now() * 1000, events });
    await transaction.abort();
    return offset;
  }

  const ids = async () => (await queryRows(opened.reader.manager, 'SELECT id FROM test.kept ORDER BY id')).map((row) => row['id']);

  function statusWhen(description: string, ready: (status: ReplicaStatus) => boolean): Promise<ReplicaStatus> {
    return waitFor(() => {
      const status = channel.status();
      return ready(status) && status;
    }, { description, timeoutMs: WAIT_MS });
  }

  beforeAll(async () => {
    kafka = testKafka(infra);
    admin = kafka.admin();
    await admin.connect();
    opened = await openNodeDatabase(mariadbUrl(server));
  });

  beforeEach(async () => {
    gtid = 0;
    cluster = uniqueName('controls');
    names = clusterNames(cluster);
    topics.push(names.topic);
    await ensureBinlogTopic(admin, names.topic, { retentionMs: -1, replicationFactor: 1, minInsyncReplicas: 1 });
    await resetNodeDatabases(server);
    await ensureNodeSchema(opened.writer);
    await opened.writer.query('CREATE DATABASE test');
    await opened.writer.query('CREATE TABLE test.kept (id VARCHAR(16) NOT NULL PRIMARY KEY)');
    writer = new BinlogWriter(kafka, names.topic, names.writerTransactionalId);
    await writer.connect();
    channel = new ReplicationChannel(
      kafka,
      opened.writer,
      new TableCatalog(),
      { cluster, topic: names.topic, consumerGroup: names.replicaGroup('replica-1'), execMode: 'STRICT', relayMaxRecords: 100, relayMaxBytes: 1_000_000, applyBatchMaxGroups: 1000 },
      QUIET,
    );
    await channel.load();
  });

  afterEach(async () => {
    await channel?.stop();
    await writer?.disconnect();
  });

  afterAll(async () => {
    await opened?.close();
    await deleteTestTopics(infra, topics).catch(() => undefined);
    await admin?.disconnect();
  });

  it('applies what is relayed in batches, one database transaction for many groups', async () => {
    const count = 50;
    let last = 0n;
    for (let index = 0; index < count; index++) last = await commit([insert(`g${String(index).padStart(2, '0')}`)]);
    const commits = async () => Number((await queryRows<{ Value: string }>(opened.writer.manager, "SHOW GLOBAL STATUS LIKE 'Com_commit'"))[0].Value);
    const before = await commits();

    await channel.start();
    await statusWhen('the 50 groups to be applied', (status) => status.Exec_Source_Log_Pos === String(last + 1n));

    expect(await ids()).toHaveLength(count);
    expect(channel.status()).toMatchObject({ Executed_Gtid_Set: `${UUID}:1-${gtid}`, Last_SQL_Errno: 0 });
    // Fetched in one or a few fetches: a handful of commits, not one per group.
    expect((await commits()) - before).toBeLessThanOrEqual(5);
  });

  it('a batch with a failing group applies the groups before it and stops on that group with its own error', async () => {
    await commit([insert('a')]);
    const second = await commit([insert('b')]);
    const failing = await commit([insert('a')]);
    await commit([insert('c')]);

    await channel.start();
    const stopped = await statusWhen('the applier to stop on the duplicate', (status) => status.Replica_SQL_Running === 'No');

    expect(stopped).toMatchObject({ Exec_Source_Log_Pos: String(second + 1n), Executed_Gtid_Set: `${UUID}:1-2`, Last_SQL_Errno: 1062 });
    expect(stopped.Last_SQL_Error).toMatch(/^Could not execute Write_rows event on table test\.kept; Duplicate entry 'a'/);
    expect(await ids()).toEqual(['a', 'b']);
    expect(failing).toBeGreaterThan(second);
  });

  it('START UNTIL SQL_AFTER_GTIDS applies groups until the set is executed and stops there, in one go through a batch', async () => {
    for (const id of ['a', 'b', 'c', 'd', 'e']) await commit([insert(id)]);

    await channel.start({ untilGtids: { set: GtidSet.parse(`${UUID}:2-3`), when: 'after' } });
    const stopped = await statusWhen('the applier to stop after GTIDs 2-3', (status) => status.Replica_SQL_Running === 'No');

    expect(stopped).toMatchObject({ Executed_Gtid_Set: `${UUID}:1-3`, Last_SQL_Errno: 0, Until_Condition: 'None' });
    expect(await ids()).toEqual(['a', 'b', 'c']);
  });

  it('START UNTIL SQL_BEFORE_GTIDS stops before the first group of the set, and says so while it runs', async () => {
    for (const id of ['a', 'b', 'c', 'd']) await commit([insert(id)]);

    await channel.startApplier({ untilGtids: { set: GtidSet.parse(`${UUID}:3-4`), when: 'before' } });
    expect(channel.status()).toMatchObject({ Replica_SQL_Running: 'Yes', Until_Condition: 'SQL_BEFORE_GTIDS' });
    await channel.startFetcher();
    const stopped = await statusWhen('the applier to stop before GTID 3', (status) => status.Replica_SQL_Running === 'No');

    expect(stopped).toMatchObject({ Executed_Gtid_Set: `${UUID}:1-2`, Last_SQL_Errno: 0 });
    expect(await ids()).toEqual(['a', 'b']);
  });

  it('SOURCE_DELAY holds back exactly the groups younger than the delay, and a catch-up that ignores it applies them', async () => {
    const nowUs = Date.now() * 1000;
    await commit([insert('old1')], nowUs - 120_000_000);
    const old = await commit([insert('old2')], nowUs - 90_000_000);
    await commit([insert('young')], nowUs - 30_000_000);
    channel.setSourceDelay(60);

    await channel.start();
    const waiting = await statusWhen('the applier to wait for the young group', (status) => status.SQL_Remaining_Delay !== null && status.Exec_Source_Log_Pos === String(old + 1n));

    expect(waiting).toMatchObject({ SQL_Delay: 60, Replica_SQL_Running_State: 'Waiting until SOURCE_DELAY seconds after source executed event' });
    // Due 30 s from now: ceil of what is left, never more than the delay.
    expect(waiting.SQL_Remaining_Delay).toBeGreaterThanOrEqual(28);
    expect(waiting.SQL_Remaining_Delay).toBeLessThanOrEqual(30);
    expect(await ids()).toEqual(['old1', 'old2']);
    expect(() => channel.setSourceDelay(0)).toThrow(/running replica sql thread/);

    await channel.stop();
    await channel.start({ ignoreSourceDelay: true });
    await statusWhen('the young group to be applied without the delay', (status) => status.Executed_Gtid_Set === `${UUID}:1-3`);
    expect(await ids()).toEqual(['old1', 'old2', 'young']);
    expect(channel.status()).toMatchObject({ SQL_Delay: 60, SQL_Remaining_Delay: null });
  });

  it('START UNTIL a group applies every group before it, none from it on, and stops without an error', async () => {
    await commit([insert('a')]);
    const second = await commit([insert('b')]);
    const third = await commit([insert('c')]);

    await channel.startApplier({ untilOffset: third });
    // Nothing is fetched yet, so the applier still runs with its condition.
    expect(channel.status()).toMatchObject({
      Replica_SQL_Running: 'Yes',
      Until_Condition: 'SOURCE_POS',
      Until_Log_File: `${names.topic}-0`,
      Until_Log_Pos: String(third),
      Until_Source_Coordinates: `${names.topic}-0:${third}`,
    });
    await channel.startFetcher();

    const stopped = await statusWhen('the applier to stop at its UNTIL position', (status) => status.Replica_SQL_Running === 'No');
    expect(stopped).toMatchObject({
      Replica_IO_Running: 'Yes',
      Exec_Source_Log_Pos: String(second + 1n),
      Executed_Gtid_Set: `${UUID}:1-2`,
      Last_SQL_Errno: 0,
      Last_Error: '',
      // MySQL clears the condition once the SQL thread stops.
      Until_Condition: 'None',
      Until_Log_File: '',
      Until_Log_Pos: '0',
    });
    expect(await ids()).toEqual(['a', 'b']);
    expect(channel.applierRunning).toBe(false);

    // START without UNTIL applies the rest.
    await channel.startApplier();
    await channel.waitUntilApplied(third + 1n, WAIT_MS);
    expect(await ids()).toEqual(['a', 'b', 'c']);
  });

  it('START UNTIL a commit marker offset stops once the applied position reaches it', async () => {
    const first = await commit([insert('a')]);
    const second = await commit([insert('b')]);
    // first + 1 is the commit marker of the first transaction, not a group.
    expect(second).toBeGreaterThan(first + 1n);

    await channel.start({ untilOffset: first + 1n });
    const stopped = await statusWhen('the applier to stop at the marker', (status) => status.Replica_SQL_Running === 'No');
    expect(stopped).toMatchObject({ Exec_Source_Log_Pos: String(first + 1n), Last_SQL_Errno: 0, Until_Condition: 'None' });
    expect(await ids()).toEqual(['a']);
  });

  it('START UNTIL an offset only markers and aborted records lead to stops once the fetcher has read past it', async () => {
    const first = await commit([insert('a')]);
    const aborted = await abort([insert('x')]);
    // Between the applied position (first + 1) and until (the abort marker) there is no group to apply.
    await channel.start({ untilOffset: aborted + 1n });
    const stopped = await statusWhen('the applier to stop past the aborted transaction', (status) => status.Replica_SQL_Running === 'No');
    expect(stopped).toMatchObject({ Exec_Source_Log_Pos: String(first + 1n), Last_SQL_Errno: 0 });
    expect(BigInt(stopped.Read_Source_Log_Pos)).toBeGreaterThan(aborted);

    // A group written after it is fetched but not applied.
    const later = await commit([insert('c')]);
    await statusWhen('the later group fetched', (status) => BigInt(status.Read_Source_Log_Pos) > later);
    expect(channel.status()).toMatchObject({ Replica_SQL_Running: 'No', Exec_Source_Log_Pos: String(first + 1n) });
    expect(await ids()).toEqual(['a']);
  });

  it('START UNTIL a position already applied stops the applier at once', async () => {
    const first = await commit([insert('a')]);
    await channel.start();
    await channel.waitUntilApplied(first + 1n, WAIT_MS);
    await channel.stopApplier();

    await channel.startApplier({ untilOffset: first });
    await statusWhen('the applier to stop at once', (status) => status.Replica_SQL_Running === 'No');
    expect(channel.status()).toMatchObject({ Exec_Source_Log_Pos: String(first + 1n), Last_SQL_Errno: 0, Until_Condition: 'None' });
  });

  it('SOURCE_POS_WAIT answers the groups applied while waiting, 0 when already there, -1 on timeout', async () => {
    const first = await commit([insert('a')]);
    await channel.start();
    await channel.waitUntilApplied(first + 1n, WAIT_MS);
    expect(await channel.waitForPosition(first + 1n, 1000)).toBe(0);
    expect(await channel.waitForPosition(first, 1000)).toBe(0);

    // With the fetcher stopped nothing new applies, so the wait begins before both groups.
    await channel.stopFetcher();
    await commit([insert('b')]);
    const third = await commit([insert('c')]);
    const waited = channel.waitForPosition(third + 1n, WAIT_MS);
    await channel.startFetcher();
    expect(await waited).toBe(2);
    expect(await ids()).toEqual(['a', 'b', 'c']);

    const started = Date.now();
    expect(await channel.waitForPosition(third + 100n, 300)).toBe(-1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('SOURCE_POS_WAIT answers null when the applier is not running or stops while waiting', async () => {
    const first = await commit([insert('a')]);
    expect(await channel.waitForPosition(first + 1n, 1000)).toBeNull();

    await channel.start();
    await channel.waitUntilApplied(first + 1n, WAIT_MS);
    const stoppedWhileWaiting = channel.waitForPosition(first + 100n);
    await channel.stopApplier();
    expect(await stoppedWhileWaiting).toBeNull();

    // An applier that stops on an error (a duplicate key in STRICT mode) ends the wait too.
    await channel.startApplier();
    const failedWhileWaiting = channel.waitForPosition(first + 100n, WAIT_MS);
    await commit([insert('a')]);
    expect(await failedWhileWaiting).toBeNull();
    expect(channel.status()).toMatchObject({ Replica_SQL_Running: 'No', Last_SQL_Errno: 1062 });
  });

  it('reports the age of the last applied group, growing while stopped; a heartbeat group brings it back', async () => {
    expect(channel.status()).toMatchObject({ Seconds_Behind_Source: null, Milliseconds_Behind_Source: null });
    expect(channel.appliedAgeMs()).toBeNull();

    // A group committed 5 s ago on the source's clock.
    const old = await commit([insert('a')], (Date.now() - 5000) * 1000);
    await channel.start();
    await channel.waitUntilApplied(old + 1n, WAIT_MS);
    await channel.stop();

    const stopped = channel.status();
    expect(stopped).toMatchObject({ Replica_IO_Running: 'No', Replica_SQL_Running: 'No' });
    const lag = stopped.Milliseconds_Behind_Source as number;
    expect(lag).toBeGreaterThanOrEqual(5000);
    expect(stopped.Seconds_Behind_Source).toBe(Math.floor(lag / 1000));
    const grown = await statusWhen('the lag to grow while stopped', (status) => (status.Milliseconds_Behind_Source ?? 0) >= lag + 100);
    expect(grown.Seconds_Behind_Source).toBe(Math.floor((grown.Milliseconds_Behind_Source as number) / 1000));
    expect(channel.appliedAgeMs()).toBeGreaterThanOrEqual(lag + 100);

    // pt-heartbeat: a group with no events, committed now, resets the age.
    const heartbeat = await commit([]);
    await channel.start();
    await channel.waitUntilApplied(heartbeat + 1n, WAIT_MS);
    expect(channel.status().Milliseconds_Behind_Source).toBeLessThan(5000);
    expect(channel.status().Exec_Source_Log_Pos).toBe(String(heartbeat + 1n));
    expect(await ids()).toEqual(['a']);
  });
});
