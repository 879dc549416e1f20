import type { RefusalId } from './refusals';

/** A table as the statement names it, quotes removed; `schema` only when the text gives one. */
export interface TableRef {
  readonly schema?: string;
  readonly table: string;
}

export type ReadVerb =
  | 'select'
  | 'table'
  | 'values'
  | 'show'
  | 'describe'
  | 'explain'
  | 'help'
  | 'do'
  | 'check'
  | 'checksum'
  /** Nothing but comments: MariaDB answers OK. */
  | 'comment';

/** Passes through: changes nothing that needs logging. */
export interface ReadStatement {
  readonly kind: 'read';
  readonly verb: ReadVerb;
  /** SELECT … FOR UPDATE / FOR SHARE / LOCK IN SHARE MODE: takes row locks. */
  readonly locking: boolean;
}

export type DmlVerb = 'insert' | 'replace' | 'update' | 'delete';

/** Runs inside a transaction on the source's database; its row changes are logged. */
export interface DmlStatement {
  readonly kind: 'dml';
  readonly verb: DmlVerb;
  /** The tables written (multi-table forms: the targets, resolved through aliases; best effort). */
  readonly tables: readonly TableRef[];
}

export type DdlVerb =
  | 'CREATE TABLE'
  | 'ALTER TABLE'
  | 'DROP TABLE'
  | 'RENAME TABLE'
  | 'TRUNCATE TABLE'
  | 'CREATE DATABASE'
  | 'ALTER DATABASE'
  | 'DROP DATABASE'
  | 'CREATE INDEX'
  | 'DROP INDEX';

/** Logged as a statement event, with the session's current schema. */
export interface DdlStatement {
  readonly kind: 'ddl';
  readonly verb: DdlVerb;
  /** CREATE / ALTER / DROP DATABASE: the database named (ALTER DATABASE may name none). */
  readonly schema?: string;
  /** The tables created, changed or dropped (both names of a rename). */
  readonly tables: readonly TableRef[];
}

export type TransactionStatement =
  | {
      readonly kind: 'transaction';
      /** BEGIN [WORK], START TRANSACTION […]. */
      readonly verb: 'begin';
      /** START TRANSACTION READ ONLY (true) / READ WRITE (false). */
      readonly readOnly?: boolean;
      /** START TRANSACTION WITH CONSISTENT SNAPSHOT. */
      readonly consistentSnapshot?: boolean;
    }
  | {
      readonly kind: 'transaction';
      readonly verb: 'commit' | 'rollback';
      /** AND CHAIN (true) / AND NO CHAIN (false); absent when not written. */
      readonly chain?: boolean;
      /** RELEASE (true: disconnect afterwards) / NO RELEASE (false); absent when not written. */
      readonly release?: boolean;
    }
  | {
      readonly kind: 'transaction';
      /** SAVEPOINT x, RELEASE SAVEPOINT x, ROLLBACK [WORK] TO [SAVEPOINT] x. */
      readonly verb: 'savepoint' | 'release' | 'rollback-to';
      readonly name: string;
    };

export type SessionStatement =
  | { readonly kind: 'session'; readonly verb: 'use'; readonly schema: string }
  | {
      readonly kind: 'session';
      readonly verb: 'set';
      /**
       * The session system variables assigned, lower case, in order (user variables are not
       * listed; SET NAMES and SET CHARACTER SET list the character_set_* variables they change).
       */
      readonly variables: readonly string[];
      /** The session's autocommit after the statement, when it sets autocommit. */
      readonly autocommit?: boolean;
      /** SET NAMES x / SET CHARACTER SET x: the character set named, lower case. */
      readonly charset?: string;
    }
  | {
      readonly kind: 'session';
      /** SET [SESSION] TRANSACTION …, SET ROLE …, UNLOCK TABLES. */
      readonly verb: 'set-transaction' | 'set-role' | 'unlock-tables';
    };

/** Not run: the client gets an ERR packet with these fields. */
export interface RefusedStatement {
  readonly kind: 'refused';
  /** Which rule of `REFUSALS` refused it. */
  readonly rule: RefusalId;
  readonly errno: number;
  readonly sqlState: string;
  readonly message: string;
}

/**
 * A replication statement kbinlog answers from its own state rather than the database's: the
 * binlog's and the replication channel's status. `names` is the column naming the client used:
 * MySQL 8's (SHOW REPLICA STATUS, SHOW BINARY LOG STATUS), the older one (SHOW SLAVE STATUS,
 * SHOW MASTER STATUS), or MariaDB's multi-source form (SHOW ALL SLAVES STATUS).
 */
export type ReplicationStatement =
  | {
      readonly kind: 'replication';
      readonly verb: 'show-binlog-status' | 'show-binary-logs' | 'show-replica-status' | 'show-replicas';
      readonly names: 'source-replica' | 'master-slave' | 'all-slaves';
    }
  | {
      /** `SELECT SOURCE_POS_WAIT('file', pos[, timeout[, 'channel']])` (or MASTER_POS_WAIT), alone: the node's applier answers. */
      readonly kind: 'replication';
      readonly verb: 'source-pos-wait';
      readonly file: string;
      readonly position: string;
      /** Seconds; undefined when not given (wait without a bound of the client's). */
      readonly timeoutS: number | undefined;
      /** The result column's name: the call as written, or its alias. */
      readonly column: string;
    }
  | {
      /** `SELECT WAIT_FOR_EXECUTED_GTID_SET('set'[, timeout])`, alone: 0 once the node executed the set, 1 after the timeout. */
      readonly kind: 'replication';
      readonly verb: 'wait-for-executed-gtid-set';
      readonly gtidSet: string;
      readonly timeoutS: number | undefined;
      readonly column: string;
    }
  | {
      /** START REPLICA | SLAVE [IO_THREAD | SQL_THREAD] [UNTIL …]; `thread` undefined: both. */
      readonly kind: 'replication';
      readonly verb: 'start-replica';
      readonly thread: ReplicaThreadName | undefined;
      readonly until: UntilCondition | undefined;
    }
  | {
      readonly kind: 'replication';
      readonly verb: 'stop-replica';
      readonly thread: ReplicaThreadName | undefined;
    }
  | {
      /** SHOW BINLOG EVENTS [IN 'log'] [FROM pos] [LIMIT [offset,] count]: the digits as written. */
      readonly kind: 'replication';
      readonly verb: 'show-binlog-events';
      readonly logName: string | undefined;
      readonly from: string | undefined;
      readonly limit: { readonly offset: string; readonly count: string } | undefined;
    }
  | {
      /** CHANGE REPLICATION SOURCE | MASTER TO with the options kbinlog can honour. */
      readonly kind: 'replication';
      readonly verb: 'change-source';
      readonly logFile: string | undefined;
      /** The digits as written (a Kafka offset may pass 2^53). */
      readonly logPos: string | undefined;
      readonly delayS: number | undefined;
    };

/** MySQL's replica threads: the fetcher (I/O thread) or the applier (SQL thread). */
export type ReplicaThreadName = 'io' | 'sql';

/** START REPLICA UNTIL: a position (SOURCE_LOG_FILE + SOURCE_LOG_POS) or a GTID set. */
export type UntilCondition =
  | { readonly kind: 'source-pos'; readonly logFile: string; readonly logPos: string }
  | { readonly kind: 'sql-after-gtids' | 'sql-before-gtids'; readonly gtidSet: string };

export type Classified =
  | ReadStatement
  | ReplicationStatement
  | DmlStatement
  | DdlStatement
  | TransactionStatement
  | SessionStatement
  | RefusedStatement;
