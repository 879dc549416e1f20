/**
 * MySQL's replication statements and system variables on the nodes' MySQL ports, answered from
 * kbinlog's own state, and run by tools nobody here wrote: the `mariadb` CLI runs the controls
 * (START / STOP REPLICA [UNTIL], CHANGE REPLICATION SOURCE TO, the waits) with MySQL's
 * privileges; Prometheus's mysqld_exporter (Debian's prometheus-mysqld-exporter) pointed at a
 * replica's port reports its slave status metrics with the values of the replica's HTTP status,
 * while it replicates and while it is stopped; Percona Toolkit's pt-heartbeat updates its table
 * through the source's port and measures each replica's lag in line with kbinlog's own.
 */
import { GtidSet } from '@kbinlog/binlog';
import { appEntryPoint, freePort, MemcachedTestClient, SQL_ACCOUNT, TestCluster, testInfra, waitFor, waitUntilReplicated, type ClusterNode } from '@kbinlog/testing';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createConnection, type RowDataPacket } from 'mysql2/promise';

const infra = testInfra();
const EXPORTER = '/usr/bin/prometheus-mysqld-exporter';
const PT_HEARTBEAT = '/usr/bin/pt-heartbeat';
const TOOLS = join(__dirname, '../../infra/local/tools.sh');
/** kbinlog's default account has every privilege; these have what MySQL's GRANTs would give them. */
const SQL_USERS = 'kbinlog:kbinlog,monitor:monitor:REPLICATION_CLIENT,app:app:USAGE';

const run = promisify(execFile);

/** The `mariadb` CLI's batch output as rows by column name ('NULL' for SQL NULL, as it prints it). */
function batchRows(stdout: string): Record<string, string>[] {
  const [header, ...lines] = stdout.split('\n').filter((line) => line !== '');
  if (header === undefined) return [];
  const names = header.split('\t');
  return lines.map((line) => Object.fromEntries(line.split('\t').map((value, index) => [names[index], value])));
}

/** One statement through the real `mariadb` client on a node's MySQL port. */
async function mariadb(node: ClusterNode, sql: string, account: readonly [string, string] = ['kbinlog', 'kbinlog']): Promise<{ code: number; rows: Record<string, string>[]; stderr: string }> {
  const port = Number((await getJson(`${node.httpUrl}/status`))['Mysql_Port']);
  return new Promise((resolve) => {
    execFile('mariadb', ['-h127.0.0.1', `-P${port}`, `-u${account[0]}`, `-p${account[1]}`, '--batch', '--raw', '-e', sql], { timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, rows: batchRows(stdout), stderr }),
    );
  });
}

async function mariadbOk(node: ClusterNode, sql: string): Promise<Record<string, string>[]> {
  const result = await mariadb(node, sql);
  if (result.code !== 0) throw new Error(`${sql} on ${node.name}: ${result.stderr}`);
  return result.rows;
}

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
    await run('bash', [TOOLS, 'install', 'mysqld-exporter', 'pt-heartbeat']);
    cluster = await TestCluster.start(infra, { prefix: 'replsql', nodeArgs: ['--sql-users', SQL_USERS] });
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
      const [printed, again] = await steadyRead(source, async () => (await mariadbOk(source, sql)).map((row) => at(row)));
      expect(printed).toEqual([at(again)]);
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
    // The mariadb CLI prints the same row (NULL as NULL).
    const [printed] = await mariadbOk(replica, 'SHOW REPLICA STATUS');
    expect(Object.keys(printed)).toEqual(columns);
    for (const name of columns) {
      if (moving.has(name)) continue;
      expect([name, printed[name]]).toEqual([name, row[name] === null ? 'NULL' : String(row[name])]);
    }

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

  it('the mariadb CLI runs STOP / START REPLICA [IO_THREAD | SQL_THREAD]; each answer equals the HTTP status', async () => {
    const threads = async () => {
      const [row] = await mariadbOk(replica, 'SHOW REPLICA STATUS');
      const http = await getJson(`${replica.httpUrl}/replica/status`);
      expect([row['Replica_IO_Running'], row['Replica_SQL_Running']]).toEqual([http['Replica_IO_Running'], http['Replica_SQL_Running']]);
      return [row['Replica_IO_Running'], row['Replica_SQL_Running']];
    };
    await mariadbOk(replica, 'STOP REPLICA IO_THREAD');
    expect(await threads()).toEqual(['No', 'Yes']);
    await mariadbOk(replica, 'STOP SLAVE SQL_THREAD');
    expect(await threads()).toEqual(['No', 'No']);
    await mariadbOk(replica, 'START SLAVE IO_THREAD');
    expect(await threads()).toEqual(['Yes', 'No']);
    await mariadbOk(replica, 'START REPLICA');
    expect(await threads()).toEqual(['Yes', 'Yes']);
    await mariadbOk(replica, 'STOP ALL SLAVES');
    expect(await threads()).toEqual(['No', 'No']);
    await mariadbOk(replica, 'START ALL SLAVES');
    expect(await threads()).toEqual(['Yes', 'Yes']);
  });

  it('START REPLICA UNTIL SOURCE_LOG_POS and SQL_AFTER_GTIDS stop the applier where told; CHANGE REPLICATION SOURCE TO moves it back; SOURCE_POS_WAIT waits for it', async () => {
    const memcached = await MemcachedTestClient.connect(Number((await getJson(`${source.httpUrl}/status`))['Memcached_Port']));
    await waitUntilReplicated(source.process, replica.process);
    await mariadbOk(replica, 'STOP REPLICA SQL_THREAD');
    const from = await getJson(`${replica.httpUrl}/replica/status`);
    for (let n = 1; n <= 3; n++) expect(await memcached.set(`until-${n}`, `u${n}`)).toBe('STORED\r\n');
    memcached.close();
    const { File, Position } = await getJson(`${source.httpUrl}/status`);
    // Fetched, not applied: UNTIL the source's position now applies exactly the three sets (and heartbeats).
    await waitFor(async () => BigInt((await getJson(`${replica.httpUrl}/replica/status`))['Read_Source_Log_Pos'] as string) >= BigInt(Position as string), { description: 'the replica to fetch the three sets', timeoutMs: 20_000 });
    await mariadbOk(replica, `START REPLICA SQL_THREAD UNTIL SOURCE_LOG_FILE = '${String(File)}', SOURCE_LOG_POS = ${String(Position)}`);
    const untilStopped = await waitFor(async () => {
      const status = await getJson(`${replica.httpUrl}/replica/status`);
      return status['Replica_SQL_Running'] === 'No' && status;
    }, { description: 'the applier to stop at its UNTIL position', timeoutMs: 20_000 });
    expect(BigInt(untilStopped['Exec_Source_Log_Pos'] as string)).toBeGreaterThanOrEqual(BigInt(Position as string));
    expect(untilStopped['Last_SQL_Errno']).toBe(0);
    const rows = await query(replica, "SELECT c1 FROM test.demo_test WHERE c1 LIKE 'until-%' ORDER BY c1");
    expect(rows.rows.map((row) => row['c1'])).toEqual(['until-1', 'until-2', 'until-3']);

    // Back to where it stood, and forward again only to the first of the three GTIDs.
    await mariadbOk(replica, 'STOP REPLICA');
    await mariadbOk(replica, `CHANGE REPLICATION SOURCE TO SOURCE_LOG_FILE = '${String(File)}', SOURCE_LOG_POS = ${String(from['Exec_Source_Log_Pos'])}`);
    const moved = await getJson(`${replica.httpUrl}/replica/status`);
    expect(moved['Exec_Source_Log_Pos']).toBe(from['Exec_Source_Log_Pos']);
    const [changed] = await mariadbOk(replica, 'SHOW SLAVE STATUS');
    expect(changed['Exec_Master_Log_Pos']).toBe(String(from['Exec_Source_Log_Pos']));
    const executed = GtidSet.parse(String(untilStopped['Executed_Gtid_Set']));
    const firstAfter = GtidSet.parse(String(from['Executed_Gtid_Set']));
    // The executed set kept what the database holds (kbinlog skips GTIDs it executed, as MySQL does), so UNTIL a GTID already in it stops at once.
    expect(executed.includes(firstAfter)).toBe(true);
    await mariadbOk(replica, `START REPLICA UNTIL SQL_AFTER_GTIDS = '${String(from['Executed_Gtid_Set'])}'`);
    await waitFor(async () => (await getJson(`${replica.httpUrl}/replica/status`))['Replica_SQL_Running'] === 'No', { description: 'UNTIL SQL_AFTER_GTIDS of an executed set to stop the applier', timeoutMs: 20_000 });

    await mariadbOk(replica, 'START REPLICA');
    const { Position: now } = await getJson(`${source.httpUrl}/status`);
    const [waited] = await mariadbOk(replica, `SELECT SOURCE_POS_WAIT('${String(File)}', ${String(now)}, 20) AS w`);
    expect(Number(waited['w'])).toBeGreaterThanOrEqual(0);
  });

  it('CHANGE REPLICATION SOURCE TO SOURCE_DELAY shows in SQL_Delay; options kbinlog cannot honour are refused with why', async () => {
    expect((await mariadb(replica, 'CHANGE REPLICATION SOURCE TO SOURCE_DELAY = 5')).stderr).toMatch(/^ERROR 3085 \(HY000\).*running replica sql thread/m);
    await mariadbOk(replica, 'STOP REPLICA SQL_THREAD');
    await mariadbOk(replica, 'CHANGE MASTER TO MASTER_DELAY = 5');
    const [delayed] = await mariadbOk(replica, 'SHOW REPLICA STATUS');
    expect(delayed['SQL_Delay']).toBe('5');
    expect((await getJson(`${replica.httpUrl}/replica/status`))['SQL_Delay']).toBe(5);
    await mariadbOk(replica, 'CHANGE REPLICATION SOURCE TO SOURCE_DELAY = 0');
    await mariadbOk(replica, 'START REPLICA SQL_THREAD');

    const host = await mariadb(replica, "CHANGE REPLICATION SOURCE TO SOURCE_HOST = 'db2.example.com', SOURCE_PORT = 3306");
    expect(host.stderr).toMatch(/^ERROR 1235 \(42000\).*'SOURCE_HOST'.*reads its cluster's binlog topic from Kafka/m);
    expect((await mariadb(replica, "START REPLICA FOR CHANNEL 'analytics'")).stderr).toMatch(/^ERROR 1235 .*one replication channel/m);
    expect((await mariadb(source, 'START REPLICA')).stderr).toMatch(/^ERROR 1200 \(HY000\).*this node is the cluster's source/m);
    expect((await mariadb(replica, "CHANGE REPLICATION SOURCE TO SOURCE_LOG_FILE = 'kbinlog.other.binlog-0', SOURCE_LOG_POS = 4")).stderr).toMatch(/^ERROR 1210 \(HY000\).*cluster "other"/m);
    const status = await getJson(`${replica.httpUrl}/replica/status`);
    expect([status['Replica_IO_Running'], status['Replica_SQL_Running'], status['SQL_Delay']]).toEqual(['Yes', 'Yes', 0]);
  });

  it('an account without the privilege MySQL requires gets 1227, and nothing changes', async () => {
    const monitor = ['monitor', 'monitor'] as const;
    const app = ['app', 'app'] as const;
    expect((await mariadb(replica, 'STOP REPLICA', monitor)).stderr).toMatch(/^ERROR 1227 \(42000\).*SUPER or REPLICATION_SLAVE_ADMIN privilege/m);
    expect((await mariadb(replica, 'CHANGE REPLICATION SOURCE TO SOURCE_DELAY = 1', monitor)).stderr).toMatch(/^ERROR 1227 /m);
    expect((await mariadb(replica, 'SHOW REPLICA STATUS', app)).stderr).toMatch(/^ERROR 1227 \(42000\).*SUPER or REPLICATION CLIENT privilege/m);
    expect((await mariadb(source, 'SHOW REPLICAS', monitor)).stderr).toMatch(/^ERROR 1227 \(42000\).*the REPLICATION SLAVE privilege/m);
    const shown = await mariadb(replica, 'SHOW REPLICA STATUS', monitor);
    expect(shown.code).toBe(0);
    expect(shown.rows[0]['Replica_SQL_Running']).toBe('Yes');
    // The waits need no privilege.
    const waited = await mariadb(replica, "SELECT WAIT_FOR_EXECUTED_GTID_SET('', 1) AS w", app);
    expect(waited.rows).toEqual([{ w: '0' }]);
    const status = await getJson(`${replica.httpUrl}/replica/status`);
    expect([status['Replica_IO_Running'], status['Replica_SQL_Running'], status['SQL_Delay']]).toEqual(['Yes', 'Yes', 0]);
  });

  it('WAIT_FOR_EXECUTED_GTID_SET waits until a replica executed what the source did, and answers 1 after its timeout', async () => {
    const memcached = await MemcachedTestClient.connect(Number((await getJson(`${source.httpUrl}/status`))['Memcached_Port']));
    expect(await memcached.set('gtid-wait', 'w')).toBe('STORED\r\n');
    memcached.close();
    const [{ gtids }] = await mariadbOk(source, 'SELECT @@gtid_executed AS gtids');
    const [waited] = await mariadbOk(replica, `SELECT WAIT_FOR_EXECUTED_GTID_SET('${gtids}', 20) AS w`);
    expect(waited['w']).toBe('0');
    expect((await query(replica, "SELECT c2 FROM test.demo_test WHERE c1 = 'gtid-wait'")).rows.map((row) => row['c2'])).toEqual(['w']);
    const uuid = String((await getJson(`${source.httpUrl}/status`))['Server_UUID']);
    const started = Date.now();
    const [timedOut] = await mariadbOk(replica, `SELECT WAIT_FOR_EXECUTED_GTID_SET('${uuid}:1-999999999', 0.5) AS w`);
    expect(timedOut['w']).toBe('1');
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect((await mariadb(replica, "SELECT WAIT_FOR_EXECUTED_GTID_SET('not-a-gtid-set', 1)")).stderr).toMatch(/^ERROR 1772 \(HY000\).*: Malformed GTID set specification 'not-a-gtid-set'\./m);
  });

  it("SHOW GLOBAL VARIABLES and SHOW GLOBAL STATUS carry each node's replication values", async () => {
    for (const node of [source, replica]) {
      const [variables, status] = await steadyRead(node, () => mariadbOk(node, "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('server_id', 'read_only', 'log_bin', 'binlog_format')"));
      const byName = Object.fromEntries(variables.map((row) => [row['Variable_name'], row['Value']]));
      expect(byName).toEqual({ server_id: String(status['Server_Id']), read_only: node === source ? 'OFF' : 'ON', log_bin: 'ON', binlog_format: 'ROW' });
      const [gtids, again] = await steadyRead(node, () => mariadbOk(node, "SHOW VARIABLES LIKE 'gtid\\_%'"));
      expect(gtids).toEqual(expect.arrayContaining([{ Variable_name: 'gtid_executed', Value: String(again['Executed_Gtid_Set']) }, { Variable_name: 'gtid_mode', Value: 'ON' }]));
      const uuid = await mariadbOk(node, "SHOW VARIABLES LIKE 'server_uuid'");
      expect(uuid).toEqual([{ Variable_name: 'server_uuid', Value: String(status['Server_UUID']) }]);
    }
    const running = Object.fromEntries((await mariadbOk(replica, "SHOW GLOBAL STATUS LIKE 'Slave%'")).map((row) => [row['Variable_name'], row['Value']]));
    expect([running['Slave_running'], running['Slaves_running']]).toEqual(['ON', '1']);
    const onSource = Object.fromEntries((await mariadbOk(source, 'SHOW GLOBAL STATUS')).map((row) => [row['Variable_name'], row['Value']]));
    expect([onSource['Slave_running'], onSource['Slaves_connected']]).toEqual(['OFF', '2']);
  });

  it("pt-heartbeat --update through the source's port and --check / --monitor on each replica report a lag in line with kbinlog's own", async () => {
    const port = async (node: ClusterNode) => Number((await getJson(`${node.httpUrl}/status`))['Mysql_Port']);
    const dsn = async (node: ClusterNode) => [`--host=127.0.0.1`, `--port=${await port(node)}`, '--user=kbinlog', '--password=kbinlog', '--database=test'];
    const sourceId = String((await getJson(`${source.httpUrl}/status`))['Server_Id']);
    const updater = spawn(PT_HEARTBEAT, [...(await dsn(source)), '--update', '--create-table', '--interval=0.2'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let updaterErrors = '';
    updater.stderr?.on('data', (chunk: Buffer) => (updaterErrors += chunk.toString()));
    try {
      const replicas = ['node-1', 'node-2', 'node-3'].filter((name) => name !== source.name).map((name) => cluster.node(name));
      const check = async (node: ClusterNode) => {
        const { stdout } = await run(PT_HEARTBEAT, [...(await dsn(node)), '--check', `--master-server-id=${sourceId}`], { timeout: 20_000 });
        return Number(stdout.trim());
      };
      // The heartbeat row reaches each replica through the log.
      for (const node of replicas) {
        await waitFor(() => check(node).then((lag) => lag < 1).catch(() => false), { description: `pt-heartbeat --check on ${node.name} to find a fresh heartbeat row`, timeoutMs: 30_000, intervalMs: 250 });
      }
      // Replicating: both lags stay under a second.
      for (const node of replicas) {
        const lag = await check(node);
        const own = (await getJson(`${node.httpUrl}/replica/status`))['Milliseconds_Behind_Source'] as number;
        expect(lag).toBeLessThan(1);
        expect(own).toBeLessThan(1_000);
      }
      // Stopped: pt-heartbeat's lag grows as kbinlog's does.
      await replica.replication('stop');
      await waitFor(async () => ((await getJson(`${replica.httpUrl}/replica/status`))['Seconds_Behind_Source'] as number) >= 3, { description: 'the stopped replica to fall 3 s behind', timeoutMs: 20_000 });
      const before = (await getJson(`${replica.httpUrl}/replica/status`))['Milliseconds_Behind_Source'] as number;
      const stoppedLag = await check(replica);
      const after = (await getJson(`${replica.httpUrl}/replica/status`))['Milliseconds_Behind_Source'] as number;
      // pt-heartbeat's row is at most one --interval (0.2 s) older than kbinlog's last group.
      expect(stoppedLag).toBeGreaterThanOrEqual(before / 1000 - 0.3);
      expect(stoppedLag).toBeLessThanOrEqual(after / 1000 + 0.3);
      const { stdout } = await run(PT_HEARTBEAT, [...(await dsn(replica)), '--monitor', `--master-server-id=${sourceId}`, '--run-time=2', '--interval=0.5'], { timeout: 20_000 });
      const monitored = stdout.trim().split('\n').map((line) => Number(/^\s*([\d.]+)s/.exec(line)?.[1]));
      expect(monitored.length).toBeGreaterThanOrEqual(2);
      expect(monitored.every((lag) => lag >= 3)).toBe(true);
      await replica.replication('start');
      await waitFor(() => check(replica).then((lag) => lag < 1), { description: 'pt-heartbeat to see the replica caught up', timeoutMs: 30_000, intervalMs: 250 });
      expect(updaterErrors).toBe('');
    } finally {
      updater.kill('SIGTERM');
    }
  });

  it("SHOW BINLOG EVENTS lists each node's binlog groups as MySQL's events, with IN, FROM and LIMIT, and MySQL's errors", async () => {
    const memcached = await MemcachedTestClient.connect(Number((await getJson(`${source.httpUrl}/status`))['Memcached_Port']));
    const before = await getJson(`${source.httpUrl}/status`);
    expect(await memcached.set('events-1', 'e1')).toBe('STORED\r\n');
    memcached.close();
    const file = String(before['File']);
    // The set is the first group with a row event from the position before it (heartbeats are empty groups, listed as empty transactions).
    const listed = await mariadbOk(source, `SHOW BINLOG EVENTS IN '${file}' FROM ${String(before['Position'])} LIMIT 400`);
    expect(Object.keys(listed[0])).toEqual(['Log_name', 'Pos', 'Event_type', 'Server_id', 'End_log_pos', 'Info']);
    const write = listed.findIndex((row) => row['Event_type'] === 'Write_rows' || row['Event_type'] === 'Update_rows');
    expect(write).toBeGreaterThan(0);
    const pos = listed[write]['Pos'];
    const events = listed.filter((row) => row['Pos'] === pos);
    expect(events.map((row) => row['Event_type'])).toEqual(['Gtid', 'Query', 'Table_map', events[3]['Event_type'], 'Xid']);
    expect(events[2]['Info']).toBe('table_id: 1 (test.demo_test)');
    expect(events.every((row) => row['Log_name'] === file && row['Server_id'] === String(before['Server_Id']) && BigInt(row['End_log_pos']) === BigInt(pos) + 1n)).toBe(true);
    const gtid = /GTID_NEXT= '([^']+)'/.exec(events[0]['Info'])?.[1] as string;
    expect(GtidSet.parse(String((await getJson(`${source.httpUrl}/status`))['Executed_Gtid_Set'])).includes(GtidSet.parse(gtid))).toBe(true);

    // The same group on a replica's port, once applied; FROM its position and LIMIT offset, count.
    await waitUntilReplicated(source.process, replica.process);
    const onReplica = await mariadbOk(replica, `SHOW BINLOG EVENTS FROM ${pos} LIMIT 1, 3`);
    expect(onReplica.map((row) => row['Event_type'])).toEqual(['Query', 'Table_map', events[3]['Event_type']]);
    expect(onReplica.every((row) => row['Pos'] === pos)).toBe(true);
    const viaMysql2 = await query(replica, `SHOW BINLOG EVENTS FROM ${pos} LIMIT 1`);
    expect(viaMysql2.rows[0]).toMatchObject({ Event_type: 'Gtid', Info: `SET @@SESSION.GTID_NEXT= '${gtid}'` });
    expect(BigInt(viaMysql2.rows[0]['Pos'] as string | number)).toBe(BigInt(pos));

    expect((await mariadb(source, "SHOW BINLOG EVENTS IN 'mysql-bin.000001'")).stderr).toMatch(/^ERROR 1220 \(HY000\).*SHOW BINLOG EVENTS: Could not find target log/m);
    // A position between groups (the commit marker after it) lists from the next group, once there is one (a heartbeat every 250 ms).
    await waitFor(async () => BigInt((await getJson(`${source.httpUrl}/status`))['Position'] as string) > BigInt(pos) + 1n, { description: 'a group after the set', timeoutMs: 10_000 });
    const [next] = await mariadbOk(source, `SHOW BINLOG EVENTS FROM ${BigInt(pos) + 1n} LIMIT 1`);
    expect(next['Event_type']).toBe('Gtid');
    expect(BigInt(next['Pos'])).toBeGreaterThan(BigInt(pos) + 1n);
    expect((await mariadb(source, 'SHOW BINLOG EVENTS FROM 99999999999999')).stderr).toMatch(/^ERROR 1220 .*Wrong offset or I\/O error.*outside the binlog/m);
    expect((await mariadb(source, 'SHOW BINLOG EVENTS', ['monitor', 'monitor'])).stderr).toMatch(/^ERROR 1227 .*REPLICATION SLAVE privilege/m);
    expect((await mariadb(replica, 'SHOW RELAYLOG EVENTS')).stderr).toMatch(/^ERROR 1235 /m);
  });

  it('kbinlog binlog list prints the groups between positions as mysqlbinlog -v does, as SHOW BINLOG EVENTS rows, or as JSON', async () => {
    const memcached = await MemcachedTestClient.connect(Number((await getJson(`${source.httpUrl}/status`))['Memcached_Port']));
    const from = String((await getJson(`${source.httpUrl}/status`))['Position']);
    expect(await memcached.set('cli-1', "it's")).toBe('STORED\r\n');
    expect(await memcached.set('cli-2', 'two')).toBe('STORED\r\n');
    memcached.close();
    const to = String((await getJson(`${source.httpUrl}/status`))['Position']);
    const cli = (...args: string[]) =>
      run(process.execPath, [appEntryPoint('cli'), 'binlog', 'list', '--kafka-brokers', infra.kafka.brokers.join(','), '--cluster', cluster.name, '--start-position', from, '--stop-position', to, ...args], { timeout: 60_000 });

    const { stdout: text, stderr } = await cli();
    expect(text).toContain("### INSERT INTO `test`.`demo_test`\n### SET\n###   `c1`='cli-1'\n###   `c2`='it\\'s'");
    expect(text).toContain("###   `c1`='cli-2'");
    expect(text).toMatch(/^# at \d+\n#\d{6} \d{2}:\d{2}:\d{2} server id \d+ {2}end_log_pos \d+ {2}GTID /m);
    expect(stderr).toMatch(/groups of kbinlog\..+\.binlog-0 \(log offsets 0 to \d+\), read to offset \d+/);

    const { stdout: json } = await cli('--json');
    const groups = json.trim().split('\n').map((line) => JSON.parse(line) as { offset: string; gtid: string; events: { after?: Record<string, string> }[] });
    const written = groups.filter((group) => group.events.length > 0);
    expect(written.map((group) => group.events[0].after?.['c1'])).toEqual(['cli-1', 'cli-2']);
    expect(groups.every((group) => BigInt(group.offset) >= BigInt(from) && BigInt(group.offset) < BigInt(to))).toBe(true);

    // --events prints what SHOW BINLOG EVENTS answers for the same group.
    const { stdout: events } = await cli('--events');
    const first = written[0];
    const listed = await mariadbOk(source, `SHOW BINLOG EVENTS FROM ${first.offset} LIMIT 5`);
    const printed = events.trim().split('\n').filter((line) => line.split('\t')[1] === first.offset);
    expect(printed).toEqual(listed.map((row) => [row['Log_name'], row['Pos'], row['Event_type'], row['Server_id'], row['End_log_pos'], row['Info']].join('\t')));

    const { stdout: limited } = await cli('--json', '--limit', '1');
    expect(limited.trim().split('\n')).toHaveLength(1);
  });

  it('the mariadb CLI runs every status statement on the source and on each replica, with MySQL\'s columns', async () => {
    const file = String((await getJson(`${source.httpUrl}/status`))['File']);
    const statements: [string, string[]][] = [
      ['SHOW MASTER STATUS', ['File', 'Position', 'Binlog_Do_DB', 'Binlog_Ignore_DB', 'Executed_Gtid_Set']],
      ['SHOW BINARY LOG STATUS', ['File', 'Position', 'Binlog_Do_DB', 'Binlog_Ignore_DB', 'Executed_Gtid_Set']],
      ['SHOW BINARY LOGS', ['Log_name', 'File_size', 'Encrypted']],
      ['SHOW MASTER LOGS', ['Log_name', 'File_size', 'Encrypted']],
      ['SHOW REPLICAS', ['Server_Id', 'Host', 'Port', 'Source_Id', 'Replica_UUID']],
      ['SHOW SLAVE HOSTS', ['Server_id', 'Host', 'Port', 'Master_id', 'Slave_UUID']],
      ['SHOW BINLOG EVENTS LIMIT 2', ['Log_name', 'Pos', 'Event_type', 'Server_id', 'End_log_pos', 'Info']],
      ["SHOW GLOBAL VARIABLES LIKE 'gtid_mode'", ['Variable_name', 'Value']],
      ['SELECT @@server_id, @@server_uuid, @@gtid_executed, @@read_only, @@log_bin, @@binlog_format', ['@@server_id', '@@server_uuid', '@@gtid_executed', '@@read_only', '@@log_bin', '@@binlog_format']],
      ["SELECT WAIT_FOR_EXECUTED_GTID_SET('', 1) AS w", ['w']],
      [`SELECT SOURCE_POS_WAIT('${file}', 0, 1) AS w`, ['w']],
    ];
    for (const node of cluster.nodes) {
      for (const [sql, columns] of statements) {
        const result = await mariadb(node, sql);
        expect([node.name, sql, result.code, result.stderr]).toEqual([node.name, sql, 0, '']);
        // The CLI prints no header for an empty set: SHOW REPLICAS on a replica lists what the topology shows, like the source.
        if (result.rows.length > 0) expect([node.name, sql, Object.keys(result.rows[0])]).toEqual([node.name, sql, columns]);
      }
      const replicaStatus = await mariadb(node, 'SHOW REPLICA STATUS');
      expect(replicaStatus.rows).toHaveLength(node.name === source.name ? 0 : 1);
    }
  });
});
