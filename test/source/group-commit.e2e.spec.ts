/**
 * Group commit, end to end: memcached writes from many connections share Kafka transactions and
 * database transactions (keyed batches), each still its own group; writes to one key keep their
 * order on the source and every replica; a failed Kafka commit fails every write of its batch and
 * none of them reaches the store; a write whose row a SQL transaction holds leaves its keyed
 * batch and waits alone while the others are stored; a crash between a keyed batch's log commit and its database
 * commit loses nothing (the restart applies the batch from the log); and a crash amid a batch
 * of SQL transactions' database commits, which run at once, loses nothing acknowledged and
 * applies nothing twice, whichever of them committed.
 */
import { type BinlogGroup, decodeBinlogGroup } from '@kbinlog/binlog';
import {
  type MariaDbServer,
  MemcachedTestClient,
  SQL_ACCOUNT,
  nodeFlags,
  queryRows,
  readTopic,
  replayTable,
  resetNodeDatabases,
  type RunningService,
  sourceStatus,
  startService,
  tableByKey,
  testInfra,
  uniqueClusterName,
  waitFor,
  waitUntilReplicated,
  writeSourceAssignment,
} from '@kbinlog/testing';
import { createConnection } from 'mysql2/promise';

const infra = testInfra();
const DEMO = { schema: 'test', table: 'demo_test', keyColumn: 'c1' };
const STORED = 'STORED\r\n';

interface LoggedGroup {
  readonly offset: bigint;
  readonly group: BinlogGroup;
}

/** Every committed group of the log up to the source's position, in log order. */
async function loggedGroups(topic: string, source: RunningService): Promise<LoggedGroup[]> {
  const end = BigInt((await sourceStatus(source)).Position);
  const records = await readTopic(infra, topic, { until: (read) => read.some((record) => BigInt(record.offset) >= end - 1n) });
  return records
    .filter((record) => BigInt(record.offset) < end)
    .map((record) => ({ offset: BigInt(record.offset), group: decodeBinlogGroup(record.value === null ? null : Buffer.from(record.value), `${topic}-0:${record.offset}`) }));
}

/** The keys each group set in test.demo_test, with their values, in log order. */
function setsOf(groups: readonly LoggedGroup[]): { key: string; value: string | null }[] {
  return groups.flatMap(({ group }) =>
    group.events.flatMap((event) => (event.type !== 'statement' && event.type !== 'delete' && event.table === 'demo_test' ? [{ key: String(event.after['c1']), value: event.after['c2'] }] : [])),
  );
}

/**
 * Kafka transactions the groups came in: offsets inside one transaction are contiguous, and each
 * commit writes a marker at the next offset, so a new transaction starts after every gap.
 */
function transactionsOf(groups: readonly LoggedGroup[]): number {
  return groups.filter((entry, index) => index === 0 || entry.offset !== groups[index - 1].offset + 1n).length;
}

/** A source whose keyed batches are exactly 10 writes: a one-second wait fills them. */
function startTenBatchSource(cluster: string, server: MariaDbServer): Promise<RunningService> {
  return startService('source', [
    ...nodeFlags(infra, { cluster, server, nodeName: 'source', serverId: 1 }),
    ...['--memcached-port', '0', '--mysql-port', '0', '--group-commit-max-batch', '10', '--group-commit-max-wait-us', '1000000'],
  ]);
}

async function connectClients(source: RunningService, count: number): Promise<MemcachedTestClient[]> {
  const port = (await sourceStatus(source)).Memcached_Port;
  return Promise.all(Array.from({ length: count }, () => MemcachedTestClient.connect(port)));
}

/** Each client sets its keys at the same moment as the others; the replies, per client. */
function setTogether(clients: readonly MemcachedTestClient[], key: (client: number) => string): Promise<string[]> {
  return Promise.all(clients.map((client, index) => client.set(key(index), `v-${key(index)}`).catch(() => 'connection lost')));
}

/** Every client sets `<prefix>-<client>-1…count` one after another; the replies other than STORED. */
async function notStored(clients: readonly MemcachedTestClient[], prefix: string, count: number): Promise<string[]> {
  const replies = await Promise.all(
    clients.map(async (client, index) => {
      const answers: string[] = [];
      for (let n = 1; n <= count; n++) answers.push(await client.set(`${prefix}-${index}-${n}`, `v${n}`));
      return answers;
    }),
  );
  return replies.flat().filter((reply) => reply !== STORED);
}

/** Ten SQL clients insert c-0…c-9 at once, each an autocommit transaction; "STORED" for each acknowledged. */
async function insertTogether(source: RunningService): Promise<string[]> {
  const port = (await sourceStatus(source)).Mysql_Port;
  if (port === null) throw new Error('the source runs without a MySQL port');
  const connections = await Promise.all(Array.from({ length: 10 }, () => createConnection({ host: '127.0.0.1', port, ...SQL_ACCOUNT })));
  try {
    // Each session's first statement is its slowest (the front door's setup): none of them a write, so the inserts arrive together.
    await Promise.all(connections.map((connection) => connection.query('SELECT c1 FROM test.demo_test LIMIT 1')));
    return await Promise.all(
      connections.map((connection, index) =>
        connection.query('INSERT INTO test.demo_test (c1, c2) VALUES (?, ?)', [`c-${index}`, `v-c-${index}`]).then(
          () => STORED,
          (error: Error) => `error: ${error.message}`,
        ),
      ),
    );
  } finally {
    for (const connection of connections) connection.destroy();
  }
}

/**
 * The crash cases: a source on its own server whose batches wait (up to 1 s) for ten commits,
 * started with `fault`; ten clients write c-0…c-9 at once, as memcached sets (one keyed batch)
 * or as SQL inserts (one batch of session transactions). What the store held before, the
 * replies, and the keys acknowledged.
 */
async function tenWritesUnder(flags: readonly string[], fault: string, server: MariaDbServer, through: 'memcached' | 'sql') {
  const source = await startService('source', [...flags, ...['--group-commit-max-batch', '10', '--group-commit-max-wait-us', '1000000', '--fault-injection', fault]]);
  const seeded = await tableByKey(server);
  let replies: string[];
  if (through === 'sql') replies = await insertTogether(source);
  else {
    const clients = await connectClients(source, 10);
    replies = await setTogether(clients, (index) => `c-${index}`);
    for (const client of clients) client.close();
  }
  const acknowledged = replies.flatMap((reply, index) => (reply === STORED ? [`c-${index}`] : []));
  return { source, seeded, acknowledged };
}

/** The groups that set the crash cases' c- keys, in log order. */
function batchOf(groups: readonly LoggedGroup[]): LoggedGroup[] {
  return groups.filter((entry) => setsOf([entry]).some(({ key }) => key.startsWith('c-')));
}

/** Where a restarted source's catch-up started (its catch_up.started line). */
function catchUpFrom(service: RunningService): string | undefined {
  return service.output.map((line) => JSON.parse(line) as { event?: string; from?: string }).find((entry) => entry.event === 'catch_up.started')?.from;
}

/** The store equals the log's replay up to the source's position; returns the stored rows. */
async function expectStoreEqualsLog(service: RunningService, topic: string, server: MariaDbServer, seeded: Map<string, Record<string, string | null>>) {
  const logged = await replayTable(infra, topic, DEMO, BigInt((await sourceStatus(service)).Position), seeded);
  const stored = await tableByKey(server);
  expect([...stored.entries()].sort()).toEqual([...logged.entries()].sort());
  return stored;
}

describe('group commit on a source with many clients', () => {
  const [server, replicaServer] = infra.mariadb;
  const cluster = uniqueClusterName('groupcommit');
  const topic = `kbinlog.${cluster}.binlog`;
  let source: RunningService;
  let replica: RunningService;
  let clients: MemcachedTestClient[] = [];

  beforeAll(async () => {
    await resetNodeDatabases(server);
    await resetNodeDatabases(replicaServer);
    source = await startService('source', [...nodeFlags(infra, { cluster, server, nodeName: 'source', serverId: 1 }), '--memcached-port', '0', '--mysql-port', '0']);
    replica = await startService('replica', nodeFlags(infra, { cluster, server: replicaServer, nodeName: 'replica-1', serverId: 2 }));
    clients = await connectClients(source, 50);
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await replica?.stop();
    await source?.stop();
  });

  it('acknowledges every write of 50 concurrent clients, each its own group, in fewer Kafka transactions', async () => {
    expect(await notStored(clients, 'many', 20)).toEqual([]);

    const groups = (await loggedGroups(topic, source)).filter(({ group }) => setsOf([{ offset: 0n, group }]).some(({ key }) => key.startsWith('many-')));
    expect(groups).toHaveLength(1000);
    // One client write, one group: no group holds two of them.
    expect(setsOf(groups)).toHaveLength(1000);
    expect(new Set(groups.map(({ group }) => group.gtid)).size).toBe(1000);
    const transactions = transactionsOf(groups);
    expect(transactions).toBeLessThan(groups.length / 2);

    const stored = await tableByKey(server);
    for (let index = 0; index < 50; index++) for (let n = 1; n <= 20; n++) expect(stored.get(`many-${index}-${n}`)?.['c2']).toBe(`v${n}`);
  });

  it('keeps the order of concurrent writes to one key: the source and the replica hold the last logged value', async () => {
    const writers = clients.slice(0, 20);
    const replies = await Promise.all(
      writers.map(async (client, index) => {
        const answers: string[] = [];
        for (let n = 1; n <= 10; n++) answers.push(await client.set('hot', `c${index}.${n}`));
        return answers;
      }),
    );
    expect(replies.flat().filter((reply) => reply !== STORED)).toEqual([]);

    const hot = setsOf(await loggedGroups(topic, source)).filter(({ key }) => key === 'hot');
    expect(hot).toHaveLength(200);
    // Each client waited for its answer before its next set: its values appear in its own order.
    for (let index = 0; index < writers.length; index++) {
      const own = hot.filter(({ value }) => value?.startsWith(`c${index}.`)).map(({ value }) => Number(value?.split('.')[1]));
      expect(own).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    }
    const last = hot[hot.length - 1].value;
    expect((await tableByKey(server)).get('hot')?.['c2']).toBe(last);
    await waitUntilReplicated(source, replica);
    expect((await tableByKey(replicaServer)).get('hot')?.['c2']).toBe(last);
    expect([...(await tableByKey(replicaServer)).entries()].sort()).toEqual([...(await tableByKey(server)).entries()].sort());
  });
});

describe('group commit when the Kafka commit fails', () => {
  const server = infra.mariadb[2];
  const cluster = uniqueClusterName('gcfail');
  const topic = `kbinlog.${cluster}.binlog`;
  let source: RunningService;
  let clients: MemcachedTestClient[] = [];

  beforeAll(async () => {
    await resetNodeDatabases(server);
    // Batches of exactly 10 (a long wait fills them); the second Kafka commit fails.
    source = await startService('source', [
      ...nodeFlags(infra, { cluster, server, nodeName: 'source', serverId: 1 }),
      ...['--memcached-port', '0', '--mysql-port', '0', '--group-commit-max-batch', '10', '--group-commit-max-wait-us', '1000000'],
      ...['--fault-injection', 'fail-log-commit@2'],
    ]);
    clients = await connectClients(source, 10);
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await source?.stop();
  });

  it('fails every write of the batch, stores none of them, and takes later writes', async () => {
    expect(await setTogether(clients, (index) => `ok-${index}`)).toEqual(Array(10).fill(STORED));
    const failed = await setTogether(clients, (index) => `bad-${index}`);
    for (const reply of failed) expect(reply).toMatch(/^SERVER_ERROR write not stored: injected fault: fail-log-commit\r\n$/);
    // The abort's outcome is known (nothing reached the log): the source stays up.
    expect(await setTogether(clients, (index) => `after-${index}`)).toEqual(Array(10).fill(STORED));
    expect(source.process.exitCode).toBeNull();
    expect(source.output.some((line) => line.includes('"event":"source.fatal"'))).toBe(false);

    const stored = await tableByKey(server);
    const logged = setsOf(await loggedGroups(topic, source)).map(({ key }) => key);
    for (let index = 0; index < 10; index++) {
      expect(stored.has(`bad-${index}`)).toBe(false);
      expect(logged).not.toContain(`bad-${index}`);
      expect(stored.get(`ok-${index}`)?.['c2']).toBe(`v-ok-${index}`);
      expect(stored.get(`after-${index}`)?.['c2']).toBe(`v-after-${index}`);
    }
    expect(logged.sort()).toEqual([...Array.from({ length: 10 }, (_, index) => `after-${index}`), ...Array.from({ length: 10 }, (_, index) => `ok-${index}`)].sort());
  });
});

describe('a source killed between the log commit and the database commit of a keyed batch', () => {
  const server = infra.mariadb[1];
  const cluster = uniqueClusterName('gckeyed');
  const topic = `kbinlog.${cluster}.binlog`;
  const flags = [...nodeFlags(infra, { cluster, server, nodeName: 'source', serverId: 1 }), '--memcached-port', '0', '--mysql-port', '0'];
  let restarted: RunningService | undefined;

  beforeAll(async () => {
    await resetNodeDatabases(server);
  });

  afterAll(async () => {
    await restarted?.stop();
  });

  it('acknowledges none of the batch, and at restart applies all of it from the log, each write its own group', async () => {
    const { source: crashing, seeded, acknowledged } = await tenWritesUnder(flags, 'after-log-commit@1', server, 'memcached');
    await crashing.stop();
    expect(crashing.process.signalCode).toBe('SIGKILL');
    expect(acknowledged).toEqual([]);
    // One database transaction for the batch: it never committed, so none of it is stored.
    expect([...(await tableByKey(server)).keys()].filter((key) => key.startsWith('c-'))).toEqual([]);

    const recovered = await startService('source', flags);
    restarted = recovered;
    expect(recovered.output.filter((line) => line.includes('"event":"applier.stopped"'))).toEqual([]);
    const batch = batchOf(await loggedGroups(topic, recovered));
    expect(batch).toHaveLength(10);
    expect(transactionsOf(batch)).toBe(1);
    expect(catchUpFrom(recovered)).toBe(String(batch[0].offset));
    const stored = await expectStoreEqualsLog(recovered, topic, server, seeded);
    for (let index = 0; index < 10; index++) expect(stored.get(`c-${index}`)?.['c2']).toBe(`v-c-${index}`);
    expect((await sourceStatus(recovered)).Executed_Gtid_Set).toMatch(/^[0-9a-f-]{36}:1-10$/);
  });
});

describe('a source killed between the database commits of a batch of SQL transactions', () => {
  const server = infra.mariadb[3];
  const cluster = uniqueClusterName('gccrash');
  const topic = `kbinlog.${cluster}.binlog`;
  const flags = [...nodeFlags(infra, { cluster, server, nodeName: 'source', serverId: 1 }), '--memcached-port', '0', '--mysql-port', '0'];
  let restarted: RunningService | undefined;

  beforeAll(async () => {
    await resetNodeDatabases(server);
  });

  afterAll(async () => {
    await restarted?.stop();
  });

  it('loses no acknowledged write and applies none twice, whichever of the batch committed: after restart the store equals the log', async () => {
    const { source: crashing, seeded, acknowledged } = await tenWritesUnder(flags, 'after-session-commit@5', server, 'sql');
    await crashing.stop();
    expect(crashing.process.signalCode).toBe('SIGKILL');
    expect(acknowledged.length).toBeLessThanOrEqual(5);

    // The batch's commits ran at once and the crash came as the fifth completed: at least five
    // committed, any of the others may have, in no particular order. All ten are in the log.
    const committed = new Set([...(await tableByKey(server)).keys()].filter((key) => key.startsWith('c-')));
    expect(committed.size).toBeGreaterThanOrEqual(5);
    for (const key of acknowledged) expect(committed.has(key)).toBe(true);

    const recovered = await startService('source', flags);
    restarted = recovered;
    expect(recovered.output.some((line) => line.includes('"event":"catch_up.done"'))).toBe(true);
    // A group applied twice would have stopped the catch-up (STRICT: its insert finds its row).
    expect(recovered.output.filter((line) => line.includes('"event":"applier.stopped"'))).toEqual([]);
    const status = await sourceStatus(recovered);
    const batch = batchOf(await loggedGroups(topic, recovered));
    // The restart resumed at the first group of the batch the store lacked (past the batch if it
    // lacked none): nothing below it is missing, the committed ones after it are skipped by GTID.
    const firstMissing = batch.find((entry) => !setsOf([entry]).every(({ key }) => committed.has(key)));
    expect(catchUpFrom(recovered)).toBe(String(firstMissing?.offset ?? batch[batch.length - 1].offset + 1n));

    const stored = await expectStoreEqualsLog(recovered, topic, server, seeded);
    for (const key of acknowledged) expect(stored.get(key)?.['c2']).toBe(`v-${key}`);
    // Every write of the batch is in the log once, and the executed set has no gap.
    expect(setsOf(batch).map(({ key }) => key).sort()).toEqual(Array.from({ length: 10 }, (_, index) => `c-${index}`).sort());
    expect(status.Executed_Gtid_Set).toMatch(/^[0-9a-f-]{36}:1-10$/);

    const again = await MemcachedTestClient.connect(status.Memcached_Port);
    expect(await again.set('after-restart', 'ok')).toBe(STORED);
    again.close();
    expect((await sourceStatus(recovered)).Executed_Gtid_Set).toMatch(/^[0-9a-f-]{36}:1-11$/);
  });
});

describe('a source whose database refused one commit in the middle of a batch of SQL transactions', () => {
  const server = infra.mariadb[5];
  const cluster = uniqueClusterName('gchole');
  const topic = `kbinlog.${cluster}.binlog`;
  const flags = [...nodeFlags(infra, { cluster, server, nodeName: 'source', serverId: 1 }), '--memcached-port', '0', '--mysql-port', '0'];
  let restarted: RunningService | undefined;

  beforeAll(async () => {
    await resetNodeDatabases(server);
  });

  afterAll(async () => {
    await restarted?.stop();
  });

  it('stops with the batch committed but its third transaction, and at restart fills that hole alone', async () => {
    const { source: failing, seeded, acknowledged } = await tenWritesUnder(flags, 'fail-session-commit@3', server, 'sql');
    await waitFor(() => failing.process.exitCode !== null, { description: 'the source to stop', timeoutMs: 10_000 });
    expect(failing.process.exitCode).toBe(70);
    const committed = [...(await tableByKey(server)).keys()].filter((key) => key.startsWith('c-'));

    const recovered = await startService('source', flags);
    restarted = recovered;
    const batch = batchOf(await loggedGroups(topic, recovered));
    expect(batch).toHaveLength(10);
    const hole = setsOf([batch[2]]).map(({ key }) => key);
    expect(hole).toHaveLength(1);
    // Every transaction of the batch committed but the third in log order: the later ones too,
    // so what the store held was no prefix of the batch.
    expect(committed.sort()).toEqual(setsOf(batch).map(({ key }) => key).filter((key) => key !== hole[0]).sort());
    expect(acknowledged).not.toContain(hole[0]);

    // The restart resumed at the hole: the two groups before it are not read again.
    expect(catchUpFrom(recovered)).toBe(String(batch[2].offset));
    expect(recovered.output.filter((line) => line.includes('"event":"applier.stopped"'))).toEqual([]);

    const status = await sourceStatus(recovered);
    const stored = await expectStoreEqualsLog(recovered, topic, server, seeded);
    for (const key of acknowledged) expect(stored.get(key)?.['c2']).toBe(`v-${key}`);
    expect(stored.get(hole[0])?.['c2']).toBe(`v-${hole[0]}`);
    expect(status.Executed_Gtid_Set).toMatch(/^[0-9a-f-]{36}:1-10$/);
  });
});

describe('group commit with heartbeats and more clients than a batch', () => {
  const server = infra.mariadb[4];
  const cluster = uniqueClusterName('gcbeat');
  const topic = `kbinlog.${cluster}.binlog`;
  let source: RunningService;
  let clients: MemcachedTestClient[] = [];

  beforeAll(async () => {
    await resetNodeDatabases(server);
    // Batches of 4 (a pool of 14): 40 writing clients are far more than the pool.
    source = await startService('source', [
      ...nodeFlags(infra, { cluster, server, nodeName: 'source', serverId: 1 }),
      ...['--memcached-port', '0', '--mysql-port', '0', '--group-commit-max-batch', '4', '--heartbeat-interval-ms', '20', '--topology-interval-ms', '500'],
    ]);
    await writeSourceAssignment(infra, cluster, 'source', 1, 'adopted');
    await waitFor(() => source.output.some((line) => line.includes('"event":"heartbeat.started"')), { description: 'the source to start heartbeats', timeoutMs: 10_000 });
    clients = await connectClients(source, 40);
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await source?.stop();
  });

  it('keeps taking writes: a heartbeat in the queue always finds a connection', async () => {
    expect(await notStored(clients, 'beat', 10)).toEqual([]);
    const groups = await loggedGroups(topic, source);
    expect(setsOf(groups).filter(({ key }) => key.startsWith('beat-'))).toHaveLength(400);
    // Heartbeats (groups without events) ran between the writes' batches.
    const first = groups.findIndex(({ group }) => group.events.length > 0);
    expect(groups.slice(first).some(({ group }) => group.events.length === 0)).toBe(true);
  });
});

describe('a keyed batch one of whose rows a SQL transaction holds', () => {
  const server = infra.mariadb[2];
  const cluster = uniqueClusterName('gclock');
  const topic = `kbinlog.${cluster}.binlog`;
  let source: RunningService;
  let clients: MemcachedTestClient[] = [];
  let seeded: Map<string, Record<string, string | null>>;

  beforeAll(async () => {
    await resetNodeDatabases(server);
    // Batches of exactly 10 (a long wait fills them).
    source = await startTenBatchSource(cluster, server);
    seeded = await tableByKey(server);
    clients = await connectClients(source, 10);
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await source?.stop();
  });

  it('stores the rest of the batch at once; the held write waits alone and is stored after the SQL transaction, each in log order', async () => {
    expect(await clients[3].set('c-3', 'before')).toBe(STORED);
    const port = (await sourceStatus(source)).Mysql_Port;
    if (port === null) throw new Error('the source runs without a MySQL port');
    const holder = await createConnection({ host: '127.0.0.1', port, ...SQL_ACCOUNT });
    try {
      await holder.query('BEGIN');
      await holder.query("UPDATE test.demo_test SET c2 = 'by-sql' WHERE c1 = 'c-3'");

      const replies = clients.map((client, index) => client.set(`c-${index}`, `v-c-${index}`).catch((error: Error) => `error: ${error.message}`));
      const others = await Promise.all(replies.filter((_, index) => index !== 3));
      expect(others).toEqual(Array.from({ length: 9 }, () => STORED));
      // The nine are in the log and the store while the SQL transaction still holds c-3.
      const whileHeld = await tableByKey(server);
      for (let index = 0; index < 10; index++) if (index !== 3) expect(whileHeld.get(`c-${index}`)?.['c2']).toBe(`v-c-${index}`);
      expect(whileHeld.get('c-3')?.['c2']).toBe('before');
      let heldAnswered = false;
      void replies[3].then(() => (heldAnswered = true));
      expect(heldAnswered).toBe(false);

      await holder.query('COMMIT');
      expect(await replies[3]).toBe(STORED);
    } finally {
      await holder.end();
    }

    // The SQL transaction committed first, so the set that waited for it is the row's last value.
    const logged = setsOf(await loggedGroups(topic, source)).filter(({ key }) => key === 'c-3').map(({ value }) => value);
    expect(logged).toEqual(['before', 'by-sql', 'v-c-3']);
    expect((await tableByKey(server)).get('c-3')?.['c2']).toBe('v-c-3');
    const stored = await expectStoreEqualsLog(source, topic, server, seeded);
    expect(stored.size).toBe(seeded.size + 10);
  });
});

describe('a keyed batch one of whose rows a SQL transaction holds past the lock wait timeout', () => {
  const server = infra.mariadb[1];
  const cluster = uniqueClusterName('gctimeout');
  const topic = `kbinlog.${cluster}.binlog`;
  let source: RunningService;
  let clients: MemcachedTestClient[] = [];
  let seeded: Map<string, Record<string, string | null>>;

  beforeAll(async () => {
    await resetNodeDatabases(server);
    // The source's connections open with this timeout (the keyed batch's own is 0 whatever it is).
    await queryRows(server, 'SET GLOBAL innodb_lock_wait_timeout = 2');
    source = await startTenBatchSource(cluster, server);
    seeded = await tableByKey(server);
    clients = await connectClients(source, 10);
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await source?.stop();
    await queryRows(server, 'SET GLOBAL innodb_lock_wait_timeout = 50');
  });

  it('fails the held write alone after the timeout, stores the other nine, and logs nothing for the failed one', async () => {
    expect(await clients[3].set('c-3', 'before')).toBe(STORED);
    const port = (await sourceStatus(source)).Mysql_Port;
    if (port === null) throw new Error('the source runs without a MySQL port');
    const holder = await createConnection({ host: '127.0.0.1', port, ...SQL_ACCOUNT });
    let held: string;
    try {
      await holder.query('BEGIN');
      await holder.query("UPDATE test.demo_test SET c2 = 'by-sql' WHERE c1 = 'c-3'");
      const replies = await Promise.all(clients.map((client, index) => client.set(`c-${index}`, `v-c-${index}`).catch((error: Error) => `error: ${error.message}`)));
      held = replies[3];
      expect(replies.filter((_, index) => index !== 3)).toEqual(Array.from({ length: 9 }, () => STORED));
      await holder.query('COMMIT');
    } finally {
      await holder.end();
    }
    expect(held).toMatch(/^SERVER_ERROR .*[Ll]ock wait timeout/);

    const logged = setsOf(await loggedGroups(topic, source)).filter(({ key }) => key === 'c-3').map(({ value }) => value);
    expect(logged).toEqual(['before', 'by-sql']);
    const stored = await expectStoreEqualsLog(source, topic, server, seeded);
    expect(stored.get('c-3')?.['c2']).toBe('by-sql');
    for (let index = 0; index < 10; index++) if (index !== 3) expect(stored.get(`c-${index}`)?.['c2']).toBe(`v-c-${index}`);
    // The source took writes again at once.
    expect(await clients[3].set('c-3', 'after')).toBe(STORED);
  });
});
