/**
 * The source's memcached front door, end to end: every command and every error reply of the
 * text protocol and its limits, as /work/shared/reference/memcached.md states them, sent as raw
 * bytes over TCP to the running source process (as telnet would) and compared byte for byte.
 * Deliberate differences are those documented in libs/memcached-protocol/README.md and
 * libs/innodb-memcache/README.md.
 *
 * Each test uses its own keys, so tests do not depend on each other's order or data.
 */
import { CONFIG_BOOTSTRAP } from '@kbinlog/innodb-memcache';
import { nodeFlags, resetNodeDatabases, type RunningService, startService, testInfra, uniqueClusterName, waitFor } from '@kbinlog/testing';
import { type Connection, createConnection, type RowDataPacket } from 'mysql2/promise';
import { bytes, MemcachedTextClient } from './memcached-client';

const infra = testInfra();
const server = infra.mariadb[0];
const cluster = uniqueClusterName('mc');

const ONE_MIB = 1024 * 1024;
const THIRTY_DAYS = 2_592_000;
const U64_MAX = '18446744073709551615';

let source: RunningService;
let memcachedPort: number;
let mariadb: Connection;
const clients: MemcachedTextClient[] = [];

/** A fresh connection, closed after the test. */
async function connect(): Promise<MemcachedTextClient> {
  const client = await MemcachedTextClient.connect(memcachedPort);
  clients.push(client);
  return client;
}

/** A key no other test uses; short enough for test.demo_test.c1 (VARCHAR(32)). */
let keyCounter = 0;
const runTag = Math.random().toString(36).slice(2, 6);
function uniqueKey(name: string): string {
  return `${runTag}${++keyCounter}-${name}`.slice(0, 32);
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** `set` that must succeed. */
async function set(client: MemcachedTextClient, key: string, value: string, flags = 0, exptime = 0): Promise<void> {
  const length = Buffer.byteLength(value);
  expect(await client.request(`set ${key} ${flags} ${exptime} ${length}\r\n${value}\r\n`)).toBe('STORED\r\n');
}

/** The reply a get of one hit gives. */
function hit(key: string, value: string, flags = 0): string {
  return `VALUE ${key} ${flags} ${Buffer.byteLength(value)}\r\n${bytes(value)}\r\n`;
}

/** The cas unique `gets` returns for a key that must exist. */
async function casOf(client: MemcachedTextClient, key: string): Promise<bigint> {
  const reply = await client.request(`gets ${key}\r\n`);
  const match = /^VALUE \S+ \d+ \d+ (\d+)\r\n/.exec(reply);
  if (!match) throw new Error(`gets ${key} did not hit: ${JSON.stringify(reply)}`);
  return BigInt(match[1]);
}

interface DemoRow {
  c1: string;
  c2: string | null;
  c3: number | null;
  c4: string | null;
  c5: number | null;
}

/** The row of `key` in test.demo_test (c4 as a decimal string: BIGINT UNSIGNED). */
async function demoRow(key: string): Promise<DemoRow | undefined> {
  const [rows] = await mariadb.query<RowDataPacket[]>('SELECT c1, c2, c3, CAST(c4 AS CHAR) AS c4, c5 FROM test.demo_test WHERE c1 = ?', [key]);
  return rows[0] as DemoRow | undefined;
}

beforeAll(async () => {
  await resetNodeDatabases(server);
  mariadb = await createConnection({ host: server.host, port: server.port, user: server.user, password: server.password });
  // A second container whose key column holds memcached's longest key (250 bytes): the demo
  // table's c1 is VARCHAR(32). Registered before the source starts, which reads containers once.
  for (const statement of CONFIG_BOOTSTRAP) await mariadb.query(statement.sql);
  await mariadb.query(
    'CREATE TABLE test.wide_keys (k VARCHAR(250) NOT NULL, v VARCHAR(64), f INT UNSIGNED, c BIGINT UNSIGNED, e INT, PRIMARY KEY (k))' +
      ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
  );
  await mariadb.query("INSERT INTO innodb_memcache.containers VALUES ('wide', 'test', 'wide_keys', 'k', 'v', 'f', 'c', 'e', 'PRIMARY')");

  source = await startService('source', [
    ...nodeFlags(infra, { cluster, server, nodeName: 'source', serverId: 1 }),
    '--memcached-port',
    '0',
    '--mysql-port',
    '0',
  ]);
  memcachedPort = await waitFor(
    async () => {
      const response = await fetch(`${source.httpUrl}/status`);
      if (!response.ok) return undefined;
      const status = (await response.json()) as { Memcached_Port?: number };
      return typeof status.Memcached_Port === 'number' && status.Memcached_Port > 0 ? status.Memcached_Port : undefined;
    },
    { description: 'the source to report its memcached port in GET /status', timeoutMs: 20_000 },
  );
}, 60_000);

afterEach(() => {
  for (const client of clients.splice(0)) {
    client.assertNothingPending();
    client.close();
  }
});

afterAll(async () => {
  for (const client of clients.splice(0)) client.close();
  await mariadb?.end();
  await source?.stop();
});

describe('storage commands: set, add, replace, append, prepend', () => {
  it('set stores and overwrites; get returns flags, length and data', async () => {
    const client = await connect();
    const key = uniqueKey('set');
    expect(await client.request(`set ${key} 5 0 5\r\nhello\r\n`)).toBe('STORED\r\n');
    expect(await client.request(`get ${key}\r\n`)).toBe(`${hit(key, 'hello', 5)}END\r\n`);
    expect(await client.request(`set ${key} 6 0 3\r\nbye\r\n`)).toBe('STORED\r\n');
    expect(await client.request(`get ${key}\r\n`)).toBe(`${hit(key, 'bye', 6)}END\r\n`);
  });

  it('set stores an empty value and a value of UTF-8 text, counted in bytes', async () => {
    const client = await connect();
    const empty = uniqueKey('empty');
    const text = uniqueKey('utf8');
    expect(await client.request(`set ${empty} 0 0 0\r\n\r\n`)).toBe('STORED\r\n');
    expect(await client.request(`get ${empty}\r\n`)).toBe(`VALUE ${empty} 0 0\r\n\r\nEND\r\n`);
    await set(client, text, 'é€ ok');
    expect(await client.request(`get ${text}\r\n`)).toBe(`VALUE ${text} 0 8\r\n${bytes('é€ ok')}\r\nEND\r\n`);
  });

  it('add stores a new key and answers NOT_STORED on an existing one', async () => {
    const client = await connect();
    const key = uniqueKey('add');
    expect(await client.request(`add ${key} 1 0 3\r\nnew\r\n`)).toBe('STORED\r\n');
    expect(await client.request(`add ${key} 2 0 5\r\nagain\r\n`)).toBe('NOT_STORED\r\n');
    expect(await client.request(`get ${key}\r\n`)).toBe(`${hit(key, 'new', 1)}END\r\n`);
  });

  it('add succeeds over an expired item', async () => {
    const client = await connect();
    const key = uniqueKey('add-expired');
    await set(client, key, 'old', 0, -1);
    expect(await client.request(`add ${key} 0 0 3\r\nnew\r\n`)).toBe('STORED\r\n');
    expect(await client.request(`get ${key}\r\n`)).toBe(`${hit(key, 'new')}END\r\n`);
  });

  it('replace answers NOT_STORED on a missing key and replaces an existing one', async () => {
    const client = await connect();
    const key = uniqueKey('replace');
    expect(await client.request(`replace ${key} 0 0 1\r\nx\r\n`)).toBe('NOT_STORED\r\n');
    expect(await client.request(`get ${key}\r\n`)).toBe('END\r\n');
    await set(client, key, 'old', 3);
    expect(await client.request(`replace ${key} 4 0 3\r\nnew\r\n`)).toBe('STORED\r\n');
    expect(await client.request(`get ${key}\r\n`)).toBe(`${hit(key, 'new', 4)}END\r\n`);
  });

  it('append and prepend answer NOT_STORED on a missing key', async () => {
    const client = await connect();
    const key = uniqueKey('concat-missing');
    expect(await client.request(`append ${key} 0 0 1\r\nx\r\n`)).toBe('NOT_STORED\r\n');
    expect(await client.request(`prepend ${key} 0 0 1\r\nx\r\n`)).toBe('NOT_STORED\r\n');
    expect(await client.request(`get ${key}\r\n`)).toBe('END\r\n');
  });

  it('append and prepend add to the value, keeping the old flags and expiry', async () => {
    const client = await connect();
    const key = uniqueKey('concat');
    await set(client, key, 'mid', 7, 0);
    // New flags 9 and an already-expired exptime are both ignored.
    expect(await client.request(`append ${key} 9 -1 4\r\n-end\r\n`)).toBe('STORED\r\n');
    expect(await client.request(`prepend ${key} 9 -1 6\r\nstart-\r\n`)).toBe('STORED\r\n');
    expect(await client.request(`get ${key}\r\n`)).toBe(`${hit(key, 'start-mid-end', 7)}END\r\n`);

    // The old expiry is kept too: a far-future absolute time stays in force.
    const timed = uniqueKey('concat-exp');
    const expiresAt = nowSeconds() + 3600;
    await set(client, timed, 'a', 1, expiresAt);
    expect(await client.request(`append ${timed} 2 0 1\r\nb\r\n`)).toBe('STORED\r\n');
    expect(await client.request(`get ${timed}\r\n`)).toBe(`${hit(timed, 'ab', 1)}END\r\n`);
    expect(await demoRow(timed)).toMatchObject({ c2: 'ab', c3: 1, c5: expiresAt });
  });
});

describe('cas', () => {
  it('stores with the cas from gets, answers EXISTS for a stale one and NOT_FOUND for a missing key', async () => {
    const client = await connect();
    const key = uniqueKey('cas');
    await set(client, key, 'v1');
    const first = await casOf(client, key);
    expect(await client.request(`cas ${key} 0 0 2 ${first + 1000n}\r\nv2\r\n`)).toBe('EXISTS\r\n');
    expect(await client.request(`cas ${key} 3 0 2 ${first}\r\nv2\r\n`)).toBe('STORED\r\n');
    expect(await client.request(`get ${key}\r\n`)).toBe(`${hit(key, 'v2', 3)}END\r\n`);
    // The write changed the cas: the old one is stale now.
    expect(await casOf(client, key)).not.toBe(first);
    expect(await client.request(`cas ${key} 0 0 2 ${first}\r\nv3\r\n`)).toBe('EXISTS\r\n');
    expect(await client.request(`get ${key}\r\n`)).toBe(`${hit(key, 'v2', 3)}END\r\n`);
    expect(await client.request(`cas ${uniqueKey('cas-missing')} 0 0 1 ${first}\r\nx\r\n`)).toBe('NOT_FOUND\r\n');
  });

  it('gets returns the cas unique; it changes on every write', async () => {
    const client = await connect();
    const key = uniqueKey('cas-writes');
    await set(client, key, '1');
    const seen = [await casOf(client, key)];
    const writes = [
      [`set ${key} 0 0 1\r\n2\r\n`, 'STORED\r\n'],
      [`replace ${key} 0 0 1\r\n3\r\n`, 'STORED\r\n'],
      [`append ${key} 0 0 1\r\n4\r\n`, 'STORED\r\n'],
      [`prepend ${key} 0 0 1\r\n5\r\n`, 'STORED\r\n'],
      [`incr ${key} 1\r\n`, '535\r\n'],
      [`decr ${key} 1\r\n`, '534\r\n'],
    ] as const;
    for (const [command, reply] of writes) {
      expect(await client.request(command)).toBe(reply);
      seen.push(await casOf(client, key));
    }
    const cas = await casOf(client, key);
    expect(await client.request(`cas ${key} 0 0 1 ${cas}\r\n6\r\n`)).toBe('STORED\r\n');
    seen.push(await casOf(client, key));
    expect(new Set(seen).size).toBe(seen.length);
  });
});

describe('retrieval: get, gets, gat, gats', () => {
  it('answers hits in request order and leaves misses out, in one request', async () => {
    const client = await connect();
    const [a, b, missing] = [uniqueKey('get-a'), uniqueKey('get-b'), uniqueKey('get-miss')];
    await set(client, a, 'alpha', 1);
    await set(client, b, 'beta', 2);
    expect(await client.request(`get ${b} ${missing} ${a}\r\n`)).toBe(`${hit(b, 'beta', 2)}${hit(a, 'alpha', 1)}END\r\n`);
    expect(await client.request(`get ${missing}\r\n`)).toBe('END\r\n');
  });

  it('gets adds each hit\'s cas unique', async () => {
    const client = await connect();
    const [a, b, missing] = [uniqueKey('gets-a'), uniqueKey('gets-b'), uniqueKey('gets-miss')];
    await set(client, a, 'one');
    await set(client, b, 'two', 4);
    const casA = await casOf(client, a);
    const casB = await casOf(client, b);
    expect(await client.request(`gets ${a} ${missing} ${b}\r\n`)).toBe(
      `VALUE ${a} 0 3 ${casA}\r\none\r\nVALUE ${b} 4 3 ${casB}\r\ntwo\r\nEND\r\n`,
    );
  });

  it('a bare get, gets, gat or gats is an error line', async () => {
    const client = await connect();
    expect(await client.request('get\r\n')).toBe('ERROR\r\n');
    expect(await client.request('gets\r\n')).toBe('ERROR\r\n');
    expect(await client.request('gat\r\n')).toBe('ERROR\r\n');
    expect(await client.request('gats\r\n')).toBe('ERROR\r\n');
    // An exptime and no keys is a request for nothing (memcached answers a bare END).
    expect(await client.request('gat 0\r\n')).toBe('END\r\n');
  });

  it('gat returns the item and sets its new expiry: after a negative exptime get misses', async () => {
    const client = await connect();
    const [key, missing] = [uniqueKey('gat'), uniqueKey('gat-miss')];
    await set(client, key, 'value', 3);
    expect(await client.request(`gat 100 ${key} ${missing}\r\n`)).toBe(`${hit(key, 'value', 3)}END\r\n`);
    const row = await demoRow(key);
    expect(row?.c5).toBeGreaterThanOrEqual(nowSeconds() + 98);
    expect(row?.c5).toBeLessThanOrEqual(nowSeconds() + 101);
    expect(await client.request(`gat -1 ${key}\r\n`)).toBe(`${hit(key, 'value', 3)}END\r\n`);
    expect(await client.request(`get ${key}\r\n`)).toBe('END\r\n');
    expect(await client.request(`gat 100 ${key}\r\n`)).toBe('END\r\n');
  });

  it('gats returns the cas unique too and sets the expiry', async () => {
    const client = await connect();
    const key = uniqueKey('gats');
    await set(client, key, 'v');
    const cas = await casOf(client, key);
    expect(await client.request(`gats 0 ${key}\r\n`)).toBe(`VALUE ${key} 0 1 ${cas}\r\nv\r\nEND\r\n`);
    expect(await client.request(`gats -1 ${key}\r\n`)).toMatch(new RegExp(`^VALUE ${key} 0 1 \\d+\\r\\nv\\r\\nEND\\r\\n$`));
    expect(await client.request(`gets ${key}\r\n`)).toBe('END\r\n');
  });
});

describe('touch', () => {
  it('answers TOUCHED and sets the expiry, NOT_FOUND for a missing key', async () => {
    const client = await connect();
    const key = uniqueKey('touch');
    await set(client, key, 'v');
    expect(await client.request(`touch ${key} 500\r\n`)).toBe('TOUCHED\r\n');
    const row = await demoRow(key);
    expect(row?.c5).toBeGreaterThanOrEqual(nowSeconds() + 498);
    expect(row?.c5).toBeLessThanOrEqual(nowSeconds() + 501);
    expect(await client.request(`get ${key}\r\n`)).toBe(`${hit(key, 'v')}END\r\n`);
    expect(await client.request(`touch ${key} -1\r\n`)).toBe('TOUCHED\r\n');
    expect(await client.request(`get ${key}\r\n`)).toBe('END\r\n');
    expect(await client.request(`touch ${key} 0\r\n`)).toBe('NOT_FOUND\r\n');
    expect(await client.request(`touch ${uniqueKey('touch-miss')} 10\r\n`)).toBe('NOT_FOUND\r\n');
  });
});

describe('delete', () => {
  it('answers DELETED, then NOT_FOUND', async () => {
    const client = await connect();
    const key = uniqueKey('delete');
    await set(client, key, 'v');
    expect(await client.request(`delete ${key}\r\n`)).toBe('DELETED\r\n');
    expect(await client.request(`get ${key}\r\n`)).toBe('END\r\n');
    expect(await client.request(`delete ${key}\r\n`)).toBe('NOT_FOUND\r\n');
    expect(await demoRow(key)).toBeUndefined();
  });

  it('accepts `delete k 0` and refuses any other hold time with the usage line', async () => {
    const client = await connect();
    const key = uniqueKey('delete-hold');
    await set(client, key, 'v');
    expect(await client.request(`delete ${key} 10\r\n`)).toBe('CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]\r\n');
    expect(await client.request(`get ${key}\r\n`)).toBe(`${hit(key, 'v')}END\r\n`);
    expect(await client.request(`delete ${key} 0\r\n`)).toBe('DELETED\r\n');
    expect(await client.request(`get ${key}\r\n`)).toBe('END\r\n');
  });

  it('an expired item is not found', async () => {
    const client = await connect();
    const key = uniqueKey('delete-expired');
    await set(client, key, 'v', 0, -1);
    expect(await client.request(`delete ${key}\r\n`)).toBe('NOT_FOUND\r\n');
  });
});

describe('incr and decr', () => {
  it('answer the new value; decr stops at 0; NOT_FOUND for a missing key', async () => {
    const client = await connect();
    const key = uniqueKey('incr');
    await set(client, key, '10', 5);
    expect(await client.request(`incr ${key} 5\r\n`)).toBe('15\r\n');
    expect(await client.request(`decr ${key} 3\r\n`)).toBe('12\r\n');
    expect(await client.request(`decr ${key} 100\r\n`)).toBe('0\r\n');
    expect(await client.request(`decr ${key} 1\r\n`)).toBe('0\r\n');
    expect(await client.request(`incr ${key} 0\r\n`)).toBe('0\r\n');
    expect(await client.request(`get ${key}\r\n`)).toBe(`${hit(key, '0', 5)}END\r\n`);
    const missing = uniqueKey('incr-miss');
    expect(await client.request(`incr ${missing} 1\r\n`)).toBe('NOT_FOUND\r\n');
    expect(await client.request(`decr ${missing} 1\r\n`)).toBe('NOT_FOUND\r\n');
  });

  it('are 64-bit unsigned: incr wraps 18446744073709551615 + 1 to 0', async () => {
    const client = await connect();
    const key = uniqueKey('incr-wrap');
    await set(client, key, U64_MAX);
    expect(await client.request(`incr ${key} 1\r\n`)).toBe('0\r\n');
    expect(await client.request(`incr ${key} ${U64_MAX}\r\n`)).toBe(`${U64_MAX}\r\n`);
    expect(await client.request(`incr ${key} 2\r\n`)).toBe('1\r\n');
    expect(await client.request(`get ${key}\r\n`)).toBe(`${hit(key, '1')}END\r\n`);
  });

  it('refuse a non-numeric stored value, a 21-digit one included', async () => {
    const client = await connect();
    const [text, long] = [uniqueKey('incr-text'), uniqueKey('incr-21')];
    await set(client, text, 'abc');
    await set(client, long, '123456789012345678901');
    const refusal = 'CLIENT_ERROR cannot increment or decrement non-numeric value\r\n';
    expect(await client.request(`incr ${text} 1\r\n`)).toBe(refusal);
    expect(await client.request(`decr ${text} 1\r\n`)).toBe(refusal);
    expect(await client.request(`incr ${long} 1\r\n`)).toBe(refusal);
    expect(await client.request(`get ${text}\r\n`)).toBe(`${hit(text, 'abc')}END\r\n`);
  });

  it('refuse an invalid delta: letters, -1, 2^64', async () => {
    const client = await connect();
    const key = uniqueKey('incr-delta');
    await set(client, key, '5');
    const refusal = 'CLIENT_ERROR invalid numeric delta argument\r\n';
    for (const delta of ['abc', '-1', '18446744073709551616', '1x']) {
      expect(await client.request(`incr ${key} ${delta}\r\n`)).toBe(refusal);
      expect(await client.request(`decr ${key} ${delta}\r\n`)).toBe(refusal);
    }
    expect(await client.request(`get ${key}\r\n`)).toBe(`${hit(key, '5')}END\r\n`);
  });
});

describe('flush_all', () => {
  it('answers OK and every item then misses', async () => {
    const client = await connect();
    const [a, b] = [uniqueKey('flush-a'), uniqueKey('flush-b')];
    await set(client, a, '1');
    await set(client, b, '2');
    expect(await client.request('flush_all\r\n')).toBe('OK\r\n');
    expect(await client.request(`get ${a} ${b}\r\n`)).toBe('END\r\n');
    expect(await client.request(`gets ${a}\r\n`)).toBe('END\r\n');
    await set(client, a, '3');
    expect(await client.request('flush_all 0\r\n')).toBe('OK\r\n');
    expect(await client.request(`get ${a}\r\n`)).toBe('END\r\n');
  });

  it('with a delay answers OK at once and flushes when the delay has passed', async () => {
    const client = await connect();
    const key = uniqueKey('flush-delay');
    await set(client, key, 'v');
    expect(await client.request('flush_all 2\r\n')).toBe('OK\r\n');
    expect(await client.request(`get ${key}\r\n`)).toBe(`${hit(key, 'v')}END\r\n`);
    await waitFor(async () => (await client.request(`get ${key}\r\n`)) === 'END\r\n', {
      description: `the delayed flush_all to remove ${key}`,
      timeoutMs: 6_000,
      intervalMs: 200,
    });
  });

  it('refuses a delay that is not a number', async () => {
    const client = await connect();
    const key = uniqueKey('flush-bad');
    await set(client, key, 'kept');
    expect(await client.request('flush_all abc\r\n')).toBe('CLIENT_ERROR invalid exptime argument\r\n');
    expect(await client.request(`get ${key}\r\n`)).toBe(`${hit(key, 'kept')}END\r\n`);
  });
});

describe('version, verbosity, stats, quit', () => {
  it('version answers VERSION and a version string', async () => {
    const client = await connect();
    expect(await client.request('version\r\n')).toMatch(/^VERSION [^\s]+\r\n$/);
  });

  it('verbosity answers OK; a bare verbosity is an error line', async () => {
    const client = await connect();
    expect(await client.request('verbosity 1\r\n')).toBe('OK\r\n');
    expect(await client.request('verbosity 0\r\n')).toBe('OK\r\n');
    expect(await client.request('verbosity\r\n')).toBe('ERROR\r\n');
  });

  it('stats answers STAT lines, then END', async () => {
    const client = await connect();
    const reply = await client.request('stats\r\n');
    expect(reply).toMatch(/^(STAT [^\s]+ [^\r\n]*\r\n)+END\r\n$/);
    expect(reply).toMatch(/^STAT pid \d+\r\n/m);
    expect(reply).toMatch(/^STAT curr_connections \d+\r\n/m);
  });

  it('quit closes the connection without a reply', async () => {
    const client = await connect();
    const key = uniqueKey('quit');
    await set(client, key, 'v');
    await client.send('quit\r\n');
    expect(await client.closedByServer()).toBe('');
    // Commands after quit on the same write are not run either.
    const other = await connect();
    const lost = uniqueKey('quit-after');
    await other.send(`quit\r\nset ${lost} 0 0 1\r\nx\r\n`);
    expect(await other.closedByServer()).toBe('');
    const checker = await connect();
    expect(await checker.request(`get ${key} ${lost}\r\n`)).toBe(`${hit(key, 'v')}END\r\n`);
  });
});

describe('noreply: no reply at all, proved by the reply of the get that follows', () => {
  it('set, add, replace', async () => {
    const client = await connect();
    const key = uniqueKey('nr-store');
    expect(await client.request(`set ${key} 1 0 1 noreply\r\na\r\nget ${key}\r\n`)).toBe(`${hit(key, 'a', 1)}END\r\n`);
    // NOT_STORED is silenced too.
    expect(await client.request(`add ${key} 2 0 1 noreply\r\nb\r\nget ${key}\r\n`)).toBe(`${hit(key, 'a', 1)}END\r\n`);
    const fresh = uniqueKey('nr-add');
    expect(await client.request(`add ${fresh} 2 0 1 noreply\r\nb\r\nget ${fresh}\r\n`)).toBe(`${hit(fresh, 'b', 2)}END\r\n`);
    expect(await client.request(`replace ${key} 3 0 1 noreply\r\nc\r\nget ${key}\r\n`)).toBe(`${hit(key, 'c', 3)}END\r\n`);
  });

  it('append, prepend', async () => {
    const client = await connect();
    const key = uniqueKey('nr-concat');
    await set(client, key, 'm');
    expect(await client.request(`append ${key} 0 0 1 noreply\r\nz\r\nget ${key}\r\n`)).toBe(`${hit(key, 'mz')}END\r\n`);
    expect(await client.request(`prepend ${key} 0 0 1 noreply\r\na\r\nget ${key}\r\n`)).toBe(`${hit(key, 'amz')}END\r\n`);
  });

  it('cas, stored and refused', async () => {
    const client = await connect();
    const key = uniqueKey('nr-cas');
    await set(client, key, 'a');
    const cas = await casOf(client, key);
    expect(await client.request(`cas ${key} 0 0 1 ${cas} noreply\r\nb\r\nget ${key}\r\n`)).toBe(`${hit(key, 'b')}END\r\n`);
    expect(await client.request(`cas ${key} 0 0 1 ${cas} noreply\r\nc\r\nget ${key}\r\n`)).toBe(`${hit(key, 'b')}END\r\n`);
  });

  it('delete, with and without the 0', async () => {
    const client = await connect();
    const [a, b] = [uniqueKey('nr-del-a'), uniqueKey('nr-del-b')];
    await set(client, a, '1');
    await set(client, b, '2');
    expect(await client.request(`delete ${a} noreply\r\nget ${a} ${b}\r\n`)).toBe(`${hit(b, '2')}END\r\n`);
    expect(await client.request(`delete ${b} 0 noreply\r\nget ${a} ${b}\r\n`)).toBe('END\r\n');
    expect(await client.request(`delete ${b} noreply\r\nget ${b}\r\n`)).toBe('END\r\n');
  });

  it('incr, decr', async () => {
    const client = await connect();
    const key = uniqueKey('nr-arith');
    await set(client, key, '10');
    expect(await client.request(`incr ${key} 5 noreply\r\nget ${key}\r\n`)).toBe(`${hit(key, '15')}END\r\n`);
    expect(await client.request(`decr ${key} 7 noreply\r\nget ${key}\r\n`)).toBe(`${hit(key, '8')}END\r\n`);
  });

  it('touch', async () => {
    const client = await connect();
    const key = uniqueKey('nr-touch');
    await set(client, key, 'v');
    expect(await client.request(`touch ${key} -1 noreply\r\nget ${key}\r\n`)).toBe('END\r\n');
  });

  it('flush_all', async () => {
    const client = await connect();
    const key = uniqueKey('nr-flush');
    await set(client, key, 'v');
    expect(await client.request(`flush_all noreply\r\nget ${key}\r\n`)).toBe('END\r\n');
    await set(client, key, 'v');
    expect(await client.request(`flush_all 0 noreply\r\nget ${key}\r\n`)).toBe('END\r\n');
  });

  it('verbosity', async () => {
    const client = await connect();
    expect(await client.request('verbosity 1 noreply\r\nversion\r\n')).toMatch(/^VERSION [^\s]+\r\n$/);
  });
});

describe('command lines', () => {
  it('an unknown command, an empty line and an upper-case GET are ERROR', async () => {
    const client = await connect();
    const key = uniqueKey('case');
    await set(client, key, 'v');
    expect(await client.request('bogus\r\n')).toBe('ERROR\r\n');
    expect(await client.request('bogus with arguments\r\n')).toBe('ERROR\r\n');
    expect(await client.request('\r\n')).toBe('ERROR\r\n');
    expect(await client.request(`GET ${key}\r\n`)).toBe('ERROR\r\n');
    expect(await client.request(`get ${key}\r\n`)).toBe(`${hit(key, 'v')}END\r\n`);
  });

  it('a storage command with the wrong number of tokens is ERROR', async () => {
    const client = await connect();
    expect(await client.request(`set ${uniqueKey('tokens')} 0 0\r\n`)).toBe('ERROR\r\n');
    expect(await client.request(`incr ${uniqueKey('tokens')}\r\n`)).toBe('ERROR\r\n');
  });

  it('pipelined commands in one write get their replies in order', async () => {
    const client = await connect();
    const key = uniqueKey('pipe');
    const other = uniqueKey('pipe-miss');
    const write =
      `set ${key} 2 0 1\r\n1\r\n` +
      `append ${key} 0 0 1\r\n2\r\n` +
      `get ${key} ${other}\r\n` +
      `incr ${key} 30\r\n` +
      `add ${key} 0 0 1\r\nx\r\n` +
      'bogus\r\n' +
      `delete ${key}\r\n` +
      `get ${key}\r\n` +
      `delete ${key}\r\n`;
    expect(await client.request(write, 9)).toBe(
      'STORED\r\n' + 'STORED\r\n' + `${hit(key, '12', 2)}END\r\n` + '42\r\n' + 'NOT_STORED\r\n' + 'ERROR\r\n' + 'DELETED\r\n' + 'END\r\n' + 'NOT_FOUND\r\n',
    );
  });

  it('many clients at once each set and get their own keys', async () => {
    const sockets = await Promise.all(Array.from({ length: 20 }, () => connect()));
    const replies = await Promise.all(
      sockets.map(async (client, index) => {
        const key = uniqueKey(`many-${index}`);
        const value = `value-${index}`.repeat(index + 1);
        const stored = await client.request(`set ${key} ${index} 0 ${value.length}\r\n${value}\r\n`);
        const got = await client.request(`get ${key}\r\n`);
        const incremented = await client.request(`set ${key}-n 0 0 1\r\n${index % 10}\r\nincr ${key}-n ${index}\r\n`, 2);
        return { stored, got, incremented, expected: `${hit(key, value, index)}END\r\n`, sum: `STORED\r\n${(index % 10) + index}\r\n` };
      }),
    );
    for (const { stored, got, incremented, expected, sum } of replies) {
      expect(stored).toBe('STORED\r\n');
      expect(got).toBe(expected);
      expect(incremented).toBe(sum);
    }
  });
});

describe('limits: keys', () => {
  it('a 250-byte key is accepted; a 251-byte key is refused, and a storage command\'s data line then gets ERROR', async () => {
    const client = await connect();
    const longest = 'k'.repeat(250);
    const tooLong = 'k'.repeat(251);
    // The demo table's c1 is VARCHAR(32): the key is accepted, and misses.
    expect(await client.request(`get ${longest}\r\n`)).toBe('END\r\n');
    expect(await client.request(`delete ${longest}\r\n`)).toBe('NOT_FOUND\r\n');
    expect(await client.request(`touch ${longest} 10\r\n`)).toBe('NOT_FOUND\r\n');
    // Storing it is a server-side refusal, not a protocol error: c1 holds 32 characters
    // (libs/innodb-memcache README, "keys longer than that cannot be stored").
    expect(await client.request(`set ${longest} 0 0 1\r\nx\r\n`)).toMatch(/^SERVER_ERROR [^\r\n]+\r\n$/);
    expect(await client.request(`get ${tooLong}\r\n`)).toBe('CLIENT_ERROR bad command line format\r\n');
    expect(await client.request(`delete ${tooLong}\r\n`)).toBe('CLIENT_ERROR bad command line format\r\n');
    expect(await client.request(`incr ${tooLong} 1\r\n`)).toBe('CLIENT_ERROR bad command line format\r\n');
    expect(await client.request(`set ${tooLong} 0 0 1\r\nx\r\n`, 2)).toBe('CLIENT_ERROR bad command line format\r\nERROR\r\n');
    expect(await client.request('version\r\n')).toMatch(/^VERSION /);
  });

  it('a 250-byte key is stored and read back through a container whose key column holds it', async () => {
    const client = await connect();
    const longest = `${uniqueKey('w')}${'w'.repeat(250)}`.slice(0, 250);
    expect(Buffer.byteLength(longest)).toBe(250);
    expect(await client.request('get @@wide\r\n')).toBe('VALUE @@wide 0 14\r\ntest/wide_keys\r\nEND\r\n');
    expect(await client.request(`set ${longest} 9 0 5\r\nhello\r\n`)).toBe('STORED\r\n');
    expect(await client.request(`get ${longest}\r\n`)).toBe(`${hit(longest, 'hello', 9)}END\r\n`);
    const [rows] = await mariadb.query<RowDataPacket[]>('SELECT v, f FROM test.wide_keys WHERE k = ?', [longest]);
    expect(rows).toEqual([{ v: 'hello', f: 9 }]);
  });

  it('a key with a control character is refused', async () => {
    const client = await connect();
    const bad = `${uniqueKey('ctl')}\x01x`;
    expect(await client.request(`get ${bad}\r\n`)).toBe('CLIENT_ERROR bad command line format\r\n');
    expect(await client.request(`set ${bad} 0 0 1\r\nx\r\n`, 2)).toBe('CLIENT_ERROR bad command line format\r\nERROR\r\n');
    expect(await client.request(`get a\x7fb\r\n`)).toBe('CLIENT_ERROR bad command line format\r\n');
    expect(await client.request(`get a\tb\r\n`)).toBe('CLIENT_ERROR bad command line format\r\n');
    expect(await client.request('version\r\n')).toMatch(/^VERSION /);
  });
});

describe('limits: values', () => {
  it('a value over the 1 MiB item size gets SERVER_ERROR object too large for cache; the connection still works', async () => {
    const client = await connect();
    const key = uniqueKey('huge');
    const data = Buffer.alloc(ONE_MIB + 1, 'a');
    const request = Buffer.concat([Buffer.from(`set ${key} 0 0 ${data.length}\r\n`), data, Buffer.from(`\r\nget ${key}\r\n`)]);
    expect(await client.request(request, 2, 15_000)).toBe('SERVER_ERROR object too large for cache\r\nEND\r\n');
    await set(client, key, 'small');
    expect(await client.request(`get ${key}\r\n`)).toBe(`${hit(key, 'small')}END\r\n`);
  });

  it('a value longer than the c2 column (VARCHAR(1024)) gets SERVER_ERROR object too large for cache', async () => {
    const client = await connect();
    const key = uniqueKey('c2');
    const fits = 'x'.repeat(1024);
    await set(client, key, fits);
    expect(await client.request(`set ${key} 0 0 1025\r\n${'y'.repeat(1025)}\r\n`)).toBe('SERVER_ERROR object too large for cache\r\n');
    expect(await client.request(`append ${key} 0 0 1\r\nz\r\n`)).toBe('SERVER_ERROR object too large for cache\r\n');
    expect(await client.request(`get ${key}\r\n`)).toBe(`${hit(key, fits)}END\r\n`);
  });

  it('a value that is not valid UTF-8 gets a CLIENT_ERROR and nothing is stored', async () => {
    const client = await connect();
    const key = uniqueKey('bad-utf8');
    const request = Buffer.concat([Buffer.from(`set ${key} 0 0 2\r\n`), Buffer.from([0xff, 0xfe]), Buffer.from('\r\n')]);
    expect(await client.request(request)).toMatch(/^CLIENT_ERROR [^\r\n]+\r\n$/);
    expect(await client.request(`get ${key}\r\n`)).toBe('END\r\n');
  });

  it('a data block shorter than its byte count gets bad data chunk, then ERROR, and the connection survives', async () => {
    const client = await connect();
    const key = uniqueKey('chunk');
    expect(await client.request(`set ${key} 10 0 1\r\nt1\r\n`, 2)).toBe('CLIENT_ERROR bad data chunk\r\nERROR\r\n');
    expect(await client.request(`get ${key}\r\n`)).toBe('END\r\n');
    await set(client, key, 'ok');
    expect(await client.request(`get ${key}\r\n`)).toBe(`${hit(key, 'ok')}END\r\n`);
  });

  it('flags 0 and 4294967295 round-trip; flags are stored modulo 2^32', async () => {
    const client = await connect();
    const [zero, max, wrapped] = [uniqueKey('flags-0'), uniqueKey('flags-max'), uniqueKey('flags-wrap')];
    await set(client, zero, 'z', 0);
    await set(client, max, 'm', 4294967295);
    await set(client, wrapped, 'w', 4294967296 + 17);
    expect(await client.request(`get ${zero} ${max} ${wrapped}\r\n`)).toBe(
      `${hit(zero, 'z', 0)}${hit(max, 'm', 4294967295)}${hit(wrapped, 'w', 17)}END\r\n`,
    );
    // c3 is a signed INT: the plugin's int32 cast stores 4294967295 as -1 (libs/innodb-memcache README).
    expect(await demoRow(max)).toMatchObject({ c3: -1 });
  });
});

describe('limits: expiry', () => {
  it('a negative exptime means already expired', async () => {
    const client = await connect();
    const key = uniqueKey('exp-neg');
    await set(client, key, 'v', 0, -1);
    expect(await client.request(`get ${key}\r\n`)).toBe('END\r\n');
    expect(await client.request(`touch ${key} 0\r\n`)).toBe('NOT_FOUND\r\n');
  });

  it('up to 30 days is relative; more is an absolute Unix time', async () => {
    const client = await connect();
    const [thirtyDays, pastAbsolute, futureAbsolute] = [uniqueKey('exp-30d'), uniqueKey('exp-past'), uniqueKey('exp-future')];
    const future = nowSeconds() + 3600;
    await set(client, thirtyDays, 'a', 0, THIRTY_DAYS);
    await set(client, pastAbsolute, 'b', 0, THIRTY_DAYS + 1);
    await set(client, futureAbsolute, 'c', 0, future);
    expect(await client.request(`get ${thirtyDays} ${pastAbsolute} ${futureAbsolute}\r\n`)).toBe(`${hit(thirtyDays, 'a')}${hit(futureAbsolute, 'c')}END\r\n`);
    expect((await demoRow(futureAbsolute))?.c5).toBe(future);
    expect((await demoRow(thirtyDays))?.c5).toBeGreaterThanOrEqual(nowSeconds() + THIRTY_DAYS - 2);
  });

  it('a short relative expiry passes', async () => {
    const client = await connect();
    const key = uniqueKey('exp-rel');
    await set(client, key, 'v', 0, 2);
    expect(await client.request(`get ${key}\r\n`)).toBe(`${hit(key, 'v')}END\r\n`);
    await waitFor(async () => (await client.request(`get ${key}\r\n`)) === 'END\r\n', {
      description: `${key} to expire`,
      timeoutMs: 5_000,
      intervalMs: 200,
    });
  });
});

describe('containers: @@name switching', () => {
  it('@@aaa.key switches the connection to container aaa for this and later requests', async () => {
    const client = await connect();
    const key = uniqueKey('sw');
    expect(await client.request(`set @@aaa.${key} 0 0 1\r\nx\r\n`)).toBe('STORED\r\n');
    expect(await client.request(`get ${key}\r\n`)).toBe(`${hit(key, 'x')}END\r\n`);
    expect(await client.request(`get @@aaa.${key}\r\n`)).toBe(`${hit(`@@aaa.${key}`, 'x')}END\r\n`);
    expect(await demoRow(key)).toMatchObject({ c2: 'x' });
  });

  it('get @@aaa answers the container\'s table; an unknown container misses', async () => {
    const client = await connect();
    const key = uniqueKey('sw-nope');
    await set(client, key, 'v');
    expect(await client.request('get @@aaa\r\n')).toBe('VALUE @@aaa 0 14\r\ntest/demo_test\r\nEND\r\n');
    expect(await client.request(`get @@nope.${key}\r\n`)).toBe('END\r\n');
    expect(await client.request(`get ${key}\r\n`)).toBe(`${hit(key, 'v')}END\r\n`);
  });

  it('the switch belongs to the connection', async () => {
    const wide = await connect();
    const other = await connect();
    const key = uniqueKey('sw-conn');
    expect(await wide.request('get @@wide\r\n')).toBe('VALUE @@wide 0 14\r\ntest/wide_keys\r\nEND\r\n');
    expect(await wide.request(`set ${key} 0 0 4\r\nwide\r\n`)).toBe('STORED\r\n');
    expect(await other.request(`get ${key}\r\n`)).toBe('END\r\n');
    expect(await other.request(`get @@wide.${key}\r\n`)).toBe(`${hit(`@@wide.${key}`, 'wide')}END\r\n`);
  });
});

describe('storage in MariaDB', () => {
  it('the row in test.demo_test holds the value, flags and the cas gets returned', async () => {
    const client = await connect();
    const key = uniqueKey('row');
    await set(client, key, 'stored value', 42);
    expect(await client.request(`append ${key} 0 0 1\r\n!\r\n`)).toBe('STORED\r\n');
    const cas = await casOf(client, key);
    expect(await demoRow(key)).toEqual({ c1: key, c2: 'stored value!', c3: 42, c4: cas.toString(), c5: 0 });
  });
});
