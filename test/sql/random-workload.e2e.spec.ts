/**
 * A seeded random workload through the source: 10,000 SQL statements from four concurrent
 * clients, mixing every DML form (multi-row INSERT, INSERT … SELECT, ON DUPLICATE KEY UPDATE,
 * REPLACE, UPDATE and DELETE with ranges, ORDER BY … LIMIT, multi-table UPDATE and DELETE, a
 * keyless table), non-deterministic functions, transactions that commit, roll back or lose
 * their connection, with memcached writes in between. Afterwards both full replicas equal the
 * source table by table, and three replicas with replication filters hold exactly their subset.
 *
 * KBINLOG_WORKLOAD_SEED replays a run; the seed is printed either way.
 */
import {
  dumpSchema,
  getJson,
  type MariaDbServer,
  MemcachedTestClient,
  nodeFlags,
  queryRows,
  resetNodeDatabases,
  type RunningService,
  seededRandom,
  startService,
  testInfra,
  uniqueClusterName,
  waitUntilReplicated,
} from '@kbinlog/testing';
import { type Connection, createConnection } from 'mysql2/promise';

// About two minutes on 2 cores; more when the machine is shared.
jest.setTimeout(480_000);

const STATEMENTS = 10_000;
const SQL_CLIENTS = 4;
const SEED = Number(process.env['KBINLOG_WORKLOAD_SEED'] ?? 20261125);
const infra = testInfra();
const cluster = uniqueClusterName('workload');
const SCHEMAS = ['shop', 'scratch', 'scratch_copy'];
/**
 * Errors the workload provokes on purpose (duplicate names) or may meet: deadlock victims, also
 * on a table's AUTO-INC lock (an INSERT … SELECT into shop.audit), which MariaDB reports as 1467.
 */
const EXPECTED_ERRNOS = new Set([1062, 1213, 1467]);

const SETUP = [
  'CREATE DATABASE shop',
  'CREATE DATABASE scratch',
  'USE shop',
  'CREATE TABLE items (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40) NOT NULL UNIQUE, price DECIMAL(10,2) NOT NULL, stock INT NOT NULL DEFAULT 0, updated DATETIME(6))',
  'CREATE TABLE orders (id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, item_id INT NOT NULL, qty INT NOT NULL, note VARCHAR(100), created DATETIME)',
  'CREATE TABLE audit (id INT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(100) NOT NULL, at DATETIME(6) NOT NULL)',
  'CREATE TABLE tmp_stats (k VARCHAR(20) PRIMARY KEY, v INT NOT NULL)',
  'USE scratch',
  'CREATE TABLE kv (k VARCHAR(20) PRIMARY KEY, v VARCHAR(100))',
  'CREATE TABLE log (id INT AUTO_INCREMENT PRIMARY KEY, msg VARCHAR(100) NOT NULL)',
  'CREATE TABLE bag (a INT, b VARCHAR(10))',
];

/** One random DML or read statement. */
function statementOf(rand: () => number): string {
  const int = (n: number) => Math.floor(rand() * n);
  const name = `item-${int(150)}`;
  const choice = int(17);
  switch (choice) {
    case 0:
      return `INSERT INTO shop.items (name, price, stock, updated) VALUES ('${name}', ${(1 + int(9999) / 100).toFixed(2)}, ${int(20)}, NOW(6))`;
    case 1: {
      const rows = Array.from({ length: 1 + int(4) }, () => `(${1 + int(60)}, ${1 + int(5)}, 'n${int(1000)}', NOW())`);
      return `INSERT INTO shop.orders (item_id, qty, note, created) VALUES ${rows.join(', ')}`;
    }
    case 2:
      return `INSERT INTO shop.audit (what, at) SELECT CONCAT('low ', name), NOW(6) FROM shop.items WHERE stock < ${int(10)} ORDER BY id LIMIT ${1 + int(3)}`;
    case 3:
      return `INSERT INTO shop.tmp_stats (k, v) VALUES ('k${int(30)}', 1) ON DUPLICATE KEY UPDATE v = v + 1`;
    case 4:
      return `INSERT INTO shop.items (name, price, stock) VALUES ('${name}', ${(1 + int(500) / 100).toFixed(2)}, 1) ON DUPLICATE KEY UPDATE stock = stock + 1, price = VALUES(price)`;
    case 5:
      return `REPLACE INTO scratch.kv (k, v) VALUES ('k${int(40)}', CONCAT('v', FLOOR(RAND() * 1000000)))`;
    case 6: {
      const from = 1 + int(60);
      return `UPDATE shop.items SET stock = stock - ${1 + int(3)}, updated = NOW(6) WHERE id BETWEEN ${from} AND ${from + int(6)}`;
    }
    case 7:
      return `UPDATE shop.items SET price = price * 1.05 WHERE name LIKE 'item-${int(10)}%'`;
    case 8:
      return `DELETE FROM shop.orders WHERE item_id = ${1 + int(60)} ORDER BY id LIMIT ${1 + int(2)}`;
    case 9:
      return `UPDATE shop.items i JOIN shop.orders o ON o.item_id = i.id SET i.stock = i.stock + 1, o.note = 'touched ${int(100)}' WHERE o.id % 13 = ${int(13)}`;
    case 10:
      return `DELETE o FROM shop.orders o JOIN shop.items i ON i.id = o.item_id WHERE i.stock < ${-int(8)}`;
    case 11:
      return `INSERT INTO scratch.log (msg) VALUES (CONCAT(UUID(), ' ', ROUND(RAND(), 6)))`;
    case 12:
      return `INSERT INTO scratch.bag (a, b) VALUES (${int(5)}, ${int(2) === 0 ? 'NULL' : `'b${int(3)}'`})`;
    case 13:
      return `DELETE FROM scratch.bag WHERE a = ${int(5)} LIMIT 1`;
    case 14:
      return `UPDATE test.demo_test SET c3 = c3 + 1 WHERE c1 = 'mc-${int(20)}'`;
    case 15:
      return `SELECT COUNT(*), SUM(stock) FROM shop.items WHERE id > ${int(60)}`;
    default:
      return `SELECT i.name, COUNT(o.id) FROM shop.items i LEFT JOIN shop.orders o ON o.item_id = i.id GROUP BY i.id ORDER BY i.id LIMIT 5`;
  }
}

interface Tally {
  statements: number;
  committed: number;
  rolledBack: number;
  dropped: number;
  expectedErrors: number;
  memcached: number;
  unexpected: string[];
}

/** One SQL client: autocommit statements and transactions until the shared budget runs out. */
async function sqlClient(port: number, rand: () => number, tally: Tally): Promise<void> {
  // A default database: MariaDB refuses an aliased multi-table DELETE without one (1046).
  const open = () => createConnection({ host: '127.0.0.1', port, user: 'kbinlog', password: 'kbinlog', database: 'shop' });
  let connection: Connection = await open();
  const run = async (sql: string): Promise<boolean> => {
    tally.statements++;
    try {
      await connection.query(sql);
      return true;
    } catch (error) {
      const errno = (error as { errno?: number }).errno;
      if (errno !== undefined && EXPECTED_ERRNOS.has(errno)) tally.expectedErrors++;
      else tally.unexpected.push(`${sql} → ${String(error)}`);
      return errno !== 1213 && errno !== 1467;
    }
  };
  try {
    while (tally.statements < STATEMENTS) {
      const mode = rand();
      if (mode < 0.6) {
        await run(statementOf(rand));
        continue;
      }
      await run('BEGIN');
      const length = 2 + Math.floor(rand() * 5);
      let alive = true;
      for (let i = 0; i < length && alive; i++) alive = await run(statementOf(rand));
      if (!alive) continue; // a deadlock victim: the server rolled the transaction back (1467: maybe only the statement)
      if (mode < 0.9) {
        await run('COMMIT');
        tally.committed++;
      } else if (mode < 0.97) {
        await run('ROLLBACK');
        tally.rolledBack++;
      } else {
        // The client vanishes mid-transaction: nothing of it may be published.
        connection.destroy();
        tally.dropped++;
        connection = await open();
      }
    }
  } finally {
    await connection.end().catch(() => undefined);
  }
}

/** memcached writes between the SQL: sets, increments and deletes of mc-* rows in test.demo_test. */
async function memcachedClient(port: number, rand: () => number, tally: Tally): Promise<void> {
  const client = await MemcachedTestClient.connect(port);
  try {
    while (tally.statements < STATEMENTS) {
      const key = `mc-${Math.floor(rand() * 20)}`;
      const action = rand();
      const reply =
        action < 0.6
          ? await client.set(key, String(Math.floor(rand() * 1000)), 0)
          : action < 0.85
            ? await client.call(`incr ${key} ${1 + Math.floor(rand() * 9)}\r\n`)
            : await client.call(`delete ${key}\r\n`);
      tally.memcached++;
      if (!/^(STORED|DELETED|NOT_FOUND|\d+)\r\n$/.test(reply)) tally.unexpected.push(`memcached ${key} → ${reply.trim()}`);
    }
  } finally {
    client.close();
  }
}

describe('a seeded random SQL and memcached workload', () => {
  const [sourceServer, full1, full2, filtered1, filtered2, filtered3] = infra.mariadb;
  const filters: Record<string, string[]> = {
    'filter-db': ['--replicate-do-db', 'shop', '--replicate-ignore-table', 'shop.audit'],
    'filter-ignore': ['--replicate-ignore-db', 'scratch', '--replicate-wild-ignore-table', 'shop.tmp\\_%'],
    'filter-tables': ['--replicate-do-table', 'shop.orders', '--replicate-wild-do-table', 'scratch_copy.k%,test.%', '--replicate-rewrite-db', 'scratch->scratch_copy'],
  };
  let source: RunningService;
  const replicas = new Map<string, RunningService>();
  const tally: Tally = { statements: 0, committed: 0, rolledBack: 0, dropped: 0, expectedErrors: 0, memcached: 0, unexpected: [] };

  beforeAll(async () => {
    if (infra.mariadb.length < 6) throw new Error(`this test needs six MariaDB servers (source, two full replicas, three filtered); the run has ${infra.mariadb.length}`);
    for (const server of infra.mariadb.slice(0, 6)) {
      await resetNodeDatabases(server);
      for (const schema of SCHEMAS) await queryRows(server, `DROP DATABASE IF EXISTS \`${schema}\``);
    }
    // As with MySQL's replicate-rewrite-db, the target database exists on the replica.
    await queryRows(filtered3, 'CREATE DATABASE scratch_copy');
    source = await startService('source', [...nodeFlags(infra, { cluster, server: sourceServer, nodeName: 'source', serverId: 1 }), '--memcached-port', '0', '--mysql-port', '0']);
    const nodes: [string, MariaDbServer, string[]][] = [
      ['full-1', full1, []],
      ['full-2', full2, []],
      ['filter-db', filtered1, filters['filter-db']],
      ['filter-ignore', filtered2, filters['filter-ignore']],
      ['filter-tables', filtered3, filters['filter-tables']],
    ];
    for (const [index, [name, server, flags]] of nodes.entries()) {
      replicas.set(name, await startService('replica', [...nodeFlags(infra, { cluster, server, nodeName: name, serverId: index + 2 }), ...flags]));
    }
  });

  afterAll(async () => {
    for (const replica of replicas.values()) await replica.stop();
    await source?.stop();
  });

  it(`runs ${STATEMENTS} statements from ${SQL_CLIENTS} clients with memcached writes between (seed ${SEED})`, async () => {
    const status = await getJson<{ Mysql_Port: number; Memcached_Port: number }>(`${source.httpUrl}/status`);
    const setup = await createConnection({ host: '127.0.0.1', port: status.Mysql_Port, user: 'kbinlog', password: 'kbinlog' });
    try {
      for (const sql of SETUP) await setup.query(sql);
    } finally {
      await setup.end();
    }
    const started = Date.now();
    await Promise.all([
      ...Array.from({ length: SQL_CLIENTS }, (_, index) => sqlClient(status.Mysql_Port, seededRandom(SEED + index), tally)),
      memcachedClient(status.Memcached_Port, seededRandom(SEED + 100), tally),
    ]);
    process.stdout.write(`workload seed ${SEED}: ${JSON.stringify({ ...tally, unexpected: tally.unexpected.length, ms: Date.now() - started })}\n`);
    expect(tally.unexpected).toEqual([]);
    expect(tally.statements).toBeGreaterThanOrEqual(STATEMENTS);
    // The mix really happened: transactions of each ending, lost connections, memcached writes.
    expect(tally.committed).toBeGreaterThan(0);
    expect(tally.rolledBack).toBeGreaterThan(0);
    expect(tally.dropped).toBeGreaterThan(0);
    expect(tally.memcached).toBeGreaterThan(0);
  });

  it('leaves both full replicas equal to the source, table by table', async () => {
    for (const name of ['full-1', 'full-2']) await waitUntilReplicated(source, replicas.get(name) as RunningService, 60_000);
    for (const schema of ['shop', 'scratch', 'test']) {
      const expected = await dumpSchema(sourceServer, schema);
      expect(Object.keys(expected).length).toBeGreaterThan(0);
      for (const server of [full1, full2]) expect({ schema, tables: await dumpSchema(server, schema) }).toEqual({ schema, tables: expected });
    }
  });

  it('gives each filtered replica exactly its subset', async () => {
    for (const name of Object.keys(filters)) await waitUntilReplicated(source, replicas.get(name) as RunningService, 60_000);
    const shop = await dumpSchema(sourceServer, 'shop');
    const scratch = await dumpSchema(sourceServer, 'scratch');
    const test = await dumpSchema(sourceServer, 'test');
    const pick = (dump: Record<string, unknown>, tables: string[]) => Object.fromEntries(tables.map((table) => [table, dump[table]]));

    // do-db shop, ignore-table shop.audit: shop without audit; nothing of scratch; test as bootstrapped.
    expect(await dumpSchema(filtered1, 'shop')).toEqual(pick(shop, ['items', 'orders', 'tmp_stats']));
    expect(await dumpSchema(filtered1, 'scratch')).toEqual({});
    expect(await queryRows(filtered1, 'SELECT c1, c2 FROM test.demo_test')).toEqual([{ c1: 'AA', c2: 'HELLO, HELLO' }]);

    // ignore-db scratch, wild-ignore-table shop.tmp\_%: everything else.
    expect(await dumpSchema(filtered2, 'shop')).toEqual(pick(shop, ['audit', 'items', 'orders']));
    expect(await dumpSchema(filtered2, 'scratch')).toEqual({});
    expect(await dumpSchema(filtered2, 'test')).toEqual(test);

    // do-table shop.orders, wild-do-table scratch_copy.k%,test.%, rewrite-db scratch->scratch_copy.
    expect(await dumpSchema(filtered3, 'shop')).toEqual(pick(shop, ['orders']));
    expect(await dumpSchema(filtered3, 'scratch_copy')).toEqual(pick(scratch, ['kv']));
    expect(await dumpSchema(filtered3, 'test')).toEqual(test);
  });
});
