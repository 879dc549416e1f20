/**
 * SQL through the source's MySQL port, from the clients applications use: the Debian `mariadb`
 * command-line client, mysql2 (text protocol and prepared statements) and TypeORM. Each runs a
 * session of DDL, DML and transactions; afterwards every table on both replicas equals the
 * source's, column types included. memcached and SQL meet on test.demo_test.
 */
import {
  dumpSchema,
  getJson,
  MemcachedTestClient,
  nodeFlags,
  queryRows,
  resetNodeDatabases,
  type RunningService,
  startService,
  testInfra,
  uniqueClusterName,
  waitUntilReplicated,
} from '@kbinlog/testing';
import { execFile } from 'node:child_process';
import { createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';

jest.setTimeout(60_000);

const infra = testInfra();
const [sourceServer, ...replicaServers] = infra.mariadb.slice(0, 3);
const cluster = uniqueClusterName('sql');
const SCHEMAS = ['shop', 'typeorm_app'];

interface SourceStatus {
  readonly Mysql_Port: number;
  readonly Memcached_Port: number;
}

/** Runs the mariadb client as a user would, the script on stdin. */
function mariadbCli(port: number, script: string, database?: string, account = ['kbinlog', 'kbinlog']): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const args = ['-h127.0.0.1', `-P${port}`, `-u${account[0]}`, `-p${account[1]}`, '--batch', ...(database ? [database] : [])];
    const child = execFile('mariadb', args, (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }));
    child.stdin?.end(script);
  });
}

describe('SQL clients through the source', () => {
  let source: RunningService;
  const replicas: RunningService[] = [];
  let status: SourceStatus;

  beforeAll(async () => {
    for (const server of [sourceServer, ...replicaServers]) {
      await resetNodeDatabases(server);
      for (const schema of SCHEMAS) await queryRows(server, `DROP DATABASE IF EXISTS \`${schema}\``);
    }
    source = await startService('source', [...nodeFlags(infra, { cluster, server: sourceServer, nodeName: 'source', serverId: 1 }), '--memcached-port', '0', '--mysql-port', '0', '--sql-users', 'kbinlog:kbinlog,sha2user:sha2secret:caching_sha2_password']);
    for (const [index, server] of replicaServers.entries()) {
      replicas.push(await startService('replica', nodeFlags(infra, { cluster, server, nodeName: `replica-${index + 1}`, serverId: index + 2 })));
    }
    status = await getJson<SourceStatus>(`${source.httpUrl}/status`);
  });

  afterAll(async () => {
    for (const replica of replicas) await replica.stop();
    await source?.stop();
  });

  async function expectReplicasEqualSource(): Promise<void> {
    for (const replica of replicas) await waitUntilReplicated(source, replica);
    for (const schema of [...SCHEMAS, 'test']) {
      const expected = await dumpSchema(sourceServer, schema);
      for (const server of replicaServers) expect({ schema, tables: await dumpSchema(server, schema) }).toEqual({ schema, tables: expected });
    }
  }

  it('authenticates with mysql_native_password and caching_sha2_password, from mysql2 and the mariadb client', async () => {
    for (const [user, password] of [['kbinlog', 'kbinlog'], ['sha2user', 'sha2secret']]) {
      const connection = await createConnection({ host: '127.0.0.1', port: status.Mysql_Port, user, password });
      try {
        const [rows] = await connection.query('SELECT 1 AS one');
        expect(rows).toEqual([{ one: 1 }]);
      } finally {
        await connection.end();
      }
      expect(await mariadbCli(status.Mysql_Port, 'SELECT 2 AS two;', undefined, [user, password])).toEqual({ code: 0, stdout: 'two\n2\n', stderr: '' });
    }
    await expect(createConnection({ host: '127.0.0.1', port: status.Mysql_Port, user: 'sha2user', password: 'wrong' })).rejects.toMatchObject({
      errno: 1045,
      message: "Access denied for user 'sha2user'@'127.0.0.1' (using password: YES)",
    });
  });

  it('the mariadb client runs DDL, every DML form and transactions', async () => {
    const script = `
      CREATE DATABASE shop;
      USE shop;
      CREATE TABLE items (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40) NOT NULL UNIQUE, price DECIMAL(10,2), stock INT NOT NULL DEFAULT 0, token CHAR(36), added DATETIME(6));
      CREATE TABLE orders (id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, item_id INT NOT NULL, qty INT NOT NULL, note TEXT);
      CREATE TABLE archive LIKE items;
      INSERT INTO items (name, price, stock, token, added) VALUES ('apple', 0.50, 10, UUID(), NOW(6)), ('pear', 0.75, 5, UUID(), NOW(6)), ('plum', 1.10, 0, UUID(), NOW(6));
      INSERT INTO orders (item_id, qty, note) VALUES (1, 3, CONCAT('r', RAND())), (2, 1, NULL);
      BEGIN;
      UPDATE items SET stock = stock - 3 WHERE id = 1;
      INSERT INTO orders (item_id, qty) VALUES (1, 99);
      ROLLBACK;
      START TRANSACTION;
      UPDATE items i JOIN orders o ON o.item_id = i.id SET i.stock = i.stock - o.qty, o.note = 'shipped';
      INSERT INTO items (name, price) VALUES ('apple', 0.55) ON DUPLICATE KEY UPDATE price = VALUES(price);
      REPLACE INTO items (id, name, price, stock) VALUES (3, 'plum', 1.20, 7);
      COMMIT;
      INSERT INTO archive SELECT * FROM items WHERE stock > 5;
      DELETE o FROM orders o JOIN items i ON i.id = o.item_id WHERE i.name = 'pear';
      DELETE FROM items WHERE stock = 0;
      ALTER TABLE items ADD COLUMN color VARCHAR(10) DEFAULT 'green';
      UPDATE items SET color = 'red' WHERE name = 'apple';
      CREATE INDEX by_price ON items (price);
      RENAME TABLE archive TO archived;
      INSERT INTO archived (name, price) VALUES ('cherry', 3.00);
      DROP INDEX by_price ON items;
      CREATE TABLE junk (id INT PRIMARY KEY);
      INSERT INTO junk VALUES (1), (2);
      TRUNCATE TABLE junk;
      INSERT INTO junk VALUES (3);
      CREATE TABLE doomed (id INT PRIMARY KEY);
      DROP TABLE doomed;
      CREATE DATABASE doomed_db;
      CREATE TABLE doomed_db.t (id INT PRIMARY KEY);
      DROP DATABASE doomed_db;
      SELECT name, price, stock, color FROM items ORDER BY id;
    `;
    const result = await mariadbCli(status.Mysql_Port, script);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(result.stdout).toBe('name\tprice\tstock\tcolor\napple\t0.55\t7\tred\npear\t0.75\t4\tgreen\nplum\t1.20\t7\tgreen\n');
    expect(Object.keys(await dumpSchema(sourceServer, 'shop'))).toEqual(['archived', 'items', 'junk', 'orders']);
    for (const server of replicaServers) await waitUntilReplicated(source, replicas[replicaServers.indexOf(server)]);
    for (const server of [sourceServer, ...replicaServers]) {
      expect(await queryRows(server, "SELECT COUNT(*) AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'doomed_db'")).toEqual([{ n: '0' }]);
      expect(await queryRows(server, "SELECT COUNT(*) AS n FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = 'shop' AND INDEX_NAME = 'by_price'")).toEqual([{ n: '0' }]);
    }
    await expectReplicasEqualSource();
  });

  it('mysql2 runs text queries and prepared statements, and reads its own writes', async () => {
    const connection = await createConnection({ host: '127.0.0.1', port: status.Mysql_Port, user: 'kbinlog', password: 'kbinlog', database: 'shop' });
    try {
      const [inserted] = await connection.execute('INSERT INTO orders (item_id, qty, note) VALUES (?, ?, ?)', [1, 4, "it's prepared"]);
      expect(inserted).toMatchObject({ affectedRows: 1 });
      const insertId = (inserted as { insertId: number }).insertId;
      const [rows] = await connection.execute('SELECT id, qty, note FROM orders WHERE id = ? LIMIT ?', [insertId, 1]);
      expect(rows).toEqual([{ id: insertId, qty: 4, note: "it's prepared" }]);
      await connection.beginTransaction();
      await connection.query('UPDATE orders SET qty = qty + 1 WHERE id = ?', [insertId]);
      await connection.execute('INSERT INTO orders (item_id, qty) VALUES (?, ?)', [2, 2]);
      await connection.commit();
      await connection.beginTransaction();
      await connection.query('DELETE FROM orders');
      await connection.rollback();
      const [[count]] = (await connection.query('SELECT COUNT(*) AS n FROM orders')) as unknown as [[{ n: number }]];
      expect(count.n).toBeGreaterThanOrEqual(3);
    } finally {
      await connection.end();
    }
    await expectReplicasEqualSource();
  });

  it('TypeORM connects and writes through its query runner and transactions', async () => {
    const orm = new DataSource({ type: 'mariadb', host: '127.0.0.1', port: status.Mysql_Port, username: 'kbinlog', password: 'kbinlog' });
    await orm.initialize();
    try {
      await orm.query('CREATE DATABASE typeorm_app');
      await orm.query('CREATE TABLE typeorm_app.notes (id INT AUTO_INCREMENT PRIMARY KEY, body VARCHAR(100) NOT NULL, created TIMESTAMP DEFAULT CURRENT_TIMESTAMP)');
      await orm.transaction(async (manager) => {
        await manager.query('INSERT INTO typeorm_app.notes (body) VALUES (?), (?)', ['first', 'second']);
        await manager.query('UPDATE typeorm_app.notes SET body = ? WHERE body = ?', ['2nd', 'second']);
      });
      await expect(
        orm.transaction(async (manager) => {
          await manager.query('INSERT INTO typeorm_app.notes (body) VALUES (?)', ['rolled back']);
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect(await orm.query('SELECT body FROM typeorm_app.notes ORDER BY id')).toEqual([{ body: 'first' }, { body: '2nd' }]);
    } finally {
      await orm.destroy();
    }
    await expectReplicasEqualSource();
  });

  it("replicas serve reads from their own MariaDB and refuse client writes (read_only, error 1290)", async () => {
    const [server] = replicaServers;
    // An application account without READ_ONLY ADMIN (infra/local makes one; other servers may not have it).
    await queryRows(server, "CREATE USER IF NOT EXISTS 'app'@'%' IDENTIFIED BY 'app'");
    await queryRows(server, "GRANT SELECT, INSERT, UPDATE, DELETE ON *.* TO 'app'@'%'");
    const app = await createConnection({ host: server.host, port: server.port, user: 'app', password: 'app' });
    try {
      const [rows] = await app.query("SELECT name FROM shop.items WHERE name = 'apple'");
      expect(rows).toEqual([{ name: 'apple' }]);
      await expect(app.query("UPDATE shop.items SET price = 0 WHERE name = 'apple'")).rejects.toMatchObject({ errno: 1290 });
    } finally {
      await app.end();
    }
  });

  it('memcached and SQL meet: each sees what the other wrote, on the source and the replicas', async () => {
    const client = await MemcachedTestClient.connect(status.Memcached_Port);
    try {
      const get = (key: string) => client.call(`get ${key}\r\n`, (reply) => reply.endsWith('END\r\n'));
      expect(await client.set('from-memcached', 'hello', 3)).toBe('STORED\r\n');
      // Read once before SQL changes them: the source's read cache holds both rows now.
      expect(await get('from-memcached')).toBe('VALUE from-memcached 3 5\r\nhello\r\nEND\r\n');
      const before = await get('AA');
      const result = await mariadbCli(status.Mysql_Port, "SELECT c2, c3 FROM test.demo_test WHERE c1 = 'from-memcached';\nUPDATE test.demo_test SET c2 = 'changed by SQL' WHERE c1 = 'AA';\n");
      expect(result).toMatchObject({ code: 0, stdout: 'c2\tc3\nhello\t3\n' });
      expect(await get('AA')).toBe('VALUE AA 8 14\r\nchanged by SQL\r\nEND\r\n');
      expect(before).not.toBe('VALUE AA 8 14\r\nchanged by SQL\r\nEND\r\n');
      // A rolled-back change is never seen; a committed delete is.
      const rolledBack = await mariadbCli(status.Mysql_Port, "BEGIN;\nUPDATE test.demo_test SET c2 = 'rolled back' WHERE c1 = 'AA';\nROLLBACK;\n");
      expect(rolledBack.code).toBe(0);
      expect(await get('AA')).toBe('VALUE AA 8 14\r\nchanged by SQL\r\nEND\r\n');
      expect((await mariadbCli(status.Mysql_Port, "DELETE FROM test.demo_test WHERE c1 = 'from-memcached';\n")).code).toBe(0);
      expect(await get('from-memcached')).toBe('END\r\n');
      expect(await client.set('from-memcached', 'hello', 3)).toBe('STORED\r\n');
    } finally {
      client.close();
    }
    await expectReplicasEqualSource();
  });
});
