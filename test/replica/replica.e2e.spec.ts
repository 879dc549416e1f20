/**
 * The replica as operators run it: its own process and MariaDB, the binlog on the real broker.
 * The test plays the source: it appends binlog groups to the cluster's topic in Kafka
 * transactions under the cluster's writer transactional.id (so commit markers make offsets
 * non-contiguous, as in production), then watches the replica through its HTTP API, its
 * database, its consumer group and the kbinlog CLI.
 */
import { type BinlogEvent, binlogTopic, encodeBinlogGroup } from '@kbinlog/binlog';
import {
  appEntryPoint,
  type MariaDbServer,
  nodeFlags,
  readTopic,
  type RunningService,
  resetNodeDatabases,
  startService,
  testInfra,
  testKafka,
  uniqueClusterName,
  waitFor,
} from '@kbinlog/testing';
import type { Admin, Producer } from 'kafkajs';
import { type Connection, createConnection } from 'mysql2/promise';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
// Jest's testTimeout is a run-wide setting; a project config cannot raise it for this file.
jest.setTimeout(30_000);

/** The fields of GET /replica/status this file reads (MySQL's names). */
interface ReplicaStatus {
  readonly Replica_IO_Running: 'Yes' | 'No';
  readonly Replica_SQL_Running: 'Yes' | 'No';
  readonly Read_Source_Log_Pos: string;
  readonly Exec_Source_Log_Pos: string;
  readonly Exec_Source_Coordinates: string;
  readonly Last_SQL_Errno: number;
  readonly Last_SQL_Error: string;
  readonly Last_IO_Errno: number;
  readonly Last_IO_Error: string;
  readonly Seconds_Behind_Source: number | null;
  readonly Milliseconds_Behind_Source: number | null;
  readonly Until_Condition: 'None' | 'SOURCE_POS';
  readonly Until_Log_Pos: string;
  readonly Retrieved_Gtid_Set: string;
  readonly Executed_Gtid_Set: string;
  readonly Source_UUID: string;
  readonly Source_Server_Id: number | null;
  readonly node: string;
  readonly server_id: number;
  readonly server_uuid: string;
}

const WAIT_MS = 15_000;
const SOURCE_UUID = randomUUID();
const NODE = 'replica-e2e';

const insert = (c1: string, c2: string): BinlogEvent => ({ type: 'insert', schema: 'test', table: 'demo_test', after: { c1, c2 } });
const update = (c1: string, from: string, to: string): BinlogEvent => ({
  type: 'update',
  schema: 'test',
  table: 'demo_test',
  before: { c1, c2: from },
  after: { c1, c2: to },
});
const remove = (c1: string, c2: string | null): BinlogEvent => ({ type: 'delete', schema: 'test', table: 'demo_test', before: { c1, c2 } });

describe('the replica service', () => {
  const infra = testInfra();
  // Any of the run's servers; the replica's databases on it are reset first.
  const server: MariaDbServer = infra.mariadb[1] ?? infra.mariadb[0];
  // A cluster per file: its topic, writer id and consumer group are this file's alone.
  const cluster = uniqueClusterName('e2e-replica');
  const topic = binlogTopic(cluster);
  const consumerGroup = `kbinlog.${cluster}.replica.${NODE}`;
  const kafka = testKafka(infra);
  let admin: Admin;
  let writer: Producer;
  let database: Connection;
  let replica: RunningService;
  let transactions = 0;
  /** The source's commit time of the last group appended, in ms. */
  let lastCommitMs = 0;

  const replicaArgs = nodeFlags(infra, { cluster, server, nodeName: NODE, serverId: 12 });

  /** Commits one binlog group (one Kafka transaction) and returns its offset. */
  async function append(...events: BinlogEvent[]): Promise<bigint> {
    transactions += 1;
    lastCommitMs = Date.now();
    const record = encodeBinlogGroup({ gtid: `${SOURCE_UUID}:${transactions}`, serverId: 1, commitTimeUs: lastCommitMs * 1000, events });
    const transaction = await writer.transaction();
    const [metadata] = await transaction.send({ topic, acks: -1, messages: [{ key: record.key, value: record.value, headers: { ...record.headers } }] });
    await transaction.commit();
    return BigInt(metadata.baseOffset as string);
  }

  async function status(): Promise<ReplicaStatus> {
    const response = await fetch(`${replica.httpUrl}/replica/status`);
    expect(response.status).toBe(200);
    return (await response.json()) as ReplicaStatus;
  }

  function statusWhen(description: string, ready: (current: ReplicaStatus) => boolean): Promise<ReplicaStatus> {
    return waitFor(async () => {
      const current = await status();
      return ready(current) && current;
    }, { description, timeoutMs: WAIT_MS });
  }

  async function post(path: string, body?: unknown, contentType = 'application/json') {
    const response = await fetch(`${replica.httpUrl}${path}`, {
      method: 'POST',
      headers: body === undefined ? {} : { 'content-type': contentType },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: (await response.json()) as Record<string, unknown> };
  }

  async function rows(): Promise<Record<string, string | null>> {
    const [result] = await database.query('SELECT c1, c2 FROM test.demo_test ORDER BY c1');
    return Object.fromEntries((result as { c1: string; c2: string | null }[]).map((row) => [row.c1, row.c2]));
  }

  async function committedOffset(): Promise<string | undefined> {
    const [entry] = await admin.fetchOffsets({ groupId: consumerGroup, topics: [topic] });
    return entry?.partitions.find((partition) => partition.partition === 0)?.offset;
  }

  const coordinates = (offset: bigint) => `${topic}-0:${offset}`;

  /** The lag fields are the age of the last applied group, measured within the request. */
  async function expectLagOfLastGroup(): Promise<ReplicaStatus> {
    const before = Date.now();
    const current = await status();
    const after = Date.now();
    expect(current.Milliseconds_Behind_Source).toBeGreaterThanOrEqual(before - lastCommitMs - 1);
    expect(current.Milliseconds_Behind_Source).toBeLessThanOrEqual(after - lastCommitMs);
    expect(current.Seconds_Behind_Source).toBe(Math.floor((current.Milliseconds_Behind_Source as number) / 1000));
    return current;
  }

  function cli(...args: string[]) {
    return execFileAsync(process.execPath, [appEntryPoint('cli'), ...args]).catch((error: { code: number; stdout: string; stderr: string }) => error);
  }

  beforeAll(async () => {
    await resetNodeDatabases(server);
    database = await createConnection({ host: server.host, port: server.port, user: server.user, password: server.password });
    admin = kafka.admin();
    await admin.connect();
    replica = await startService('replica', replicaArgs);
    // The replica created the topic at start; now the test becomes the cluster's writer.
    writer = kafka.producer({ transactionalId: `kbinlog.${cluster}.writer`, idempotent: true, maxInFlightRequests: 1 });
    await writer.connect();
  });

  afterAll(async () => {
    await replica?.stop();
    await writer?.disconnect();
    await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin?.disconnect();
    await database?.end();
  });

  it('starts with both threads running, bootstrapped like the source, and names itself', async () => {
    const current = await status();
    expect(current).toMatchObject({
      Replica_IO_Running: 'Yes',
      Replica_SQL_Running: 'Yes',
      Exec_Source_Log_Pos: '0',
      Executed_Gtid_Set: '',
      node: NODE,
      server_id: 12,
    });
    expect(current.server_uuid).toMatch(/^[0-9a-f-]{36}$/);
    // innodb_memcache's demo table with its seed row, as innodb_memcached_config.sql leaves it.
    expect(await rows()).toEqual({ AA: 'HELLO, HELLO' });
    const [containers] = await database.query("SELECT db_table FROM innodb_memcache.containers WHERE name = 'aaa'");
    expect(containers).toEqual([{ db_table: 'demo_test' }]);
  });

  it('applies inserts, updates and deletes, and reports the position after the last group', async () => {
    let last = 0n;
    for (const events of [[insert('k1', 'v1')], [insert('k2', 'v2')], [insert('k3', 'v3')], [update('k2', 'v2', 'v2b')], [remove('k3', 'v3')]]) {
      last = await append(...events);
    }
    last = await append(remove('AA', 'HELLO, HELLO'));
    const current = await statusWhen(`Exec_Source_Log_Pos ${last + 1n}`, (s) => s.Exec_Source_Log_Pos === String(last + 1n));
    expect(await rows()).toEqual({ k1: 'v1', k2: 'v2b' });
    expect(current).toMatchObject({
      Replica_IO_Running: 'Yes',
      Replica_SQL_Running: 'Yes',
      Exec_Source_Coordinates: `${topic}-0:${last + 1n}`,
      Executed_Gtid_Set: `${SOURCE_UUID}:1-6`,
      Retrieved_Gtid_Set: `${SOURCE_UUID}:1-6`,
      Source_UUID: SOURCE_UUID,
      Source_Server_Id: 1,
      Last_SQL_Errno: 0,
    });
    await expectLagOfLastGroup();
    await statusWhen('the fetcher past the last commit marker', (s) => BigInt(s.Read_Source_Log_Pos) > last + 1n);
  });

  it('announces itself on the topology topic: a replica that must never be promoted', async () => {
    const key = `node/${NODE}`;
    const records = await readTopic(infra, `kbinlog.${cluster}.topology`, { until: (read) => read.some((record) => record.key === key), timeoutMs: WAIT_MS });
    const { format, record } = JSON.parse(records.find((entry) => entry.key === key)?.value ?? '') as { format: number; record: Record<string, unknown> };
    expect(format).toBe(1);
    expect(record).toMatchObject({
      kind: 'node',
      node: NODE,
      service: 'replica',
      role: 'replica',
      serverId: 12,
      promotionRule: 'must_not',
      httpUrl: replica.httpUrl,
      memcached: null,
      mysql: null,
      writable: false,
      ioRunning: true,
      sqlRunning: true,
    });
    expect(record['serverUuid']).toBe((await status()).server_uuid);
  });

  it('with the SQL thread stopped fetches new groups without applying them; START applies them', async () => {
    const stopped = await post('/replica/stop', { thread: 'sql' });
    expect(stopped).toMatchObject({ status: 200, body: { Replica_IO_Running: 'Yes', Replica_SQL_Running: 'No' } });
    const applied = String(stopped.body['Exec_Source_Log_Pos']);
    // pt-heartbeat, not MySQL's NULL: the age of the last applied group keeps growing while stopped.
    const lagWhenStopped = stopped.body['Milliseconds_Behind_Source'] as number;
    expect(lagWhenStopped).toEqual(expect.any(Number));
    await statusWhen('the lag to grow while the applier is stopped', (s) => (s.Milliseconds_Behind_Source ?? 0) > lagWhenStopped);

    await append(insert('k4', 'v4'));
    const last = await append(insert('k5', 'v5'));
    const fetched = await statusWhen('groups 7-8 fetched', (s) => s.Retrieved_Gtid_Set === `${SOURCE_UUID}:1-8`);
    expect(BigInt(fetched.Read_Source_Log_Pos)).toBeGreaterThan(last);
    expect(fetched).toMatchObject({ Exec_Source_Log_Pos: applied, Executed_Gtid_Set: `${SOURCE_UUID}:1-6`, Replica_SQL_Running: 'No' });
    expect(await rows()).not.toHaveProperty('k4');

    expect(await post('/replica/start', { thread: 'sql' })).toMatchObject({ status: 200, body: { Replica_SQL_Running: 'Yes' } });
    await statusWhen(`Exec_Source_Log_Pos ${last + 1n}`, (s) => s.Exec_Source_Log_Pos === String(last + 1n));
    expect(await rows()).toEqual({ k1: 'v1', k2: 'v2b', k4: 'v4', k5: 'v5' });
  });

  it('in STRICT mode stops the applier on a missing row; CHANGE REPLICATION SOURCE past it continues', async () => {
    const before = await status();
    const bad = await append(remove('missing', 'nothing'));
    const failed = await statusWhen('the applier to stop on error', (s) => s.Replica_SQL_Running === 'No');
    expect(failed).toMatchObject({ Replica_IO_Running: 'Yes', Last_SQL_Errno: 1032, Exec_Source_Log_Pos: before.Exec_Source_Log_Pos });
    expect(failed.Last_SQL_Error).toContain('test.demo_test');
    expect(failed.Last_SQL_Error).toMatch(/Delete_rows/);

    const next = await append(insert('k6', 'v6'));
    await statusWhen('the group after the bad one fetched', (s) => BigInt(s.Read_Source_Log_Pos) > next);

    // Like MySQL's error 3021: the position cannot move under a running thread.
    const refused = await post('/replica/change-source', { position: `${topic}-0:${bad + 1n}` });
    expect(refused).toMatchObject({ status: 409, contentType: expect.stringMatching(/^application\/problem\+json/), body: { status: 409 } });

    expect(await post('/replica/stop')).toMatchObject({ status: 200, body: { Replica_IO_Running: 'No', Replica_SQL_Running: 'No' } });
    const beyond = await post('/replica/change-source', { position: `${topic}-0:999999999` });
    expect(beyond).toMatchObject({ status: 400, body: { detail: expect.stringMatching(/is outside the binlog, which now runs from offset 0 to \d+/) } });
    const changed = await post('/replica/change-source', { position: `${topic}-0:${bad + 1n}` });
    expect(changed).toMatchObject({ status: 200, body: { Exec_Source_Log_Pos: String(bad + 1n) } });
    expect(await post('/replica/start')).toMatchObject({ status: 200, body: { Replica_IO_Running: 'Yes', Replica_SQL_Running: 'Yes', Last_SQL_Errno: 0 } });

    const resumed = await statusWhen(`Exec_Source_Log_Pos ${next + 1n}`, (s) => s.Exec_Source_Log_Pos === String(next + 1n));
    expect(resumed.Executed_Gtid_Set).toBe(`${SOURCE_UUID}:1-8:10`);
    expect(await rows()).toEqual({ k1: 'v1', k2: 'v2b', k4: 'v4', k5: 'v5', k6: 'v6' });
  });

  it('mirrors the applied position to its consumer group, so Kafka tools show lag 0 when caught up', async () => {
    const { Exec_Source_Log_Pos } = await status();
    const [{ high }] = await admin.fetchTopicOffsets(topic);
    // Caught up, the group stands at the log end, past the last commit marker (as a Java consumer would).
    expect(BigInt(high)).toBeGreaterThanOrEqual(BigInt(Exec_Source_Log_Pos));
    await waitFor(async () => (await committedOffset()) === high, {
      description: `${consumerGroup} to commit offset ${high} (applied up to ${Exec_Source_Log_Pos})`,
      timeoutMs: WAIT_MS,
    });
  });

  it('resumes after a restart from the position in its database, applying nothing twice', async () => {
    const before = await status();
    const rowsBefore = await rows();
    expect(await replica.stop('SIGTERM')).toBe(0);
    replica = await startService('replica', replicaArgs);

    const restarted = await status();
    expect(restarted).toMatchObject({
      Exec_Source_Log_Pos: before.Exec_Source_Log_Pos,
      Executed_Gtid_Set: before.Executed_Gtid_Set,
      server_uuid: before.server_uuid,
      Replica_IO_Running: 'Yes',
      Replica_SQL_Running: 'Yes',
    });
    // The demo row deleted through the binlog is not seeded again.
    expect(await rows()).toEqual(rowsBefore);

    // Re-applying any earlier insert would stop a STRICT applier with a duplicate key.
    const last = await append(insert('k7', 'v7'));
    const current = await statusWhen(`Exec_Source_Log_Pos ${last + 1n}`, (s) => s.Exec_Source_Log_Pos === String(last + 1n));
    expect(current).toMatchObject({ Replica_SQL_Running: 'Yes', Last_SQL_Errno: 0, Executed_Gtid_Set: `${SOURCE_UUID}:1-8:10-11` });
    expect(await rows()).toEqual({ ...rowsBefore, k7: 'v7' });
    const [{ high }] = await admin.fetchTopicOffsets(topic);
    await waitFor(async () => (await committedOffset()) === high, { description: `the consumer group to follow to ${high}`, timeoutMs: WAIT_MS });
  });

  it('refuses to fetch from an applied position the binlog does not hold, until CHANGE REPLICATION SOURCE', async () => {
    const before = await status();
    expect(await replica.stop('SIGTERM')).toBe(0);
    // As if the topic had been recreated under this replica: its position lies past the log end.
    await database.query("UPDATE kbinlog.applier_position SET batch_first_offset = 999998, next_offset = 999999 WHERE channel = 'default'");
    replica = await startService('replica', replicaArgs);

    const refused = await status();
    expect(refused).toMatchObject({ Replica_IO_Running: 'No', Replica_SQL_Running: 'No', Last_IO_Errno: 1236, Exec_Source_Log_Pos: '999999' });
    expect(refused.Last_IO_Error).toMatch(/cannot fetch from the applied position .*:999999: the binlog ends at offset \d+/);
    expect(await post('/replica/start')).toMatchObject({ status: 409, body: { type: 'urn:kbinlog:problem:applied-position-outside-binlog' } });

    expect(await post('/replica/change-source', { position: before.Exec_Source_Coordinates })).toMatchObject({ status: 200, body: { Last_IO_Errno: 0 } });
    expect(await post('/replica/start')).toMatchObject({ status: 200, body: { Replica_IO_Running: 'Yes', Replica_SQL_Running: 'Yes', Last_IO_Errno: 0 } });
    expect(await statusWhen('fetching again', (s) => BigInt(s.Read_Source_Log_Pos) >= BigInt(before.Exec_Source_Log_Pos))).toMatchObject({
      Exec_Source_Log_Pos: before.Exec_Source_Log_Pos,
      Executed_Gtid_Set: before.Executed_Gtid_Set,
    });
  });

  it.each([
    ['/replica/start', { thread: 'both' }, 400, /thread/],
    ['/replica/stop', { thread: 'io', force: true }, 400, /Unrecognized key: "force"/],
    ['/replica/start', '{"thread":', 400, /JSON/],
    ['/replica/stop', '[]', 400, /expected object/],
    ['/replica/change-source', {}, 400, /position/],
    ['/replica/change-source', { position: 17 }, 400, /position/],
    ['/replica/change-source', { position: 'mysql-bin.000001:4' }, 400, /invalid binlog coordinates/],
    ['/replica/change-source', { position: 'kbinlog.elsewhere.binlog-0:4' }, 400, /cluster "elsewhere"/],
  ])('answers POST %s %j with problem JSON %d', async (path, body, expected, detail) => {
    const answer = await post(path, body);
    expect(answer.status).toBe(expected);
    expect(answer.contentType).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status: expected });
    expect(answer.body['detail']).toMatch(detail);
  });

  it('refuses a body that is not JSON with 415, and answers unknown replica paths with problem JSON', async () => {
    expect(await post('/replica/start', 'thread=io', 'application/x-www-form-urlencoded')).toMatchObject({ status: 415 });
    const missing = await fetch(`${replica.httpUrl}/replica/nothing`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await status()).Replica_SQL_Running).toBe('Yes');
  });

  it('is operated by the kbinlog CLI', async () => {
    const shown = await cli('replica', 'status', '--url', replica.httpUrl);
    expect(shown).toMatchObject({ stdout: expect.stringMatching(/^\s+Replica_IO_Running: Yes$/m) });
    expect(shown.stdout).toMatch(/^\s+Executed_Gtid_Set: \S+:1-8:10-11$/m);
    expect(shown.stdout).toMatch(/^\s+Seconds_Behind_Source: \d+$/m);
    expect(shown.stdout).toMatch(/^\s+Milliseconds_Behind_Source: \d+$/m);

    const json = await cli('replica', 'status', '--json', '--url', replica.httpUrl);
    expect(JSON.parse(json.stdout)).toMatchObject({ node: NODE, Replica_SQL_Running: 'Yes' });

    expect((await cli('replica', 'stop', '--io-thread', '--url', replica.httpUrl)).stdout).toMatch(/^\s+Replica_IO_Running: No$/m);
    const refused = await cli('replica', 'change-source', '--position', `${topic}-0:0`, '--url', replica.httpUrl);
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringMatching(/answered 409: Replica is running/) });
    expect((await cli('replica', 'start', '--url', replica.httpUrl)).stdout).toMatch(/^\s+Replica_IO_Running: Yes$/m);
    expect(await status()).toMatchObject({ Replica_IO_Running: 'Yes', Replica_SQL_Running: 'Yes' });
  });

  it('START REPLICA UNTIL stops the applier at the position; SOURCE_POS_WAIT answers 0, -1 and NULL, over HTTP and the CLI', async () => {
    expect(await post('/replica/stop', { thread: 'sql' })).toMatchObject({ status: 200 });
    const first = await append(insert('u1', 'x'));
    const second = await append(insert('u2', 'x'));
    const third = await append(insert('u3', 'x'));
    await statusWhen('the three groups fetched', (s) => BigInt(s.Read_Source_Log_Pos) > third);

    // SOURCE_POS_WAIT is NULL while the applier is not running, in the API and the CLI (exit 2).
    expect(await post('/replica/wait', { position: coordinates(second + 1n), timeout_s: 5 })).toMatchObject({ status: 200, body: { result: null, Replica_SQL_Running: 'No' } });
    expect(await cli('replica', 'wait', coordinates(second + 1n), '--timeout', '5', '--url', replica.httpUrl)).toMatchObject({ code: 2, stdout: 'NULL\n' });

    const started = await post('/replica/start', { thread: 'sql', until: coordinates(third) });
    expect(started).toMatchObject({ status: 200, body: { Replica_SQL_Running: 'Yes', Until_Condition: 'SOURCE_POS', Until_Log_Pos: String(third) } });
    const stopped = await statusWhen('the applier to stop at its UNTIL position', (s) => s.Replica_SQL_Running === 'No');
    expect(stopped).toMatchObject({ Exec_Source_Log_Pos: String(second + 1n), Last_SQL_Errno: 0, Until_Condition: 'None', Replica_IO_Running: 'Yes' });
    expect(await rows()).toMatchObject({ u1: 'x', u2: 'x' });
    expect(await rows()).not.toHaveProperty('u3');
    expect(first).toBeLessThan(second);

    // The CLI's UNTIL, on a commit marker: the third group applies, then the applier stops.
    const untilMarker = await cli('replica', 'start', '--sql-thread', '--until', coordinates(third + 1n), '--url', replica.httpUrl);
    expect(untilMarker.stdout).toContain(`Until_Source_Coordinates: ${coordinates(third + 1n)}\n`);
    await statusWhen('the applier to stop at the marker', (s) => s.Replica_SQL_Running === 'No' && s.Exec_Source_Log_Pos === String(third + 1n));
    expect(await rows()).toHaveProperty('u3', 'x');

    expect(await post('/replica/start', {})).toMatchObject({ status: 200, body: { Replica_SQL_Running: 'Yes', Until_Condition: 'None' } });
    expect(await post('/replica/wait', { position: coordinates(third + 1n) })).toMatchObject({ status: 200, body: { result: 0, node: NODE } });
    expect(await cli('replica', 'wait', coordinates(third + 1n), '--url', replica.httpUrl)).toMatchObject({ stdout: '0\n' });

    // With the fetcher stopped nothing more arrives: a wait past the log end times out.
    expect(await post('/replica/stop', { thread: 'io' })).toMatchObject({ status: 200 });
    const beyond = coordinates(third + 100n);
    expect(await post('/replica/wait', { position: beyond, timeout_s: 0.3 })).toMatchObject({ status: 200, body: { result: -1 } });
    expect(await cli('replica', 'wait', beyond, '--timeout', '0.3', '--url', replica.httpUrl)).toMatchObject({ code: 1, stdout: '-1\n' });
    expect(await post('/replica/wait', { position: beyond, timeout_s: -1 })).toMatchObject({ status: 400, body: { detail: expect.stringMatching(/timeout_s/) } });
    expect(await post('/replica/start', { thread: 'io' })).toMatchObject({ status: 200, body: { Replica_IO_Running: 'Yes' } });
  });
});
