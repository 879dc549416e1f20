/**
 * MySQL's replication status statements and system variables on the nodes' MySQL ports,
 * answered from kbinlog's own state, and read by a tool nobody here wrote: Prometheus's mysqld_exporter (Debian's
 * prometheus-mysqld-exporter) pointed at a replica's port reports its slave status metrics with
 * the values of the replica's HTTP status, while it replicates and while it is stopped.
 */
import { MemcachedTestClient, SQL_ACCOUNT, TestCluster, testInfra, waitFor, waitUntilReplicated, type ClusterNode } from '@kbinlog/testing';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createConnection, type RowDataPacket } from 'mysql2/promise';

const infra = testInfra();
const EXPORTER = '/usr/bin/prometheus-mysqld-exporter';

type Fields = Record<string, unknown>;

async function getJson(url: string): Promise<Fields> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return (await response.json()) as Fields;
}

/** One statement on a node's MySQL port: its rows and its column names, in order. */
async function query(node: ClusterNode, sql: string): Promise<{ rows: RowDataPacket[]; columns: string[] }> {
  const port = Number((await getJson(`${node.httpUrl}/status`))['Mysql_Port']);
  const connection = await createConnection({ host: '127.0.0.1', port, ...SQL_ACCOUNT });
  try {
    const [rows, fields] = await connection.query<RowDataPacket[]>(sql);
    return { rows, columns: fields.map((field) => field.name) };
  } finally {
    await connection.end();
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The exporter's samples of one metric family, by their labels. */
function samples(metrics: string, name: string): number[] {
  return metrics
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .map((line) => Number(line.slice(line.lastIndexOf(' ') + 1)));
}

/**
 * `read` between two reads of the node's GET /status that agree on its position: no heartbeat
 * group (every 250 ms) came between them, so the read saw that position too.
 */
async function steadyRead<T>(node: ClusterNode, read: () => Promise<T>): Promise<[T, Fields]> {
  return waitFor(
    async () => {
      const before = await getJson(`${node.httpUrl}/status`);
      const result = await read();
      const after = await getJson(`${node.httpUrl}/status`);
      return before['Position'] === after['Position'] && ([result, after] as [T, Fields]);
    },
    { description: `a read of ${node.name} between two equal positions`, timeoutMs: 10_000, intervalMs: 20 },
  );
}

describe("MySQL's replication status statements on the nodes' MySQL ports", () => {
  let cluster: TestCluster;
  let source: ClusterNode;
  let replica: ClusterNode;
  let exporter: ChildProcess | undefined;
  let exporterUrl: string;

  beforeAll(async () => {
    await promisify(execFile)('bash', [join(__dirname, '../../infra/local/tools.sh'), 'install', 'mysqld-exporter']);
    cluster = await TestCluster.start(infra, { prefix: 'replsql' });
    source = await cluster.sourceNode();
    replica = cluster.node(source.name === 'node-2' ? 'node-3' : 'node-2');
    const memcached = await MemcachedTestClient.connect(Number((await getJson(`${source.httpUrl}/status`))['Memcached_Port']));
    for (let n = 1; n <= 20; n++) expect(await memcached.set(`repl-${n}`, `v${n}`)).toBe('STORED\r\n');
    memcached.close();
    await waitUntilReplicated(source.process, replica.process);
  });

  afterAll(async () => {
    exporter?.kill('SIGTERM');
    await cluster?.stop();
  });

  it('SHOW MASTER STATUS and SHOW BINARY LOG STATUS give the source HTTP status position', async () => {
    const at = (status: Fields) => ({ File: status['File'], Position: String(status['Position']), Executed_Gtid_Set: status['Executed_Gtid_Set'] });
    for (const sql of ['SHOW MASTER STATUS', 'SHOW BINARY LOG STATUS']) {
      const { columns } = await query(source, sql);
      expect(columns).toEqual(['File', 'Position', 'Binlog_Do_DB', 'Binlog_Ignore_DB', 'Executed_Gtid_Set']);
      // The source appends a heartbeat group every 250 ms: compare when no group came between the reads.
      const [answer, status] = await steadyRead(source, async () => (await query(source, sql)).rows.map((row) => at(row)));
      expect(answer).toEqual([at(status)]);
    }
  });

  it('SHOW BINARY LOGS lists the binlog and where it ends; SHOW REPLICAS and SHOW SLAVE HOSTS list the replicas reading it', async () => {
    const status = await getJson(`${source.httpUrl}/status`);
    const logs = await query(source, 'SHOW BINARY LOGS');
    expect(logs.columns).toEqual(['Log_name', 'File_size', 'Encrypted']);
    expect(logs.rows).toHaveLength(1);
    expect(logs.rows[0]['Log_name']).toBe(status['File']);
    expect(BigInt(logs.rows[0]['File_size'] as number)).toBeGreaterThanOrEqual(BigInt(status['Position'] as string));

    const replicaNodes = ['node-1', 'node-2', 'node-3'].filter((name) => name !== source.name).map((name) => cluster.node(name));
    const expected = await Promise.all(
      replicaNodes.map(async (node) => {
        const own = await getJson(`${node.httpUrl}/status`);
        return { Server_Id: own['Server_Id'], Host: '127.0.0.1', Port: own['Mysql_Port'], Source_Id: status['Server_Id'], Replica_UUID: own['Server_UUID'] };
      }),
    );
    const byId = (rows: RowDataPacket[]) => [...rows].sort((a, b) => Number(a['Server_Id'] ?? a['Server_id']) - Number(b['Server_Id'] ?? b['Server_id']));
    const replicas = await query(source, 'SHOW REPLICAS');
    expect(byId(replicas.rows).map((row) => ({ ...row }))).toEqual(byId(expected as unknown as RowDataPacket[]));
    const hosts = await query(source, 'SHOW SLAVE HOSTS');
    expect(hosts.columns).toEqual(['Server_id', 'Host', 'Port', 'Master_id', 'Slave_UUID']);
    expect(hosts.rows).toHaveLength(replicaNodes.length);
  });

  it('SHOW REPLICA STATUS on a stopped replica equals its HTTP status field for field; SHOW SLAVE STATUS the same under the old names; a source shows none', async () => {
    // Stopped, so that the source's heartbeat groups move no position between the two reads.
    await replica.replication('stop');
    const http = await getJson(`${replica.httpUrl}/replica/status`);
    const { rows, columns } = await query(replica, 'SHOW REPLICA STATUS');
    expect(rows).toHaveLength(1);
    // MySQL 8.0's columns, in its order, then kbinlog's own.
    expect(columns.slice(0, 4)).toEqual(['Replica_IO_State', 'Source_Host', 'Source_User', 'Source_Port']);
    expect(columns.indexOf('Seconds_Behind_Source')).toBe(32);
    expect(columns.indexOf('Network_Namespace')).toBe(59);
    const row = rows[0];
    // Every field of the HTTP status is a column with its value (lag fields move with the clock).
    const moving = new Set(['Seconds_Behind_Source', 'Milliseconds_Behind_Source']);
    for (const [name, value] of Object.entries(http)) {
      if (!columns.includes(name)) continue;
      if (moving.has(name)) continue;
      // MySQL prints an unset UNTIL position and an unknown source server id as 0.
      const printed = (name === 'Until_Log_Pos' && value === '') || (name === 'Source_Server_Id' && value === null) ? '0' : value === null ? null : String(value);
      expect([name, row[name] === null ? null : String(row[name])]).toEqual([name, printed]);
    }
    const missing = Object.keys(http).filter((name) => !columns.includes(name) && !['node', 'server_id', 'server_uuid'].includes(name));
    expect(missing).toEqual([]);

    const slave = await query(replica, 'SHOW SLAVE STATUS');
    expect(slave.columns).toContain('Slave_IO_Running');
    expect(slave.columns).toContain('Seconds_Behind_Master');
    expect(slave.columns).toContain('Exec_Master_Log_Pos');
    expect(slave.rows[0]['Slave_SQL_Running']).toBe(http['Replica_SQL_Running']);
    expect(String(slave.rows[0]['Exec_Master_Log_Pos'])).toBe(http['Exec_Source_Log_Pos']);
    expect(slave.rows[0]['Master_UUID']).toBe(http['Source_UUID']);

    const onSource = await query(source, 'SHOW REPLICA STATUS');
    expect(onSource.rows).toEqual([]);
    expect(onSource.columns).toEqual(columns);
    await replica.replication('start');
  });

  it("SELECT @@server_id, @@server_uuid, @@gtid_executed … give each node's kbinlog values, alone or inside a larger SELECT", async () => {
    for (const node of [source, replica]) {
      const sql = 'SELECT @@server_id, @@global.server_uuid, @@gtid_executed, @@read_only, @@log_bin, @@binlog_format, CONCAT(@@server_uuid, ":", @@server_id) AS id';
      const [{ rows, columns }, status] = await steadyRead(node, () => query(node, sql));
      expect(columns).toEqual(['@@server_id', '@@global.server_uuid', '@@gtid_executed', '@@read_only', '@@log_bin', '@@binlog_format', 'id']);
      expect(rows[0]).toEqual({
        '@@server_id': status['Server_Id'],
        '@@global.server_uuid': status['Server_UUID'],
        '@@gtid_executed': status['Executed_Gtid_Set'],
        '@@read_only': node === source ? 0 : 1,
        '@@log_bin': 1,
        '@@binlog_format': 'ROW',
        id: `${String(status['Server_UUID'])}:${String(status['Server_Id'])}`,
      });
    }
  });

  it('SELECT SOURCE_POS_WAIT(file, pos[, timeout]) waits on a replica\'s applier: at once when passed, -1 after the timeout, NULL on the source', async () => {
    const { File, Position } = await getJson(`${source.httpUrl}/status`);
    const waited = await query(replica, `SELECT SOURCE_POS_WAIT('${String(File)}', ${String(Position)}, 10)`);
    expect(waited.columns).toEqual([`SOURCE_POS_WAIT('${String(File)}', ${String(Position)}, 10)`]);
    expect(Number(Object.values(waited.rows[0])[0])).toBeGreaterThanOrEqual(0);
    const later = await query(replica, `SELECT MASTER_POS_WAIT('${String(File)}', ${BigInt(Position as string) + 1_000_000n}, 0.5) AS w`);
    expect(later.rows[0]['w']).toBe(-1);
    const onSource = await query(source, `SELECT SOURCE_POS_WAIT('${String(File)}', 0, 1) AS w`);
    expect(onSource.rows[0]['w']).toBeNull();
  });

  it("mysqld_exporter on a replica's port reports the replica's status, running and stopped", async () => {
    const port = Number((await getJson(`${replica.httpUrl}/status`))['Mysql_Port']);
    const listen = await freePort();
    exporterUrl = `http://127.0.0.1:${listen}/metrics`;
    exporter = spawn(EXPORTER, [`--web.listen-address=127.0.0.1:${listen}`], {
      env: { ...process.env, DATA_SOURCE_NAME: `${SQL_ACCOUNT.user}:${SQL_ACCOUNT.password}@(127.0.0.1:${port})/` },
      stdio: 'ignore',
    });
    const scrape = async () => (await fetch(exporterUrl, { signal: AbortSignal.timeout(10_000) })).text();
    const scrapeWith = (description: string, ready: (metrics: string) => boolean) =>
      waitFor(async () => {
        const metrics = await scrape().catch(() => '');
        return ready(metrics) && metrics;
      }, { description, timeoutMs: 20_000, intervalMs: 250 });

    const running = await scrapeWith('the exporter to report slave status', (metrics) => samples(metrics, 'mysql_slave_status_slave_io_running').length === 1);
    expect(samples(running, 'mysql_up')).toEqual([1]);
    expect(samples(running, 'mysql_slave_status_slave_io_running')).toEqual([1]);
    expect(samples(running, 'mysql_slave_status_slave_sql_running')).toEqual([1]);
    const lagRunning = (await getJson(`${replica.httpUrl}/replica/status`))['Seconds_Behind_Source'] as number;
    const [exported] = samples(running, 'mysql_slave_status_seconds_behind_master');
    expect(Math.abs(exported - lagRunning)).toBeLessThanOrEqual(1);

    await replica.replication('stop');
    const stopped = await scrapeWith('the exporter to see replication stopped', (metrics) => samples(metrics, 'mysql_slave_status_slave_io_running')[0] === 0);
    expect(samples(stopped, 'mysql_slave_status_slave_sql_running')).toEqual([0]);
    const http = await getJson(`${replica.httpUrl}/replica/status`);
    expect(http['Replica_IO_Running']).toBe('No');
    const [stoppedLag] = samples(stopped, 'mysql_slave_status_seconds_behind_master');
    expect(Math.abs(stoppedLag - (http['Seconds_Behind_Source'] as number))).toBeLessThanOrEqual(1);
    await replica.replication('start');
  });
});
