import type { BinlogEventRow } from '@kbinlog/binlog';
import type { ColumnDefinition, TextValue } from '@kbinlog/mysql-protocol';
import type { ReplicaStatus } from '@kbinlog/replication';
import type { ReplicationStatement } from '@kbinlog/sql-statement';
import type { NodeReport } from '@kbinlog/topology';
import type { StatementResult } from './backend-connection';

/** What the node's SHOW … STATUS statements read: its binlog position, and its channel's status while it replicates. */
export interface ReplicationState {
  binlogStatus(): { readonly file: string; readonly position: string; readonly executedGtidSet: string };
  /** SHOW REPLICA STATUS's fields while the node replicates; undefined while it writes (MySQL's empty set on a server that is no replica). */
  replicaStatus(): ReplicaStatus | undefined;
  /** The binlog as SHOW BINARY LOGS lists it: its one topic-partition and the offset it ends at. */
  binaryLogs(): Promise<readonly { readonly name: string; readonly end: string }[]>;
  /** The replicas the topology shows reading the log (SHOW REPLICAS). */
  replicas(): readonly ReplicaHost[];
  /** SOURCE_POS_WAIT: groups applied until the applier passed `file`:`position`, -1 after the timeout, null when it does not run. */
  waitForPosition(file: string, position: string, timeoutS: number | undefined): Promise<number | null>;
  /** WAIT_FOR_EXECUTED_GTID_SET: 0 once the node executed every GTID of the set, 1 after the timeout. */
  waitForExecutedGtidSet(gtidSet: string, timeoutS: number | undefined): Promise<0 | 1>;
  start(statement: Extract<ReplicationStatement, { verb: 'start-replica' }>): Promise<void>;
  stop(statement: Extract<ReplicationStatement, { verb: 'stop-replica' }>): Promise<void>;
  changeSource(statement: Extract<ReplicationStatement, { verb: 'change-source' }>): Promise<void>;
  /** SHOW BINLOG EVENTS: the event rows of the groups the statement names. */
  binlogEvents(statement: Extract<ReplicationStatement, { verb: 'show-binlog-events' }>): Promise<readonly BinlogEventRow[]>;
}

/** A row of SHOW REPLICAS: a replica node, where its MySQL port is, and the source it reads. */
export interface ReplicaHost {
  readonly serverId: number;
  readonly host: string;
  readonly port: number;
  readonly sourceId: number;
  readonly uuid: string;
}

/** A replica whose last report is older than this no longer counts as reading the log (SHOW REPLICAS). */
const REPLICA_REPORT_FRESH_MS = 10_000;

/** SHOW REPLICAS from the topology: the nodes replicating with a fresh report, and the source's server_id they read from. */
export function replicaHosts(reports: Iterable<NodeReport>, sourceNode: string | undefined, nowMs: number): ReplicaHost[] {
  const all = [...reports];
  const sourceId = all.find((report) => report.node === sourceNode)?.serverId ?? 0;
  return all
    .filter((report) => report.role === 'replica' && report.mysql !== null && nowMs - report.reportedAtMs < REPLICA_REPORT_FRESH_MS)
    .map((report) => {
      const at = (report.mysql as string).lastIndexOf(':');
      return { serverId: report.serverId, host: (report.mysql as string).slice(0, at), port: Number((report.mysql as string).slice(at + 1)), sourceId, uuid: report.serverUuid };
    });
}

const VAR_STRING = 253;
const LONGLONG = 8;
const BINARY_CHARSET = 63;

type Value = string | number | null;
type Column = readonly [name: string, value: (status: ReplicaStatus) => Value];

/** A field MySQL prints that kbinlog has no use for, as MySQL prints it then. */
const unused = (value: Value) => (): Value => value;
const field = (name: keyof ReplicaStatus) => (status: ReplicaStatus): Value => status[name] as Value;

/**
 * MySQL 8.0's SHOW REPLICA STATUS, column for column and in its order; kbinlog's own fields
 * (milliseconds behind, exec mode, positions as coordinates) follow MySQL's last one. Kafka is
 * the source here: no host, user, port, relay log files, SSL or retry settings to show.
 */
const REPLICA_COLUMNS: readonly Column[] = [
  ['Replica_IO_State', field('Replica_IO_State')],
  ['Source_Host', unused('')],
  ['Source_User', unused('')],
  ['Source_Port', unused(0)],
  ['Connect_Retry', unused(60)],
  ['Source_Log_File', field('Source_Log_File')],
  ['Read_Source_Log_Pos', (status) => Number(status.Read_Source_Log_Pos)],
  ['Relay_Log_File', unused('')],
  ['Relay_Log_Pos', unused(0)],
  ['Relay_Source_Log_File', field('Relay_Source_Log_File')],
  ['Replica_IO_Running', field('Replica_IO_Running')],
  ['Replica_SQL_Running', field('Replica_SQL_Running')],
  ['Replicate_Do_DB', field('Replicate_Do_DB')],
  ['Replicate_Ignore_DB', field('Replicate_Ignore_DB')],
  ['Replicate_Do_Table', field('Replicate_Do_Table')],
  ['Replicate_Ignore_Table', field('Replicate_Ignore_Table')],
  ['Replicate_Wild_Do_Table', field('Replicate_Wild_Do_Table')],
  ['Replicate_Wild_Ignore_Table', field('Replicate_Wild_Ignore_Table')],
  ['Last_Errno', field('Last_Errno')],
  ['Last_Error', field('Last_Error')],
  ['Skip_Counter', unused(0)],
  ['Exec_Source_Log_Pos', (status) => Number(status.Exec_Source_Log_Pos)],
  ['Relay_Log_Space', unused(0)],
  ['Until_Condition', field('Until_Condition')],
  ['Until_Log_File', field('Until_Log_File')],
  ['Until_Log_Pos', (status) => Number(status.Until_Log_Pos || 0)],
  ['Source_SSL_Allowed', unused('No')],
  ['Source_SSL_CA_File', unused('')],
  ['Source_SSL_CA_Path', unused('')],
  ['Source_SSL_Cert', unused('')],
  ['Source_SSL_Cipher', unused('')],
  ['Source_SSL_Key', unused('')],
  ['Seconds_Behind_Source', field('Seconds_Behind_Source')],
  ['Source_SSL_Verify_Server_Cert', unused('No')],
  ['Last_IO_Errno', field('Last_IO_Errno')],
  ['Last_IO_Error', field('Last_IO_Error')],
  ['Last_SQL_Errno', field('Last_SQL_Errno')],
  ['Last_SQL_Error', field('Last_SQL_Error')],
  ['Replicate_Ignore_Server_Ids', unused('')],
  ['Source_Server_Id', (status) => status.Source_Server_Id ?? 0],
  ['Source_UUID', field('Source_UUID')],
  ['Source_Info_File', unused('')],
  ['SQL_Delay', field('SQL_Delay')],
  ['SQL_Remaining_Delay', field('SQL_Remaining_Delay')],
  ['Replica_SQL_Running_State', field('Replica_SQL_Running_State')],
  ['Source_Retry_Count', unused(0)],
  ['Source_Bind', unused('')],
  ['Last_IO_Error_Timestamp', field('Last_IO_Error_Timestamp')],
  ['Last_SQL_Error_Timestamp', field('Last_SQL_Error_Timestamp')],
  ['Source_SSL_Crl', unused('')],
  ['Source_SSL_Crlpath', unused('')],
  ['Retrieved_Gtid_Set', field('Retrieved_Gtid_Set')],
  ['Executed_Gtid_Set', field('Executed_Gtid_Set')],
  ['Auto_Position', unused(0)],
  ['Replicate_Rewrite_DB', field('Replicate_Rewrite_DB')],
  ['Channel_Name', field('Channel_Name')],
  ['Source_TLS_Version', unused('')],
  ['Source_public_key_path', unused('')],
  ['Get_Source_public_key', unused(0)],
  ['Network_Namespace', unused('')],
  ['Milliseconds_Behind_Source', field('Milliseconds_Behind_Source')],
  ['Replica_Exec_Mode', field('Replica_Exec_Mode')],
  ['Read_Source_Coordinates', field('Read_Source_Coordinates')],
  ['Exec_Source_Coordinates', field('Exec_Source_Coordinates')],
  ['Until_Source_Coordinates', field('Until_Source_Coordinates')],
];

/** SHOW SLAVE STATUS's names for the same columns (MySQL before 8.0.22, MariaDB): Source → Master, Replica_ → Slave_. */
export function masterSlaveName(name: string): string {
  return name.replace(/Source/g, 'Master').replace(/^Replica_/, 'Slave_').replace('Get_Master_public_key', 'Get_master_public_key');
}

/** MariaDB's SHOW ALL SLAVES STATUS: its connection's name and SQL state first, the SLAVE STATUS columns, then its GTID position. */
const ALL_SLAVES_FIRST: readonly Column[] = [
  ['Connection_name', unused('')],
  ['Slave_SQL_State', field('Replica_SQL_Running_State')],
];
const ALL_SLAVES_LAST: readonly Column[] = [['Gtid_Slave_Pos', field('Executed_Gtid_Set')]];

function columnOf(name: string, sample: Value): ColumnDefinition {
  return typeof sample === 'number' ? { name, type: LONGLONG, charset: BINARY_CHARSET, length: 21 } : { name, type: VAR_STRING, length: 1024 };
}

function text(value: Value): TextValue {
  return value === null ? null : String(value);
}

function replicaStatusResult(statement: Extract<ReplicationStatement, { names: unknown }>, status: ReplicaStatus | undefined): StatementResult {
  const named = REPLICA_COLUMNS.map(([name, value]): Column => [statement.names === 'source-replica' ? name : masterSlaveName(name), value]);
  const columns = statement.names === 'all-slaves' ? [...ALL_SLAVES_FIRST, ...named, ...ALL_SLAVES_LAST] : named;
  // Types come from a sample status, so they never depend on a value being null; a server that is no replica sends the same columns and no row.
  return {
    kind: 'rows',
    columns: columns.map(([name, value]) => columnOf(name, value(SAMPLE_STATUS))),
    rows: status ? [columns.map(([, value]) => text(value(status)))] : [],
  };
}

function rowsOf(names: readonly string[], rows: readonly (readonly Value[])[], sample: readonly Value[]): StatementResult {
  return { kind: 'rows', columns: names.map((name, index) => columnOf(name, sample[index])), rows: rows.map((row) => row.map(text)) };
}

/**
 * The node's answer to a replication statement, from its own state (never from its database's):
 * a result set, or undefined for the OK packet of a control (START, STOP, CHANGE).
 */
export async function replicationResult(statement: ReplicationStatement, state: ReplicationState): Promise<StatementResult | undefined> {
  switch (statement.verb) {
    case 'show-replica-status':
      return replicaStatusResult(statement, state.replicaStatus());
    case 'show-binlog-status': {
      const { file, position, executedGtidSet } = state.binlogStatus();
      return rowsOf(['File', 'Position', 'Binlog_Do_DB', 'Binlog_Ignore_DB', 'Executed_Gtid_Set'], [[file, Number(position), '', '', executedGtidSet]], ['', 0, '', '', '']);
    }
    case 'show-binary-logs':
      // File_size is where the log ends, as an offset: kbinlog's positions are offsets, not bytes.
      return rowsOf(['Log_name', 'File_size', 'Encrypted'], (await state.binaryLogs()).map(({ name, end }) => [name, Number(end), 'No']), ['', 0, '']);
    case 'source-pos-wait':
      return rowsOf([statement.column], [[await state.waitForPosition(statement.file, statement.position, statement.timeoutS)]], [0]);
    case 'wait-for-executed-gtid-set':
      return rowsOf([statement.column], [[await state.waitForExecutedGtidSet(statement.gtidSet, statement.timeoutS)]], [0]);
    case 'start-replica':
      return state.start(statement).then(() => undefined);
    case 'stop-replica':
      return state.stop(statement).then(() => undefined);
    case 'change-source':
      return state.changeSource(statement).then(() => undefined);
    case 'show-binlog-events': {
      const rows = await state.binlogEvents(statement);
      return rowsOf(
        ['Log_name', 'Pos', 'Event_type', 'Server_id', 'End_log_pos', 'Info'],
        rows.map((row) => [row.Log_name, row.Pos.toString(), row.Event_type, row.Server_id, row.End_log_pos.toString(), row.Info]),
        ['', 0, '', 0, 0, ''],
      );
    }
    case 'show-replicas': {
      const names = statement.names === 'source-replica' ? ['Server_Id', 'Host', 'Port', 'Source_Id', 'Replica_UUID'] : ['Server_id', 'Host', 'Port', 'Master_id', 'Slave_UUID'];
      return rowsOf(names, state.replicas().map((replica) => [replica.serverId, replica.host, replica.port, replica.sourceId, replica.uuid]), [0, '', 0, 0, '']);
    }
  }
}

/** Only for column types: numbers where a channel reports numbers. */
const SAMPLE_STATUS: ReplicaStatus = {
  Replica_IO_State: '',
  Source_Log_File: '',
  Read_Source_Log_Pos: '0',
  Relay_Source_Log_File: '',
  Exec_Source_Log_Pos: '0',
  Replica_IO_Running: 'No',
  Replica_SQL_Running: 'No',
  Replica_SQL_Running_State: '',
  Replicate_Do_DB: '',
  Replicate_Ignore_DB: '',
  Replicate_Do_Table: '',
  Replicate_Ignore_Table: '',
  Replicate_Wild_Do_Table: '',
  Replicate_Wild_Ignore_Table: '',
  Last_Errno: 0,
  Last_Error: '',
  Last_IO_Errno: 0,
  Last_IO_Error: '',
  Last_IO_Error_Timestamp: '',
  Last_SQL_Errno: 0,
  Last_SQL_Error: '',
  Last_SQL_Error_Timestamp: '',
  Until_Condition: 'None',
  Until_Log_File: '',
  Until_Log_Pos: '',
  Seconds_Behind_Source: 0,
  Milliseconds_Behind_Source: 0,
  SQL_Delay: 0,
  SQL_Remaining_Delay: 0,
  Source_Server_Id: 0,
  Source_UUID: '',
  Retrieved_Gtid_Set: '',
  Executed_Gtid_Set: '',
  Replica_Exec_Mode: 'STRICT',
  Replicate_Rewrite_DB: '',
  Channel_Name: '',
  Read_Source_Coordinates: '',
  Exec_Source_Coordinates: '',
  Until_Source_Coordinates: '',
};
