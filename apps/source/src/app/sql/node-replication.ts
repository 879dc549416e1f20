import { type BinlogCoordinates, type BinlogEventRow, binlogEventRows, GtidSet, InvalidCoordinatesError, InvalidGtidError, parseCoordinates } from '@kbinlog/binlog';
import { BinlogRangeError, type RangeEnd, type RangeGroup, type RangeQuery } from '@kbinlog/binlog-kafka';
import { MAX_WAIT_S, type ReplicaControl, ReplicaControlError, ReplicaControlErrorCode, type SourceChange, type StartOptions } from '@kbinlog/replica-feature';
import type { ReplicationStatement } from '@kbinlog/sql-statement';
import { DatabaseError } from './backend-connection';
import type { ReplicaHost, ReplicationState } from './replication-status';

/** What the node lends its SQL port's replication statements. */
export interface ReplicationNode {
  /** SHOW MASTER STATUS's fields: the node's binlog file, position and executed GTID set. */
  binlogStatus(): { readonly file: string; readonly position: string; readonly executedGtidSet: string };
  /** The replica controls while the node replicates; undefined while it writes. */
  replicaControl(): ReplicaControl | undefined;
  binlogBounds(): Promise<{ readonly start: bigint; readonly end: bigint }>;
  replicas(): readonly ReplicaHost[];
  /** Reads the binlog's groups in a range, in order, until `onGroup` answers false. */
  readBinlog(query: RangeQuery, onGroup: (group: RangeGroup) => boolean): Promise<RangeEnd>;
}

/**
 * The most event rows one SHOW BINLOG EVENTS answers, LIMIT or not: MySQL streams a whole file,
 * kbinlog holds the answer in memory, so a longer listing is refused (1220) and paged with FROM
 * and LIMIT instead.
 */
export const MAX_BINLOG_EVENT_ROWS = 100_000;
/** A SHOW BINLOG EVENTS reads the log for at most this long. */
const BINLOG_EVENTS_TIMEOUT_MS = 30_000;

type Statement<V extends ReplicationStatement['verb']> = Extract<ReplicationStatement, { verb: V }>;

/** MySQL's answer to a replica statement on a server that is no replica (ER_REPLICA_CONFIGURATION). */
const NOT_A_REPLICA = new DatabaseError(
  1200,
  'HY000',
  "The server is not configured as replica: this node is the cluster's source, which writes the binlog and runs no replica channel (a switchover moves the role)",
);

/** How often WAIT_FOR_EXECUTED_GTID_SET looks at the executed set again. */
const GTID_WAIT_POLL_MS = 10;

function coordinatesOf(file: string, position: string, refused: (reason: string) => DatabaseError): BinlogCoordinates {
  try {
    return parseCoordinates(`${file}:${position}`);
  } catch (error) {
    if (error instanceof InvalidCoordinatesError) throw refused(error.message);
    throw error;
  }
}

function gtidSetOf(text: string): GtidSet {
  try {
    return GtidSet.parse(text);
  } catch (error) {
    if (error instanceof InvalidGtidError) throw new DatabaseError(1772, 'HY000', `Malformed GTID set specification '${text}'.`);
    throw error;
  }
}

/** ER_ERROR_WHEN_EXECUTING_COMMAND, as MySQL answers SHOW BINLOG EVENTS it cannot serve. */
const binlogEventsError = (reason: string) => new DatabaseError(1220, 'HY000', `Error when executing command SHOW BINLOG EVENTS: ${reason}`);

/** A replica control's refusal as the MySQL error the statement gets. */
function sqlError(error: unknown, statement: string): unknown {
  if (!(error instanceof ReplicaControlError)) return error;
  switch (error.code) {
    case ReplicaControlErrorCode.ReplicaRunning:
      return new DatabaseError(3021, 'HY000', error.message);
    case ReplicaControlErrorCode.ApplierRunning:
      return new DatabaseError(3085, 'HY000', error.message);
    case ReplicaControlErrorCode.WrongCluster:
      return new DatabaseError(1210, 'HY000', `Incorrect arguments to ${statement}: ${error.message}`);
    case ReplicaControlErrorCode.PositionOutsideBinlog:
    case ReplicaControlErrorCode.AppliedPositionOutsideBinlog:
      return new DatabaseError(1236, 'HY000', error.message);
    case ReplicaControlErrorCode.DelayOutOfRange:
      return new DatabaseError(1729, 'HY000', error.message);
    case ReplicaControlErrorCode.FetcherUnavailable:
      return new DatabaseError(1105, 'HY000', error.message);
    case ReplicaControlErrorCode.ShuttingDown:
      return new DatabaseError(1053, '08S01', 'Server shutdown in progress');
  }
}

/**
 * The node's replication as its SQL port answers it: SHOW … STATUS from its own state, and
 * START / STOP REPLICA, CHANGE REPLICATION SOURCE TO, SOURCE_POS_WAIT and
 * WAIT_FOR_EXECUTED_GTID_SET through the same replica controls as the HTTP API.
 */
export function nodeReplication(node: ReplicationNode): ReplicationState {
  const control = (): ReplicaControl => {
    const found = node.replicaControl();
    if (!found) throw NOT_A_REPLICA;
    return found;
  };
  const run = async (statement: string, operation: (replica: ReplicaControl) => Promise<unknown>): Promise<void> => {
    const replica = control();
    try {
      await operation(replica);
    } catch (error) {
      throw sqlError(error, statement);
    }
  };

  return {
    binlogStatus: () => node.binlogStatus(),
    replicaStatus: () => node.replicaControl()?.status(),
    binaryLogs: async () => [{ name: node.binlogStatus().file, end: (await node.binlogBounds()).end.toString() }],
    replicas: () => node.replicas(),

    async waitForPosition(file, position, timeoutS) {
      // A node that writes runs no applier: MySQL's NULL for a server whose SQL thread is not running.
      const replica = node.replicaControl();
      if (!replica) return null;
      const refused = (reason: string) => new DatabaseError(1210, 'HY000', `Incorrect arguments to SOURCE_POS_WAIT: ${reason}`);
      const coordinates = coordinatesOf(file, position, refused);
      return replica.wait(coordinates, Math.ceil(Math.min(timeoutS ?? MAX_WAIT_S, MAX_WAIT_S) * 1000)).catch((error: unknown) => {
        throw error instanceof ReplicaControlError ? refused(error.message) : error;
      });
    },

    async waitForExecutedGtidSet(text, timeoutS) {
      const wanted = gtidSetOf(text);
      const deadline = Date.now() + Math.min(timeoutS ?? MAX_WAIT_S, MAX_WAIT_S) * 1000;
      for (;;) {
        if (GtidSet.parse(node.binlogStatus().executedGtidSet).includes(wanted)) return 0;
        if (Date.now() >= deadline) return 1;
        await new Promise((resolve) => setTimeout(resolve, Math.min(GTID_WAIT_POLL_MS, Math.max(0, deadline - Date.now()))));
      }
    },

    start: (statement: Statement<'start-replica'>) =>
      run('START REPLICA', (replica) => {
        const options: StartOptions = { thread: statement.thread };
        const { until } = statement;
        if (!until) return replica.start(options);
        if (statement.thread === 'io') {
          throw new DatabaseError(1277, 'HY000', 'Incorrect parameter or combination of parameters for START REPLICA UNTIL: an UNTIL condition applies to the SQL thread, not IO_THREAD alone');
        }
        if (until.kind !== 'source-pos') return replica.start({ ...options, untilGtids: { set: gtidSetOf(until.gtidSet), when: until.kind === 'sql-after-gtids' ? 'after' : 'before' } });
        const refused = (reason: string) => new DatabaseError(1277, 'HY000', `Incorrect parameter or combination of parameters for START REPLICA UNTIL: ${reason}`);
        return replica.start({ ...options, until: coordinatesOf(until.logFile, until.logPos, refused) });
      }),

    stop: (statement: Statement<'stop-replica'>) => run('STOP REPLICA', (replica) => replica.stop(statement.thread)),

    async binlogEvents(statement: Statement<'show-binlog-events'>) {
      const { file } = node.binlogStatus();
      if (statement.logName !== undefined && statement.logName !== file) throw binlogEventsError('Could not find target log');
      // Past any offset a log can reach: beyond 2^63 is no position, so no event.
      const tooBig = (text: string) => text.length > 19;
      if (statement.from !== undefined && tooBig(statement.from)) throw binlogEventsError('Wrong offset or I/O error');
      const skip = BigInt(statement.limit?.offset ?? '0');
      // Without a LIMIT, or with one past the cap, one row past the cap tells a listing that would be longer, refused rather than cut short.
      const wanted = statement.limit === undefined ? undefined : BigInt(statement.limit.count);
      const take = wanted !== undefined && wanted <= BigInt(MAX_BINLOG_EVENT_ROWS) ? Number(wanted) : MAX_BINLOG_EVENT_ROWS + 1;
      const fromOffset = statement.from === undefined ? undefined : BigInt(statement.from);
      const rows: BinlogEventRow[] = [];
      if (take === 0) return rows;
      let seen = 0n;
      try {
        // FROM is a position, as every kbinlog position: a group's offset, or one between groups
        // (SHOW MASTER STATUS's, a commit marker's), which lists from the next group.
        await node.readBinlog({ fromOffset, timeoutMs: BINLOG_EVENTS_TIMEOUT_MS }, ({ offset, nextOffset, group }) => {
          for (const row of binlogEventRows(group, { logName: file, offset, nextOffset })) {
            if (seen++ < skip) continue;
            rows.push(row);
            if (rows.length >= take) return false;
          }
          return true;
        });
      } catch (error) {
        if (error instanceof BinlogRangeError) throw binlogEventsError(`Wrong offset or I/O error (${error.message})`);
        throw error;
      }
      if (rows.length > MAX_BINLOG_EVENT_ROWS) throw binlogEventsError(`more than ${MAX_BINLOG_EVENT_ROWS} events to list; page with FROM and LIMIT offset, row_count`);
      return rows;
    },

    changeSource: (statement: Statement<'change-source'>) =>
      run('CHANGE REPLICATION SOURCE TO', async (replica) => {
        const change: SourceChange = { delayS: statement.delayS };
        const { logFile, logPos } = statement;
        if (logFile === undefined && logPos === undefined) return replica.changeSource(change);
        const refused = (reason: string) => new DatabaseError(1210, 'HY000', `Incorrect arguments to CHANGE REPLICATION SOURCE TO: ${reason}`);
        // SOURCE_LOG_FILE alone starts at the log's beginning, as MySQL starts at the file's first event.
        const file = logFile ?? node.binlogStatus().file;
        const position = logPos ?? (await node.binlogBounds()).start.toString();
        return replica.changeSource({ ...change, position: coordinatesOf(file, position, refused) });
      }),
  };
}
