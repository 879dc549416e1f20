import type { RefusedStatement } from './types';

/**
 * Every reason the source refuses a statement, in one table: the README lists it and the tests
 * check each rule against an example. A refusal is sent to the client as an ERR packet with the
 * rule's errno, SQLSTATE and message (placeholders in braces filled in per statement).
 */

export type RefusalId =
  | 'parse-error'
  | 'empty-query'
  | 'versioned-comment'
  | 'load-data'
  | 'select-into-file'
  | 'sql-log-bin'
  | 'binlog-variable'
  | 'set-global'
  | 'autocommit-value'
  | 'temporary-table'
  | 'create-table-select'
  | 'view'
  | 'stored-program'
  | 'call'
  | 'compound-statement'
  | 'sql-prepared-statement'
  | 'handler'
  | 'lock-tables'
  | 'account-management'
  | 'xa'
  | 'replication-control'
  | 'replication-option'
  | 'server-admin'
  | 'table-maintenance'
  | 'kill'
  | 'unrecognized';

export interface RefusalRule {
  readonly id: RefusalId;
  /** The statements the rule refuses, as the docs list them. */
  readonly statements: string;
  /** The MySQL/MariaDB error number sent to the client. */
  readonly errno: number;
  readonly sqlState: string;
  /**
   * The message sent, also the reason. Placeholders: {statement} (its leading keywords),
   * {variable}, {value}, {near} and {line} (MariaDB's syntax error position), {version}.
   */
  readonly message: string;
}

/** 1064 ER_PARSE_ERROR */
const PARSE_ERROR = { errno: 1064, sqlState: '42000' } as const;
/** 1065 ER_EMPTY_QUERY */
const EMPTY_QUERY = { errno: 1065, sqlState: '42000' } as const;
/** 1148 ER_NOT_ALLOWED_COMMAND: "The used command is not allowed with this MariaDB version" */
const NOT_ALLOWED = { errno: 1148, sqlState: '42000' } as const;
/** 1227 ER_SPECIFIC_ACCESS_DENIED_ERROR: "Access denied; you need … privilege(s) for this operation" */
const ACCESS_DENIED = { errno: 1227, sqlState: '42000' } as const;
/** 1231 ER_WRONG_VALUE_FOR_VAR: "Variable '%s' can't be set to the value of '%s'" */
const WRONG_VALUE_FOR_VAR = { errno: 1231, sqlState: '42000' } as const;
/** 1235 ER_NOT_SUPPORTED_YET: "This version of MariaDB doesn't yet support '%s'" */
const NOT_SUPPORTED_YET = { errno: 1235, sqlState: '42000' } as const;

const notAllowed = (why: string): string => `The used command is not allowed with kbinlog: ${why}`;
const notYet = (why: string): string => `This version of kbinlog doesn't yet support '{statement}': ${why}`;

export const REFUSALS: readonly RefusalRule[] = [
  {
    id: 'parse-error',
    statements: 'unterminated strings, identifiers or comments; NUL outside strings and block comments; a second statement after `;`',
    ...PARSE_ERROR,
    message:
      "You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use near '{near}' at line {line}",
  },
  { id: 'empty-query', statements: 'nothing but whitespace (comments alone are answered OK, as MariaDB does)', ...EMPTY_QUERY, message: 'Query was empty' },
  {
    id: 'versioned-comment',
    statements: '`/*!NNNNNN … */` newer than MariaDB 10.11 when the server version is not given',
    ...NOT_SUPPORTED_YET,
    message:
      "This version of kbinlog doesn't yet support '/*!{version}': without the server's version it cannot tell whether the comment's text runs",
  },
  {
    id: 'load-data',
    statements: 'LOAD DATA [LOCAL] INFILE, LOAD XML',
    ...NOT_ALLOWED,
    message: notAllowed('LOAD DATA and LOAD XML read rows from a file kbinlog cannot log; send them as INSERT statements'),
  },
  {
    id: 'select-into-file',
    statements: 'SELECT … INTO OUTFILE | DUMPFILE (also TABLE, VALUES, WITH … SELECT)',
    ...NOT_ALLOWED,
    message: notAllowed('SELECT … INTO OUTFILE and INTO DUMPFILE write a file on the database server, outside the binlog'),
  },
  {
    id: 'sql-log-bin',
    statements: 'SET [SESSION | GLOBAL] sql_log_bin, SET @@[session.]sql_log_bin, SET STATEMENT sql_log_bin=… FOR',
    ...ACCESS_DENIED,
    message: 'Access denied; kbinlog logs every write, so sql_log_bin cannot be changed',
  },
  {
    id: 'binlog-variable',
    statements:
      'SET of `binlog_*`, `gtid_*`, sql_slave_skip_counter, sql_replica_skip_counter, skip_replication, server_id, pseudo_slave_mode',
    ...ACCESS_DENIED,
    message: "Access denied; kbinlog owns binary logging and replication, so '{variable}' cannot be set",
  },
  {
    id: 'set-global',
    statements: 'SET GLOBAL | PERSIST | PERSIST_ONLY …, SET @@global.… (also SET GLOBAL TRANSACTION)',
    ...ACCESS_DENIED,
    message: "Access denied; kbinlog does not replicate global variables, so '{variable}' must be set on each node",
  },
  {
    id: 'autocommit-value',
    statements: 'SET autocommit to anything but 0, 1, ON, OFF, TRUE or FALSE (an expression, DEFAULT)',
    ...WRONG_VALUE_FOR_VAR,
    message:
      "Variable 'autocommit' can't be set to the value of '{value}'; kbinlog must know the session's autocommit and accepts only 0, 1, ON, OFF, TRUE or FALSE",
  },
  {
    id: 'temporary-table',
    statements: 'CREATE [OR REPLACE] TEMPORARY TABLE, DROP TEMPORARY TABLE',
    ...NOT_ALLOWED,
    message: notAllowed('temporary tables are not replicated, and rows copied from them could not be logged reliably; use a regular table'),
  },
  {
    id: 'create-table-select',
    statements: 'CREATE TABLE … SELECT (also CREATE TABLE … AS SELECT)',
    ...NOT_ALLOWED,
    message: notAllowed('CREATE TABLE … SELECT copies rows kbinlog would not log; run CREATE TABLE, then INSERT … SELECT'),
  },
  {
    id: 'view',
    statements: 'CREATE [OR REPLACE] VIEW, ALTER VIEW, DROP VIEW',
    ...NOT_SUPPORTED_YET,
    message: notYet("a view carries a DEFINER account, and kbinlog does not replicate accounts"),
  },
  {
    id: 'stored-program',
    statements: 'CREATE / ALTER / DROP of TRIGGER, PROCEDURE, FUNCTION (also UDFs), EVENT, PACKAGE',
    ...NOT_ALLOWED,
    message: notAllowed(
      'stored programs write rows kbinlog cannot see, and triggers and events would run again on every replica',
    ),
  },
  {
    id: 'call',
    statements: 'CALL',
    ...NOT_ALLOWED,
    message: notAllowed('CALL runs a stored procedure whose statements kbinlog cannot see'),
  },
  {
    id: 'compound-statement',
    statements: 'BEGIN NOT ATOMIC, IF, CASE, LOOP, REPEAT, WHILE, label: … (compound statements outside stored programs)',
    ...NOT_ALLOWED,
    message: notAllowed('a compound statement hides its statements from kbinlog; send them one by one'),
  },
  {
    id: 'sql-prepared-statement',
    statements: 'PREPARE, EXECUTE [IMMEDIATE], DEALLOCATE PREPARE, DROP PREPARE',
    ...NOT_ALLOWED,
    message: notAllowed(
      "SQL-level prepared statements hide the statement from kbinlog; use the client's prepared statements (COM_STMT_PREPARE) instead",
    ),
  },
  {
    id: 'handler',
    statements: 'HANDLER … OPEN | READ | CLOSE',
    ...NOT_ALLOWED,
    message: notAllowed("HANDLER keeps tables open across statements, outside kbinlog's transactions"),
  },
  {
    id: 'lock-tables',
    statements: 'LOCK TABLE[S]',
    ...NOT_ALLOWED,
    message: notAllowed(
      "LOCK TABLES commits implicitly and holds locks across statements outside kbinlog's transactions; use START TRANSACTION and SELECT … FOR UPDATE",
    ),
  },
  {
    id: 'account-management',
    statements: 'GRANT, REVOKE, CREATE / ALTER / DROP / RENAME USER, CREATE / DROP ROLE, SET PASSWORD, SET DEFAULT ROLE',
    ...ACCESS_DENIED,
    message: 'Access denied; kbinlog does not replicate accounts and privileges, so manage them on each node',
  },
  {
    id: 'xa',
    statements: 'XA START | BEGIN | END | PREPARE | COMMIT | ROLLBACK | RECOVER',
    ...NOT_ALLOWED,
    message: notAllowed('an XA transaction is prepared in two phases, and kbinlog logs a transaction as one binlog group at commit'),
  },
  {
    id: 'replication-control',
    statements: 'START / STOP GROUP_REPLICATION, RESET MASTER | SLAVE | REPLICA | BINARY LOGS, PURGE … LOGS, BINLOG',
    ...ACCESS_DENIED,
    message: 'Access denied; kbinlog runs replication, so use the kbinlog CLI or the coordinator instead',
  },
  {
    id: 'replication-option',
    statements:
      "CHANGE REPLICATION SOURCE | MASTER TO SOURCE_HOST, _PORT, _USER, _SSL…, RELAY_LOG_…, SOURCE_AUTO_POSITION, MASTER_USE_GTID, IGNORE_SERVER_IDS …; START REPLICA UNTIL RELAY_LOG_… | SQL_AFTER_MTS_GAPS | MASTER_GTID_POS, START REPLICA USER | PASSWORD …; SHOW RELAYLOG EVENTS; a channel or connection name other than ''",
    ...NOT_SUPPORTED_YET,
    message: "This version of kbinlog doesn't yet support '{option}': {why}",
  },
  {
    id: 'server-admin',
    statements: 'FLUSH, RESET (QUERY CACHE, …), SHUTDOWN, RESTART, INSTALL / UNINSTALL PLUGIN | SONAME | COMPONENT, CACHE INDEX, LOAD INDEX',
    ...ACCESS_DENIED,
    message: "Access denied; '{statement}' administers one server, so run it on each node, not through kbinlog",
  },
  {
    id: 'table-maintenance',
    statements: 'ANALYZE (TABLE or a statement), EXPLAIN ANALYZE, OPTIMIZE, REPAIR',
    ...NOT_ALLOWED,
    message: notAllowed('table maintenance is not replicated (and ANALYZE SELECT / UPDATE / DELETE runs the statement); run it on each node'),
  },
  {
    id: 'kill',
    statements: 'KILL [CONNECTION | QUERY]',
    ...NOT_SUPPORTED_YET,
    message: notYet("the connection ids clients see are kbinlog's, not the database's"),
  },
  {
    id: 'unrecognized',
    statements: 'any other statement (CREATE SEQUENCE, GET DIAGNOSTICS, SIGNAL, BACKUP STAGE, …)',
    ...NOT_SUPPORTED_YET,
    message: notYet('kbinlog does not know whether it can replicate it'),
  },
];

const BY_ID: ReadonlyMap<RefusalId, RefusalRule> = new Map(REFUSALS.map((rule) => [rule.id, rule]));

export function refusalRule(id: RefusalId): RefusalRule {
  const rule = BY_ID.get(id);
  if (!rule) throw new Error(`no refusal rule ${id}`);
  return rule;
}

/** The refusal of a statement by rule `id`, its message's placeholders filled from `params`. */
export function refuse(id: RefusalId, params: Readonly<Record<string, string | number>> = {}): RefusedStatement {
  const rule = refusalRule(id);
  return { kind: 'refused', rule: id, errno: rule.errno, sqlState: rule.sqlState, message: refusalMessage(id, params) };
}

/** A rule's message with its placeholders filled in (unknown ones left as written). */
export function refusalMessage(id: RefusalId, params: Readonly<Record<string, string | number>> = {}): string {
  return refusalRule(id).message.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}
