/**
 * The failover tests' instruments, checked against today's single source and a replica with no
 * coordinator: the write load (memcached and SQL clients that record only acknowledged writes
 * and retry with new keys after a failure) and the verification (every acknowledged write on
 * every node; every node equal to the state the binlog produces). A kill -9 of the source and
 * its restart make the clients fail, re-resolve and resume, as they will through a failover.
 */
import {
  createSqlTable,
  fixedSource,
  logEnd,
  mixedClients,
  LogOracle,
  MEMCACHED_TABLE,
  missingAcknowledged,
  nodeFlags,
  queryRows,
  resetNodeDatabases,
  type RunningService,
  SQL_TABLE,
  startService,
  tableRows,
  testInfra,
  uniqueClusterName,
  type VerifiedNode,
  waitFor,
  waitForConvergence,
  type WriteLedger,
  WriteLoad,
} from '@kbinlog/testing';

jest.setTimeout(120_000);

const infra = testInfra();
const [sourceServer, replicaServer] = infra.mariadb;
const cluster = uniqueClusterName('load');

describe('the failover write load and verification, on one source and one replica', () => {
  const sourceArgs = [...nodeFlags(infra, { cluster, server: sourceServer, nodeName: 'node-1', serverId: 1 }), '--memcached-port', '0', '--mysql-port', '0'];
  let source: RunningService;
  let replica: RunningService;
  let oracle: LogOracle | undefined;
  let loadLedger: WriteLedger | undefined;
  let load: WriteLoad | undefined;
  const nodes = (): VerifiedNode[] => [
    { name: 'node-1', httpUrl: source.httpUrl, server: sourceServer },
    { name: 'node-2', httpUrl: replica.httpUrl, server: replicaServer },
  ];

  beforeAll(async () => {
    for (const server of [sourceServer, replicaServer]) {
      await resetNodeDatabases(server);
      await queryRows(server, `DROP DATABASE IF EXISTS \`${SQL_TABLE.schema}\``);
    }
    source = await startService('source', sourceArgs);
    replica = await startService('replica', nodeFlags(infra, { cluster, server: replicaServer, nodeName: 'node-2', serverId: 2 }));
    oracle = await LogOracle.follow(infra, cluster, [
      { table: MEMCACHED_TABLE, initial: await tableRows(sourceServer, MEMCACHED_TABLE) },
      { table: SQL_TABLE, initial: new Map() },
    ]);
  });

  afterAll(async () => {
    await load?.stop();
    await oracle?.stop();
    await replica?.stop();
    await source?.stop();
  });

  it('keeps every acknowledged write through a kill -9 and restart of the source, and every node equals the log', async () => {
    const resolveSource = fixedSource('node-1', () => source);
    await createSqlTable(await resolveSource());
    const running = WriteLoad.start({ resolveSource, clients: mixedClients(8), pauseMs: 5 });
    load = running;
    await waitFor(() => running.acknowledgedCount >= 200, { description: '200 acknowledged writes', timeoutMs: 30_000 });

    await source.stop('SIGKILL');
    // After the exit: a STORED read just before it came from the live source.
    const killedAtMs = Date.now();
    source = await startService('source', sourceArgs);
    const resumed = await waitFor(() => running.ledger.firstAcknowledgedAfter(killedAtMs), { description: 'a write acknowledged after the restart', timeoutMs: 30_000 });
    const countAtResume = running.acknowledgedCount;
    await waitFor(() => running.acknowledgedCount >= countAtResume + 200, { description: '200 more acknowledged writes', timeoutMs: 30_000 });
    const report = await running.stop();
    loadLedger = running.ledger;

    console.log(
      `write load: ${report.acknowledged} acknowledged, ${report.unacknowledged} unacknowledged, longest refusal ${report.longestRefusalMs} ms` +
        ` (kill -9 and restart: first write ${resumed.atMs - killedAtMs} ms after the kill)`,
    );
    // Both protocols wrote, every client lost its connection at the kill and came back.
    expect(new Set(running.ledger.acknowledged.map((write) => write.table))).toEqual(new Set([MEMCACHED_TABLE, SQL_TABLE]));
    expect(new Set(running.refusalsSince(killedAtMs).map((refusal) => refusal.client))).toEqual(new Set([1, 2, 3, 4, 5, 6, 7, 8]));
    expect(report.stillRefused).toBe(0);
    for (const refusal of report.refusals) expect(refusal.toMs).toBeGreaterThan(refusal.fromMs);

    const end = await logEnd(infra, cluster);
    await waitForConvergence(nodes(), oracle as LogOracle, end);
    expect(await missingAcknowledged(nodes(), running.ledger)).toEqual([]);
  });

  it('notices a node that lacks an acknowledged write or holds one the log lacks', async () => {
    const ledger = loadLedger as WriteLedger;
    const acknowledged = ledger.acknowledged.find((write) => write.table === SQL_TABLE)?.key as string;
    // Tamper with the replica's own MariaDB behind kbinlog's back (root-free: a plain DML).
    await queryRows(replicaServer, `DELETE FROM \`${SQL_TABLE.schema}\`.\`${SQL_TABLE.table}\` WHERE k = ?`, [acknowledged]);
    await queryRows(replicaServer, `INSERT INTO \`${SQL_TABLE.schema}\`.\`${SQL_TABLE.table}\` (k, v) VALUES ('forged', 'x')`);
    const end = await logEnd(infra, cluster);
    await expect(waitForConvergence(nodes(), oracle as LogOracle, end, { timeoutMs: 1_000 })).rejects.toThrow(
      new RegExp(`node-2 ${SQL_TABLE.schema}.${SQL_TABLE.table} ${acknowledged} missing; node-2 ${SQL_TABLE.schema}.${SQL_TABLE.table} forged not in the log`),
    );
    expect(await missingAcknowledged(nodes(), ledger)).toEqual([expect.stringMatching(new RegExp(`^node-2 .* ${acknowledged}: absent`))]);
  });
});
