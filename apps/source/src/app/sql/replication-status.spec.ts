import type { ReplicaStatus } from '@kbinlog/replication';
import type { NodeReport } from '@kbinlog/topology';
import { masterSlaveName, replicaHosts, type ReplicationState, replicationResult } from './replication-status';

const RUNNING: Partial<ReplicaStatus> = {
  Replica_IO_Running: 'Yes',
  Replica_SQL_Running: 'Yes',
  Read_Source_Log_Pos: '120',
  Exec_Source_Log_Pos: '118',
  Seconds_Behind_Source: 3,
  Milliseconds_Behind_Source: 3_400,
  SQL_Remaining_Delay: null,
  Source_Server_Id: null,
  Source_UUID: 'c2a0c1f2-0000-4000-8000-000000000001',
  Executed_Gtid_Set: 'c2a0c1f2-0000-4000-8000-000000000001:1-7',
  Until_Log_Pos: '',
};

function state(replica: Partial<ReplicaStatus> | undefined): ReplicationState {
  return {
    binlogStatus: () => ({ file: 'kbinlog.c.binlog-0', position: '120', executedGtidSet: 'u:1-7' }),
    replicaStatus: () => replica as ReplicaStatus | undefined,
    binaryLogs: () => Promise.resolve([{ name: 'kbinlog.c.binlog-0', end: '121' }]),
    replicas: () => [{ serverId: 2, host: '127.0.0.1', port: 3308, sourceId: 1, uuid: 'u2' }],
    waitForPosition: (file, position, timeoutS) => Promise.resolve(file === 'kbinlog.c.binlog-0' && position === '118' && timeoutS === 5 ? 3 : null),
    waitForExecutedGtidSet: (gtidSet, timeoutS) => Promise.resolve(gtidSet === 'u:1-7' && timeoutS === undefined ? 0 : 1),
    start: () => Promise.resolve(),
    stop: () => Promise.resolve(),
    changeSource: () => Promise.resolve(),
    binlogEvents: () => Promise.resolve([]),
  };
}

describe('source > sql > replication status', () => {
  it('renames MySQL 8 columns to SHOW SLAVE STATUS names, keeping the Replicate_ filters', () => {
    expect(['Replica_IO_Running', 'Seconds_Behind_Source', 'Relay_Source_Log_File', 'Exec_Source_Log_Pos', 'Replicate_Do_DB', 'Source_UUID', 'Get_Source_public_key'].map(masterSlaveName)).toEqual([
      'Slave_IO_Running',
      'Seconds_Behind_Master',
      'Relay_Master_Log_File',
      'Exec_Master_Log_Pos',
      'Replicate_Do_DB',
      'Master_UUID',
      'Get_master_public_key',
    ]);
  });

  it("answers SHOW REPLICA STATUS with one row of the channel's fields, numbers typed as numbers", async () => {
    const result = await replicationResult({ kind: 'replication', verb: 'show-replica-status', names: 'source-replica' }, state(RUNNING));
    if (result?.kind !== 'rows') throw new Error('not a result set');
    const names = result.columns.map((column) => column.name);
    const value = (name: string) => result.rows[0][names.indexOf(name)];
    expect(result.rows).toHaveLength(1);
    expect([value('Replica_IO_Running'), value('Read_Source_Log_Pos'), value('Seconds_Behind_Source'), value('Source_Server_Id'), value('Until_Log_Pos'), value('SQL_Remaining_Delay')]).toEqual(['Yes', '120', '3', '0', '0', null]);
    expect(result.columns[names.indexOf('Seconds_Behind_Source')].type).toBe(8);
    expect(result.columns[names.indexOf('Replica_IO_State')].type).toBe(253);
  });

  it('answers the same columns and no row on a node that writes (no channel), as MySQL on a server that is no replica', async () => {
    const asReplica = await replicationResult({ kind: 'replication', verb: 'show-replica-status', names: 'master-slave' }, state(RUNNING));
    const asSource = await replicationResult({ kind: 'replication', verb: 'show-replica-status', names: 'master-slave' }, state(undefined));
    if (asReplica?.kind !== 'rows' || asSource?.kind !== 'rows') throw new Error('not a result set');
    expect(asSource.rows).toEqual([]);
    expect(asSource.columns.map((column) => [column.name, column.type])).toEqual(asReplica.columns.map((column) => [column.name, column.type]));
    expect(asSource.columns[0].name).toBe('Slave_IO_State');
  });

  it("puts MariaDB's connection name first and its GTID position last for SHOW ALL SLAVES STATUS", async () => {
    const result = await replicationResult({ kind: 'replication', verb: 'show-replica-status', names: 'all-slaves' }, state(RUNNING));
    if (result?.kind !== 'rows') throw new Error('not a result set');
    const names = result.columns.map((column) => column.name);
    expect(names.slice(0, 3)).toEqual(['Connection_name', 'Slave_SQL_State', 'Slave_IO_State']);
    expect(names.at(-1)).toBe('Gtid_Slave_Pos');
    expect(result.rows[0].at(-1)).toBe(RUNNING.Executed_Gtid_Set);
  });

  it('answers SHOW MASTER STATUS with the binlog position, SHOW BINARY LOGS with its one log and where it ends', async () => {
    expect(await replicationResult({ kind: 'replication', verb: 'show-binlog-status', names: 'master-slave' }, state(undefined))).toMatchObject({ kind: 'rows', rows: [['kbinlog.c.binlog-0', '120', '', '', 'u:1-7']] });
    const logs = await replicationResult({ kind: 'replication', verb: 'show-binary-logs', names: 'source-replica' }, state(undefined));
    expect(logs).toMatchObject({ kind: 'rows', columns: [{ name: 'Log_name' }, { name: 'File_size', type: 8 }, { name: 'Encrypted' }], rows: [['kbinlog.c.binlog-0', '121', 'No']] });
  });

  it('answers SHOW REPLICAS and SHOW SLAVE HOSTS with the replicas, under each spelling', async () => {
    const replicas = await replicationResult({ kind: 'replication', verb: 'show-replicas', names: 'source-replica' }, state(undefined));
    const hosts = await replicationResult({ kind: 'replication', verb: 'show-replicas', names: 'master-slave' }, state(undefined));
    if (replicas?.kind !== 'rows' || hosts?.kind !== 'rows') throw new Error('not a result set');
    expect(replicas.columns.map((column) => column.name)).toEqual(['Server_Id', 'Host', 'Port', 'Source_Id', 'Replica_UUID']);
    expect(hosts.columns.map((column) => column.name)).toEqual(['Server_id', 'Host', 'Port', 'Master_id', 'Slave_UUID']);
    expect(replicas.rows).toEqual([['2', '127.0.0.1', '3308', '1', 'u2']]);
  });

  it("lists as replicas the nodes replicating with a fresh report and a MySQL port, with the source's server_id", () => {
    const report = (node: string, role: string, serverId: number, mysql: string | null, ageMs: number) => ({ node, role, serverId, serverUuid: `u${serverId}`, mysql, reportedAtMs: 100_000 - ageMs }) as unknown as NodeReport;
    const reports = [report('n1', 'source', 1, '127.0.0.1:3307', 0), report('n2', 'replica', 2, '127.0.0.1:3308', 500), report('n3', 'replica', 3, '127.0.0.1:3309', 60_000), report('n4', 'replica', 4, null, 0)];
    expect(replicaHosts(reports, 'n1', 100_000)).toEqual([{ serverId: 2, host: '127.0.0.1', port: 3308, sourceId: 1, uuid: 'u2' }]);
  });

  it('answers SOURCE_POS_WAIT in one column named as the client wrote it', async () => {
    const result = await replicationResult({ kind: 'replication', verb: 'source-pos-wait', file: 'kbinlog.c.binlog-0', position: '118', timeoutS: 5, column: 'w' }, state(RUNNING));
    expect(result).toMatchObject({ kind: 'rows', columns: [{ name: 'w', type: 8 }], rows: [['3']] });
    const none = await replicationResult({ kind: 'replication', verb: 'source-pos-wait', file: 'kbinlog.c.binlog-0', position: '9', timeoutS: undefined, column: 'w' }, state(RUNNING));
    expect(none).toMatchObject({ rows: [[null]] });
  });
});
