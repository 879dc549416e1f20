/**
 * Errors at the source's MySQL port: every refused statement and every malformed packet gets its
 * documented error, and the connection survives wherever MySQL's would.
 *
 * - Refused statements, over mysql2: every rule of the statement classifier (REFUSALS, one
 *   example each) and the front door's own refusals (docs/sql.md). Each error is compared field
 *   by field, the same connection must still answer afterwards (MySQL keeps a connection after a
 *   statement error) and the binlog position must not move (nothing refused is half-run). The
 *   front door's refusals must also hold for other spellings MariaDB accepts (a quoted variable
 *   name with an escape, SET STATEMENT … FOR, an executable comment).
 * - Malformed packets, over a raw socket (./raw-mysql-client): unknown and empty commands, bad
 *   prepared-statement executes, invalid UTF-8, a packet over --max-allowed-packet, a truncated
 *   packet, garbage handshakes and failed logins. Command errors leave the connection usable
 *   (COM_PING answers OK); framing and login errors close it, as MySQL's do, after answering
 *   whatever commands came before the bad packet.
 */
import { classifyStatement, parseServerVersion, type RefusalId, REFUSALS } from '@kbinlog/sql-statement';
import { getJson, nodeFlags, queryRows, resetNodeDatabases, type RunningService, startService, testInfra, uniqueClusterName } from '@kbinlog/testing';
import { type Connection, createConnection } from 'mysql2/promise';
import { Command, frame, isEof, isOk, parseErr, RawMysqlClient, type RawPacket } from './raw-mysql-client';

jest.setTimeout(60_000);

const infra = testInfra();
const [sourceServer] = infra.mariadb;
const cluster = uniqueClusterName('sql-errors');
const SCHEMA = 'sql_errors';
const USER = 'kbinlog';
const PASSWORD = 'kbinlog';
/** Small, so a packet over it is cheap to send; every statement of this file fits. */
const MAX_ALLOWED_PACKET = 1024;

interface SourceStatus {
  readonly Mysql_Port: number;
  readonly Position: string;
  readonly Executed_Gtid_Set: string;
}

interface SqlError {
  readonly errno: number;
  readonly sqlState: string;
  readonly message: string;
}

/**
 * One statement per refusal rule, run in SCHEMA (tables `items` and `files` exist). A Record over
 * RefusalId: a rule added to REFUSALS without an example here fails the type check.
 */
const EXAMPLES: Record<RefusalId, string> = {
  'parse-error': "SELECT 'unterminated",
  'empty-query': '   ',
  'versioned-comment': '/*!999999 DELETE FROM items */ SELECT 1 AS one',
  'load-data': "LOAD DATA INFILE '/tmp/items.csv' INTO TABLE items",
  'select-into-file': "SELECT * FROM items INTO OUTFILE '/tmp/items.csv'",
  'sql-log-bin': 'SET sql_log_bin = 0',
  'binlog-variable': 'SET binlog_format = STATEMENT',
  'set-global': 'SET GLOBAL max_connections = 10',
  'autocommit-value': 'SET autocommit = @x',
  'temporary-table': 'CREATE TEMPORARY TABLE scratch (a INT)',
  'create-table-select': 'CREATE TABLE items_copy AS SELECT * FROM items',
  view: 'CREATE VIEW item_names AS SELECT name FROM items',
  'stored-program': 'CREATE TRIGGER items_upper BEFORE INSERT ON items FOR EACH ROW SET NEW.name = UPPER(NEW.name)',
  call: 'CALL purge_items()',
  'compound-statement': 'BEGIN NOT ATOMIC END',
  'sql-prepared-statement': "PREPARE purge FROM 'DELETE FROM items'",
  handler: 'HANDLER items OPEN',
  'lock-tables': 'LOCK TABLES items WRITE',
  'account-management': "CREATE USER 'intruder'@'%' IDENTIFIED BY 'secret'",
  xa: "XA START 'x1'",
  'replication-control': 'RESET MASTER',
  'replication-option': "CHANGE REPLICATION SOURCE TO SOURCE_HOST = 'db.example.com'",
  'server-admin': 'FLUSH TABLES WITH READ LOCK',
  'table-maintenance': 'OPTIMIZE TABLE items',
  kill: 'KILL QUERY 1',
  unrecognized: 'CREATE SEQUENCE item_ids',
};

/** The front door's own refusals (docs/sql.md), as apps/source/src/app/sql/sql-session.ts words them. */
const KBINLOG_SCHEMA_REFUSED: SqlError = {
  errno: 1044,
  sqlState: '42000',
  message: "Access denied to database 'kbinlog': it holds kbinlog's own state (server_uuid, applier position, change capture)",
};
const TIME_ZONE_REFUSED: SqlError = {
  errno: 1235,
  sqlState: '42000',
  message: "kbinlog does not support SET time_zone: TIMESTAMP values are captured in the source database's time zone",
};
const CASCADE_REFUSED: SqlError = {
  errno: 1235,
  sqlState: '42000',
  message: 'kbinlog does not support foreign keys with cascading actions: the rows they change are not captured. Use ON DELETE/UPDATE RESTRICT or NO ACTION.',
};
const blobRefused = (table: string): SqlError => ({
  errno: 1235,
  sqlState: '42000',
  message: `kbinlog cannot replicate writes to ${SCHEMA}.${table}: column body holds bytes (blob), which kbinlog does not replicate from SQL writes yet`,
});

/** The error a promise rejects with, in the fields an ERR packet carries; 'no error' if it resolves. */
async function errorOf(promise: Promise<unknown>): Promise<SqlError | 'no error'> {
  try {
    await promise;
    return 'no error';
  } catch (error) {
    const { errno, sqlState, sqlMessage, message } = error as { errno?: number; sqlState?: string; sqlMessage?: string; message: string };
    return { errno: errno ?? -1, sqlState: sqlState ?? '', message: sqlMessage ?? message };
  }
}

describe('errors at the source MySQL port', () => {
  let source: RunningService;
  let port: number;

  /** What GET /status reports of the binlog: it moves with every group the source logs. */
  async function binlogPosition(): Promise<Pick<SourceStatus, 'Position' | 'Executed_Gtid_Set'>> {
    const { Position, Executed_Gtid_Set } = await getJson<SourceStatus>(`${source.httpUrl}/status`);
    return { Position, Executed_Gtid_Set };
  }

  function connectMysql2(database: string = SCHEMA): Promise<Connection> {
    return createConnection({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database });
  }

  async function selectOne(connection: Connection): Promise<unknown> {
    const [rows] = await connection.query('SELECT 1 AS one');
    return rows;
  }

  /** Sends `sql`, expects exactly `expected`; the connection must answer afterwards and nothing be logged. */
  async function expectRefused(connection: Connection, sql: string, expected: SqlError): Promise<void> {
    const before = await binlogPosition();
    expect({ sql, error: await errorOf(connection.query(sql)) }).toEqual({ sql, error: expected });
    expect({ sql, after: await selectOne(connection) }).toEqual({ sql, after: [{ one: 1 }] });
    expect({ sql, position: await binlogPosition() }).toEqual({ sql, position: before });
  }

  async function tableExists(schema: string, table: string): Promise<boolean> {
    const rows = await queryRows(sourceServer, 'SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [schema, table]);
    return rows.length > 0;
  }

  beforeAll(async () => {
    await resetNodeDatabases(sourceServer);
    await queryRows(sourceServer, `DROP DATABASE IF EXISTS \`${SCHEMA}\``);
    source = await startService('source', [
      ...nodeFlags(infra, { cluster, server: sourceServer, nodeName: 'source', serverId: 1 }),
      '--memcached-port', '0',
      '--mysql-port', '0',
      '--max-allowed-packet', String(MAX_ALLOWED_PACKET),
    ]);
    port = (await getJson<SourceStatus>(`${source.httpUrl}/status`)).Mysql_Port;
    const setup = await connectMysql2('');
    try {
      await setup.query(`CREATE DATABASE ${SCHEMA}`);
      await setup.query(`CREATE TABLE ${SCHEMA}.items (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL)`);
    } finally {
      await setup.end();
    }
  });

  afterAll(async () => {
    await source?.stop();
  });

  describe('refused statements, over mysql2', () => {
    let connection: Connection;
    let serverVersion: number | undefined;

    beforeAll(async () => {
      connection = await connectMysql2();
      const [rows] = await connection.query('SELECT @@version AS version');
      serverVersion = parseServerVersion((rows as [{ version: string }])[0].version);
    });

    afterAll(async () => {
      await connection?.end();
    });

    it('knows the database version the front door classifies with', () => {
      expect(serverVersion).toBeGreaterThanOrEqual(101100);
    });

    it.each(REFUSALS.map((rule) => [rule.id, rule] as const))('rule %s: the classifier refusal, then the connection answers', async (id, rule) => {
      const sql = EXAMPLES[id];
      // The example exercises its rule...
      expect(classifyStatement(sql)).toMatchObject({ kind: 'refused', rule: id, errno: rule.errno, sqlState: rule.sqlState });
      // ...and the front door sends what the classifier says, given the version it knows.
      const expected = classifyStatement(sql, { serverVersion });
      if (expected.kind === 'refused') {
        await expectRefused(connection, sql, { errno: expected.errno, sqlState: expected.sqlState, message: expected.message });
        return;
      }
      // Only a versioned comment depends on the version: the source knows its database's
      // (10.11+, which skips /*!999999 … */), so it runs the rest as MariaDB would.
      expect({ id, kind: expected.kind }).toEqual({ id: 'versioned-comment', kind: 'read' });
      const before = await binlogPosition();
      const [rows] = await connection.query(sql);
      expect(rows).toEqual([{ one: 1 }]);
      expect(await binlogPosition()).toEqual(before);
    });

    it('has no session switch for change capture: whatever a client sets, its writes are logged', async () => {
      for (const sql of ['SET @kbinlog_capture = 0', 'SET @KBINLOG_CAPTURE := NULL', String.raw`SET @'kbinlog_captur\e' = 0`, 'SELECT 0 INTO @kbinlog_capture']) {
        await connection.query(sql);
      }
      const before = await binlogPosition();
      await connection.query("INSERT INTO items VALUES (100, 'captured')");
      expect(await binlogPosition()).not.toEqual(before);
    });

    it('refuses DML and DDL on the kbinlog schema (1044) and allows reads there', async () => {
      for (const sql of [
        'DELETE FROM kbinlog.row_capture',
        "UPDATE kbinlog.row_capture SET table_name = 'x'",
        'CREATE TABLE kbinlog.intruder (id INT PRIMARY KEY)',
        'DROP TABLE kbinlog.row_capture',
        'DROP DATABASE kbinlog',
      ]) {
        await expectRefused(connection, sql, KBINLOG_SCHEMA_REFUSED);
      }
      // The same with kbinlog as the connection's schema (COM_INIT_DB at login).
      const inKbinlog = await connectMysql2('kbinlog');
      try {
        await expectRefused(inKbinlog, "INSERT INTO row_capture (connection_id, schema_name, table_name, change_type) VALUES (0, 'a', 'b', 'insert')", KBINLOG_SCHEMA_REFUSED);
        await expectRefused(inKbinlog, 'CREATE TABLE intruder (id INT PRIMARY KEY)', KBINLOG_SCHEMA_REFUSED);
        const [rows] = await inKbinlog.query('SELECT COUNT(*) AS n FROM row_capture WHERE connection_id = CONNECTION_ID()');
        expect(rows).toEqual([{ n: 0 }]);
      } finally {
        await inKbinlog.end();
      }
      expect(await tableExists('kbinlog', 'intruder')).toBe(false);
      expect(await tableExists('kbinlog', 'row_capture')).toBe(true);
    });

    it('refuses SET time_zone (1235) and keeps the session time zone', async () => {
      const [[before]] = (await connection.query('SELECT @@session.time_zone AS tz')) as unknown as [[{ tz: string }]];
      for (const sql of ["SET time_zone = '+05:00'", "SET @@session.time_zone = '+05:00'", "SET SESSION time_zone = 'SYSTEM'"]) {
        await expectRefused(connection, sql, TIME_ZONE_REFUSED);
      }
      const [[after]] = (await connection.query('SELECT @@session.time_zone AS tz')) as unknown as [[{ tz: string }]];
      expect(after).toEqual(before);
    });

    it('refuses foreign keys with cascading actions in CREATE and ALTER TABLE (1235)', async () => {
      await expectRefused(connection, 'CREATE TABLE children (id INT PRIMARY KEY, item_id INT, FOREIGN KEY (item_id) REFERENCES items (id) ON DELETE CASCADE)', CASCADE_REFUSED);
      await expectRefused(connection, 'CREATE TABLE children (id INT PRIMARY KEY, item_id INT, FOREIGN KEY (item_id) REFERENCES items (id) ON UPDATE SET NULL)', CASCADE_REFUSED);
      expect(await tableExists(SCHEMA, 'children')).toBe(false);
      // RESTRICT is accepted; adding a cascading key to the table afterwards is not.
      await connection.query('CREATE TABLE children (id INT PRIMARY KEY, item_id INT, FOREIGN KEY (item_id) REFERENCES items (id) ON DELETE RESTRICT)');
      await expectRefused(connection, 'ALTER TABLE children ADD CONSTRAINT children_cascade FOREIGN KEY (item_id) REFERENCES items (id) ON DELETE CASCADE', CASCADE_REFUSED);
      const keys = await queryRows(sourceServer, 'SELECT DELETE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?', [SCHEMA, 'children']);
      expect(keys).toEqual([{ DELETE_RULE: 'RESTRICT' }]);
    });

    it('refuses DML on a table with a BLOB column (1235), while DDL and reads on it are allowed', async () => {
      await connection.query('CREATE TABLE files (id INT PRIMARY KEY, body BLOB)');
      for (const sql of ["INSERT INTO files VALUES (1, 'bytes')", "UPDATE files SET body = 'other'", 'DELETE FROM files', "REPLACE INTO files VALUES (1, 'bytes')"]) {
        await expectRefused(connection, sql, blobRefused('files'));
      }
      const [rows] = await connection.query('SELECT COUNT(*) AS n FROM files');
      expect(rows).toEqual([{ n: 0 }]);
    });

    it("returns MariaDB's own syntax error for what the classifier lets through, and the connection survives", async () => {
      const sql = 'SELECT FROM WHERE';
      expect(classifyStatement(sql, { serverVersion })).toMatchObject({ kind: 'read' });
      const direct = await createConnection({ host: sourceServer.host, port: sourceServer.port, user: sourceServer.user, password: sourceServer.password });
      let mariadbError: SqlError | 'no error';
      try {
        mariadbError = await errorOf(direct.query(sql));
      } finally {
        await direct.end();
      }
      expect(mariadbError).toMatchObject({ errno: 1064, sqlState: '42000' });
      await expectRefused(connection, sql, mariadbError as SqlError);
    });

    it('returns 1062 for a duplicate key and logs nothing of it', async () => {
      const before = await binlogPosition();
      await connection.query("INSERT INTO items VALUES (1, 'first')");
      expect(await binlogPosition()).not.toEqual(before);
      await expectRefused(connection, "INSERT INTO items VALUES (1, 'again')", { errno: 1062, sqlState: '23000', message: "Duplicate entry '1' for key 'PRIMARY'" });
      expect(await queryRows(sourceServer, `SELECT name FROM ${SCHEMA}.items WHERE id = 1`)).toEqual([{ name: 'first' }]);
    });

    it('keeps a transaction open across refused and failed statements; its writes commit at COMMIT', async () => {
      const tx = await connectMysql2();
      const open = await binlogPosition();
      try {
        await tx.query('BEGIN');
        await tx.query("INSERT INTO items VALUES (2, 'before the refusals')");
        await expectRefused(tx, 'LOCK TABLES items WRITE', { errno: 1148, sqlState: '42000', message: (classifyStatement('LOCK TABLES items WRITE') as SqlError).message });
        await expectRefused(tx, "INSERT INTO files VALUES (2, 'bytes')", blobRefused('files'));
        // DDL would commit the transaction first; a refused one must not.
        await expectRefused(tx, 'CREATE TABLE kbinlog.intruder (id INT PRIMARY KEY)', KBINLOG_SCHEMA_REFUSED);
        await expectRefused(tx, 'CREATE TABLE cascading (id INT PRIMARY KEY, item_id INT, FOREIGN KEY (item_id) REFERENCES items (id) ON DELETE CASCADE)', CASCADE_REFUSED);
        await expectRefused(tx, "SET time_zone = '+05:00'", TIME_ZONE_REFUSED);
        // A failed statement rolls back only itself.
        await expectRefused(tx, "INSERT INTO items VALUES (2, 'duplicate')", { errno: 1062, sqlState: '23000', message: "Duplicate entry '2' for key 'PRIMARY'" });
        await tx.query("INSERT INTO items VALUES (3, 'after the refusals')");
        // Still one open transaction: other sessions do not see its rows, nothing is logged.
        expect(await queryRows(sourceServer, `SELECT id FROM ${SCHEMA}.items WHERE id IN (2, 3)`)).toEqual([]);
        expect(await binlogPosition()).toEqual(open);
        await tx.query('COMMIT');
      } finally {
        await tx.end();
      }
      expect(await binlogPosition()).not.toEqual(open);
      expect(await queryRows(sourceServer, `SELECT id, name FROM ${SCHEMA}.items WHERE id IN (2, 3) ORDER BY id`)).toEqual([
        { id: '2', name: 'before the refusals' },
        { id: '3', name: 'after the refusals' },
      ]);
    });

    // Other spellings of what is refused above: MariaDB reads them as the same statement.

    it('refuses a time zone set for one statement (SET STATEMENT time_zone = … FOR INSERT)', async () => {
      const before = await binlogPosition();
      const error = await errorOf(connection.query("SET STATEMENT time_zone = '+05:00' FOR INSERT INTO items VALUES (301, 'in another time zone')"));
      const logged = (await binlogPosition()).Position !== before.Position;
      expect({ error, logged }).toEqual({ error: { errno: 1235, sqlState: '42000', message: expect.stringContaining('time_zone') }, logged: false });
    });

    it('refuses a cascading foreign key written inside an executable comment', async () => {
      const error = await errorOf(connection.query('CREATE TABLE sneaky_children (id INT PRIMARY KEY, item_id INT, FOREIGN KEY (item_id) REFERENCES items (id) /*! ON DELETE CASCADE */)'));
      expect({ error, created: await tableExists(SCHEMA, 'sneaky_children') }).toEqual({ error: CASCADE_REFUSED, created: false });
    });
  });

  describe('malformed packets, over a raw socket', () => {
    const clients: RawMysqlClient[] = [];

    async function login(): Promise<RawMysqlClient> {
      const client = await RawMysqlClient.login(port, USER, PASSWORD);
      clients.push(client);
      return client;
    }

    async function connectRaw(): Promise<RawMysqlClient> {
      const client = await RawMysqlClient.connect(port);
      clients.push(client);
      return client;
    }

    /** A reply packet as [sequence id, ERR fields] (or the payload in hex when it is not an ERR). */
    const errReply = (packet: RawPacket): [number, SqlError | string] => [packet.sequenceId, parseErr(packet.payload) ?? packet.payload.toString('hex')];

    async function expectUsable(client: RawMysqlClient): Promise<void> {
      const pong = await client.ping();
      expect({ sequenceId: pong.sequenceId, ok: isOk(pong.payload) }).toEqual({ sequenceId: 1, ok: true });
    }

    /** The server closed the connection after what was read, and sent nothing more. */
    async function expectClosedByServer(client: RawMysqlClient): Promise<void> {
      await client.waitClosed();
      expect(client.unread).toEqual([]);
    }

    afterEach(() => {
      for (const client of clients.splice(0)) client.destroy();
    });

    it('answers an unknown command byte with 1047 (08S01) "Unknown command" and stays open', async () => {
      const client = await login();
      expect(errReply(await client.command(Buffer.from([0x7f])))).toEqual([1, { errno: 1047, sqlState: '08S01', message: 'Unknown command' }]);
      await expectUsable(client);
      // A known command the front door does not implement (COM_FIELD_LIST) too.
      expect(errReply(await client.command(Buffer.from([0x04, 0x69, 0x74, 0x65, 0x6d, 0x73, 0x00])))).toEqual([1, { errno: 1047, sqlState: '08S01', message: 'Unknown command' }]);
      await expectUsable(client);
    });

    it('answers an empty command packet with 1835 (malformed packet) and stays open', async () => {
      const client = await login();
      client.sendPacket(Buffer.alloc(0), 0);
      expect(errReply(await client.readPacket())).toEqual([1, { errno: 1835, sqlState: 'HY000', message: 'Malformed communication packet: empty command packet' }]);
      await expectUsable(client);
    });

    it('answers COM_STMT_EXECUTE of a statement never prepared with 1243 and stays open', async () => {
      const client = await login();
      const reply = await client.command(RawMysqlClient.executeHead(4242));
      expect(errReply(reply)).toEqual([1, { errno: 1243, sqlState: 'HY000', message: 'Unknown prepared statement handler (4242) given to mysqld_stmt_execute' }]);
      await expectUsable(client);
    });

    it('answers COM_STMT_EXECUTE with a truncated parameter block with 1210 and stays open; the statement still runs', async () => {
      const client = await login();
      const statement = await client.prepare('SELECT ? AS v');
      expect(statement).toMatchObject({ params: 1 });
      const { statementId } = statement as { statementId: number };
      const head = RawMysqlClient.executeHead(statementId);
      const wrong = (detail: string): SqlError => ({ errno: 1210, sqlState: 'HY000', message: `Incorrect arguments to mysqld_stmt_execute (Malformed communication packet: ${detail})` });
      // No NULL bitmap at all.
      expect(errReply(await client.command(head))).toEqual([1, wrong('NULL bitmap needs 1 bytes, 0 left')]);
      await expectUsable(client);
      // NULL bitmap, new-params-bound = 1, then the type without its flags byte.
      expect(errReply(await client.command(Buffer.concat([head, Buffer.from([0x00, 0x01, 0x08])])))).toEqual([1, wrong('parameter flags needs 1 bytes, 0 left')]);
      await expectUsable(client);
      // Types sent, but the LONGLONG value cut to 3 of its 8 bytes.
      expect(errReply(await client.command(Buffer.concat([head, Buffer.from([0x00, 0x01, 0x08, 0x00, 0x07, 0x00, 0x00])])))).toEqual([1, wrong('parameter 0 needs 8 bytes, 3 left')]);
      await expectUsable(client);
      // A whole execute of the same statement: one row.
      const value = Buffer.alloc(8);
      value.writeBigInt64LE(7n);
      const result = await client.readResultSet(await client.command(Buffer.concat([head, Buffer.from([0x00, 0x01, 0x08, 0x00]), value])));
      expect(result.map((packet) => parseErr(packet.payload))).toEqual(result.map(() => undefined));
      const rows = result.slice(3, -1);
      expect({ rows: rows.length, last: isEof((result[result.length - 1] as RawPacket).payload) }).toEqual({ rows: 1, last: true });
      await expectUsable(client);
    });

    it('answers a COM_QUERY that is not valid UTF-8 with 1300 and stays open', async () => {
      const client = await login();
      const reply = await client.command(Buffer.concat([Buffer.from([Command.QUERY]), Buffer.from("SELECT '", 'latin1'), Buffer.from([0xff, 0xfe]), Buffer.from("'", 'latin1')]));
      expect(errReply(reply)).toEqual([1, { errno: 1300, sqlState: 'HY000', message: 'Invalid utf8mb4 character string in query' }]);
      await expectUsable(client);
    });

    it(`accepts a payload of exactly --max-allowed-packet (${MAX_ALLOWED_PACKET}) bytes`, async () => {
      const client = await login();
      const head = "SELECT '";
      const sql = `${head}${'x'.repeat(MAX_ALLOWED_PACKET - 1 - head.length - 1)}'`;
      expect(1 + Buffer.byteLength(sql)).toBe(MAX_ALLOWED_PACKET);
      const result = await client.query(sql);
      expect({ error: parseErr((result[0] as RawPacket).payload), packets: result.length }).toEqual({ error: undefined, packets: 5 });
      await expectUsable(client);
    });

    it('answers a packet over --max-allowed-packet with 1153 (08S01), then closes the connection', async () => {
      const client = await login();
      // Only the header and a few bytes: the server refuses on the declared length.
      client.write(frame(Buffer.from([Command.QUERY, 0x53, 0x45, 0x4c]), 0, MAX_ALLOWED_PACKET + 1));
      const [, error] = errReply(await client.readPacket());
      expect(error).toEqual({ errno: 1153, sqlState: '08S01', message: `Got a packet bigger than 'max_allowed_packet' bytes (${MAX_ALLOWED_PACKET})` });
      await expectClosedByServer(client);
    });

    it('answers a command sent ahead of an oversized packet before refusing the packet, as MySQL reads one packet at a time', async () => {
      const client = await login();
      // One write: COM_PING, then a header over the limit. MySQL answers the ping, then reads the header.
      client.write(Buffer.concat([frame(Buffer.from([Command.PING]), 0), frame(Buffer.from([Command.QUERY]), 0, MAX_ALLOWED_PACKET + 1)]));
      await client.waitClosed();
      const replies = client.unread.map((packet) => ({ sequenceId: packet.sequenceId, reply: parseErr(packet.payload) ?? (isOk(packet.payload) ? 'OK' : packet.payload.toString('hex')) }));
      expect(replies).toEqual([
        { sequenceId: 1, reply: 'OK' },
        { sequenceId: expect.any(Number), reply: { errno: 1153, sqlState: '08S01', message: `Got a packet bigger than 'max_allowed_packet' bytes (${MAX_ALLOWED_PACKET})` } },
      ]);
    });

    it('survives a truncated packet whose sender goes away: the connection closes, the next one works', async () => {
      const client = await login();
      client.write(frame(Buffer.from([Command.QUERY, 0x53, 0x45, 0x4c, 0x45, 0x43, 0x54, 0x20, 0x31, 0x20]), 0, 100));
      client.endWrites();
      await expectClosedByServer(client);
      await expectUsable(await login());
    });

    it.each([
      ['claims protocol 4.1 and ends early', Buffer.from([0x01, 0x02, 0x03, 0x04, 0x05]), 'Bad handshake (Malformed communication packet: max packet size needs 4 bytes, 1 left)'],
      ['is not protocol 4.1', Buffer.from([0x05, 0x04, 0x03, 0x02, 0x01]), 'Bad handshake: client does not speak protocol 4.1'],
    ])('answers a handshake response that %s with 1043 (08S01), then closes', async (_what, payload, message) => {
      const client = await connectRaw();
      await client.readGreeting();
      client.sendPacket(payload, 1);
      expect(errReply(await client.readPacket())).toEqual([2, { errno: 1043, sqlState: '08S01', message }]);
      await expectClosedByServer(client);
    });

    it.each([
      ['a wrong password', USER, 'wrong', "Access denied for user 'kbinlog'@'127.0.0.1' (using password: YES)"],
      ['an unknown user', 'nobody', PASSWORD, "Access denied for user 'nobody'@'127.0.0.1' (using password: YES)"],
      ['no password', USER, '', "Access denied for user 'kbinlog'@'127.0.0.1' (using password: NO)"],
    ])('refuses a login with %s: 1045 (28000), then closes', async (_what, user, password, message) => {
      const client = await connectRaw();
      expect(errReply(await client.authenticate(user, password))).toEqual([2, { errno: 1045, sqlState: '28000', message }]);
      await expectClosedByServer(client);
    });
  });

  it('is still serving after all of it: a new mysql2 connection works and no internal error was logged', async () => {
    const connection = await connectMysql2();
    try {
      expect(await selectOne(connection)).toEqual([{ one: 1 }]);
    } finally {
      await connection.end();
    }
    expect(source.process.exitCode).toBeNull();
    expect(source.output.filter((line) => line.includes('sql.internal_error'))).toEqual([]);
  });
});
