import type { StatementEvent, TableName } from '@kbinlog/binlog';
import { ServerStatus } from '@kbinlog/mysql-protocol';
import { appliedPositionWrite, MARIADB_DIALECT } from '@kbinlog/node-store';
import { type Classified, classifyStatement, type SqlTextOptions, type TableRef } from '@kbinlog/sql-statement';
import { type CaptureTriggers, openSessionCapture, READ_ONLY_SQL_ERROR, ReadOnlyError, takeSessionCapture, type WritePath, WriteRefusedError } from '@kbinlog/binlog-commit';
import { BackendConnection, DatabaseError, type StatementResult } from './backend-connection';
import { type NodeVariables, showVariablesOf, withNodeVariableRows, withNodeVariables } from './node-variables';
import { type ReplicationState, replicationResult } from './replication-status';
import { checkPrivileges, type Privilege } from './sql-privileges';
import type { WriteGate } from './write-gate';

/** What every SQL session of the source shares. */
export interface SqlSessionContext {
  readonly databaseUrl: string;
  /** The node's write path: refuses writes (error 1290) while the node is not the source. */
  readonly writes: WritePath;
  readonly gate: WriteGate;
  readonly triggers: CaptureTriggers;
  /** The system variables the node answers itself in SELECTs (server_id, server_uuid, gtid_executed, …). */
  variables(): NodeVariables;
  /** The same in SHOW VARIABLES' text form (read_only ON / OFF), and the replication status variables of SHOW STATUS. */
  showVariables(): NodeVariables;
  statusVariables(): NodeVariables;
  /** The binlog's and the replication channel's status, which SHOW MASTER/REPLICA STATUS answer from. */
  readonly replication: ReplicationState;
  /** The database's version, for the executable comments it would run (MYSQL_VERSION_ID). */
  readonly serverVersion: number;
}

/** Schemas clients may read but never change: kbinlog's own state. */
const PROTECTED_SCHEMA = 'kbinlog';

/** Replication statements that commit an open transaction first, as in MySQL. */
const COMMITTING_CONTROLS = new Set(['start-replica', 'stop-replica', 'change-source']);

/** DDL whose tables get (re)made capture triggers afterwards. */
const RESHAPING_DDL = new Set(['CREATE TABLE', 'ALTER TABLE', 'RENAME TABLE']);

const refuse = (errno: number, sqlState: string, message: string) => new DatabaseError(errno, sqlState, message);
const readOnlyRefused = () => refuse(READ_ONLY_SQL_ERROR.errno, READ_ONLY_SQL_ERROR.sqlState, READ_ONLY_SQL_ERROR.message);
const TIME_ZONE_REFUSED = refuse(1235, '42000', "kbinlog does not support SET time_zone: TIMESTAMP values are captured in the source database's time zone");

/**
 * The words the server runs: strings, quoted names and comments removed, but the content of
 * executable comments (`/*! … *\/`, `/*M! … *\/`) kept, since MariaDB runs it.
 */
export function executableWords(sql: string): string {
  return sql.replace(/'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*"|`(?:[^`]|``)*`|\/\*(M?!\d*)?([\s\S]*?)\*\/|#[^\n]*|--\s[^\n]*/g, (_match, executable: string | undefined, body: string | undefined) =>
    executable !== undefined ? ` ${body ?? ''} ` : ' ',
  );
}

/**
 * One client's SQL session on the source. Reads pass through to its own connection to the
 * source's database. Writes run in a transaction there; at COMMIT (or at the end of an
 * autocommit statement) their captured row events go through the binlog committer, which logs
 * them before the connection commits; the client hears OK after both (invariant 2). ROLLBACK or
 * a dropped connection publishes nothing.
 */
export class SqlSession {
  private schema: string | undefined;
  private autocommit = true;
  private inTransaction = false;
  /** How the database reads this session's SQL text: its version and its sql_mode. */
  private text: SqlTextOptions;
  /** Set by COMMIT/ROLLBACK … RELEASE: the connection closes after the reply. */
  closeRequested = false;

  private constructor(
    private readonly context: SqlSessionContext,
    private readonly backend: BackendConnection,
    /** The account's replication privileges, which the statements kbinlog answers itself check. */
    private readonly privileges: ReadonlySet<Privilege>,
  ) {
    this.text = { serverVersion: context.serverVersion };
  }

  get textOptions(): SqlTextOptions {
    return this.text;
  }

  static async open(context: SqlSessionContext, privileges: ReadonlySet<Privilege>, schema?: string): Promise<SqlSession> {
    const backend = await BackendConnection.open(context.databaseUrl);
    const session = new SqlSession(context, backend, privileges);
    try {
      await openSessionCapture(backend);
      if (schema) await session.useSchema(schema);
    } catch (error) {
      backend.close();
      throw error;
    }
    return session;
  }

  get statusFlags(): number {
    return (this.autocommit ? ServerStatus.AUTOCOMMIT : 0) | (this.inTransaction ? ServerStatus.IN_TRANS : 0);
  }

  get connectionId(): number {
    return this.backend.threadId;
  }

  /** COM_INIT_DB and USE. */
  async useSchema(schema: string): Promise<void> {
    await this.backend.query(`USE ${MARIADB_DIALECT.quoteIdentifier(schema)}`);
    this.schema = schema;
  }

  /** Runs one statement (already split from a multi-statement text). */
  async run(sql: string): Promise<StatementResult> {
    if (this.backend.isClosed) throw refuse(2013, 'HY000', 'Lost connection to the source database during query');
    const statement = classifyStatement(sql, this.text);
    // SET STATEMENT … FOR classifies as its inner statement; its variables still apply to it.
    if (/^\s*SET\s+STATEMENT\b[\s\S]*\btime_zone\b[\s\S]*\bFOR\b/i.test(executableWords(sql))) throw TIME_ZONE_REFUSED;
    switch (statement.kind) {
      case 'refused':
        throw refuse(statement.errno, statement.sqlState, statement.message);
      case 'replication': {
        checkPrivileges(statement, this.privileges);
        if (COMMITTING_CONTROLS.has(statement.verb) && this.inTransaction) await this.commitOpenTransaction();
        return (await replicationResult(statement, this.context.replication)) ?? this.ok();
      }
      case 'read':
        // CHECK TABLE commits implicitly in MySQL: commit through the log first.
        if (statement.verb === 'check' && this.inTransaction) await this.commitOpenTransaction();
        if (statement.verb === 'select') return this.backend.query(withNodeVariables(sql, () => this.context.variables(), this.text));
        return statement.verb === 'show' ? this.show(sql) : this.backend.query(sql);
      case 'session':
        return this.runSession(sql, statement);
      case 'transaction':
        return this.runTransaction(sql, statement);
      case 'dml':
        if (this.context.writes.refusal()) throw readOnlyRefused();
        return this.admitted(() => this.runDml(sql, statement.tables));
      case 'ddl':
        if (this.context.writes.refusal()) throw readOnlyRefused();
        return this.admitted(() => this.runDdl(sql, statement));
    }
  }

  /** SHOW VARIABLES and SHOW STATUS carry the node's replication values, not its database's. */
  private async show(sql: string): Promise<StatementResult> {
    const result = await this.backend.query(sql);
    const show = showVariablesOf(sql);
    if (!show) return result;
    return withNodeVariableRows(result, show, show.kind === 'variables' ? this.context.showVariables() : this.context.statusVariables());
  }

  /** A write runs only while the node is source; a demotion that began meanwhile refuses it here. */
  private async admitted<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await this.context.writes.admit(work);
    } catch (error) {
      throw error instanceof ReadOnlyError ? readOnlyRefused() : error;
    }
  }

  private async readSqlMode(): Promise<void> {
    const [row] = await this.backend.rows<{ mode: string }>('SELECT @@session.sql_mode AS mode');
    const modes = new Set((row?.mode ?? '').toUpperCase().split(','));
    this.text = { ...this.text, noBackslashEscapes: modes.has('NO_BACKSLASH_ESCAPES'), ansiQuotes: modes.has('ANSI_QUOTES') || modes.has('ANSI') };
  }

  /** The client went away: whatever was not committed is rolled back by the server. */
  close(): void {
    this.backend.close();
  }

  private async runSession(sql: string, statement: Extract<Classified, { kind: 'session' }>): Promise<StatementResult> {
    if (statement.verb === 'use') {
      const result = await this.backend.query(sql);
      this.schema = statement.schema;
      return result;
    }
    if (statement.verb === 'set') {
      if (statement.variables.includes('time_zone')) throw TIME_ZONE_REFUSED;
      // autocommit = 1 commits an open transaction (MySQL does): log it first.
      if (statement.autocommit === true && this.inTransaction) await this.commitOpenTransaction();
      const result = await this.backend.query(sql);
      if (statement.autocommit !== undefined) this.autocommit = statement.autocommit;
      // Where strings and names end depends on sql_mode: read back what the server now uses.
      if (statement.variables.includes('sql_mode')) await this.readSqlMode();
      return result;
    }
    return this.backend.query(sql);
  }

  private async runTransaction(sql: string, statement: Extract<Classified, { kind: 'transaction' }>): Promise<StatementResult> {
    switch (statement.verb) {
      case 'begin': {
        // BEGIN inside a transaction commits it first (MySQL does).
        if (this.inTransaction) await this.commitOpenTransaction();
        const result = await this.backend.query(sql);
        this.inTransaction = true;
        return result;
      }
      case 'commit':
      case 'rollback': {
        if (statement.verb === 'commit') await this.commitOpenTransaction();
        else await this.rollbackOpenTransaction();
        if (statement.chain) {
          await this.backend.query('BEGIN');
          this.inTransaction = true;
        }
        if (statement.release) this.closeRequested = true;
        return this.ok();
      }
      default:
        return this.backend.query(sql);
    }
  }

  private resolveTables(tables: readonly TableRef[]): TableName[] {
    return tables.map((ref) => ({ schema: ref.schema ?? this.schema ?? '', table: ref.table }));
  }

  private checkWritable(tables: readonly TableName[], schemas: readonly string[] = []): void {
    const touched = [...tables.map((table) => table.schema), ...schemas];
    if (touched.includes(PROTECTED_SCHEMA)) {
      throw refuse(1044, '42000', `Access denied to database '${PROTECTED_SCHEMA}': it holds kbinlog's own state (server_uuid, applier position, change capture)`);
    }
  }

  private async runDml(sql: string, refs: readonly TableRef[]): Promise<StatementResult> {
    const tables = this.resolveTables(refs);
    this.checkWritable(tables);
    for (const table of tables) {
      const reason = this.context.triggers.uncapturable(table.schema, table.table);
      if (reason) throw refuse(1235, '42000', `kbinlog cannot replicate writes to ${table.schema}.${table.table}: ${reason}`);
    }
    const implicit = this.autocommit && !this.inTransaction;
    return this.context.gate.shared(async () => {
      if (implicit) await this.backend.query('BEGIN');
      this.inTransaction = true;
      let result: StatementResult;
      try {
        result = await this.backend.query(sql);
      } catch (error) {
        if (implicit || !(await this.transactionSurvived(error))) await this.rollbackOpenTransaction();
        throw error;
      }
      if (implicit) await this.commitOpenTransaction();
      return result;
    });
  }

  private async runDdl(sql: string, statement: Extract<Classified, { kind: 'ddl' }>): Promise<StatementResult> {
    const tables = this.resolveTables(statement.tables);
    this.checkWritable(tables, statement.schema ? [statement.schema] : []);
    if (/\bON\s+(DELETE|UPDATE)\s+(CASCADE|SET\s+NULL|SET\s+DEFAULT)\b/i.test(executableWords(sql))) {
      throw refuse(1235, '42000', 'kbinlog does not support foreign keys with cascading actions: the rows they change are not captured. Use ON DELETE/UPDATE RESTRICT or NO ACTION.');
    }
    // DDL commits an open transaction first (MySQL does).
    if (this.inTransaction) await this.commitOpenTransaction();
    return this.context.gate.exclusive(async () => {
      const result = await this.backend.query(sql);
      const event: StatementEvent = { type: 'statement', schema: this.schema ?? '', sql, ...(tables.length > 0 ? { tables } : {}) };
      if (RESHAPING_DDL.has(statement.verb)) {
        for (const table of tables) await this.context.triggers.refresh(this.backend, table.schema, table.table);
      }
      if (statement.verb === 'DROP DATABASE' && statement.schema) this.context.triggers.forgetSchema(statement.schema);
      await this.context.writes.logExecutedStatement(event);
      return result;
    });
  }

  /** Logs and commits the open transaction; nothing to log (only reads, or no-op writes) just commits. */
  private async commitOpenTransaction(): Promise<void> {
    if (!this.inTransaction) {
      await this.backend.query('COMMIT');
      return;
    }
    const events = await takeSessionCapture(this.backend);
    this.inTransaction = false;
    if (events.length === 0) {
      await this.backend.query('COMMIT');
      return;
    }
    const backend = this.backend;
    try {
      await this.context.writes.commitSession({
        events,
        writePosition: async (position, place) => {
          const { sql, values } = appliedPositionWrite(MARIADB_DIALECT, position, place);
          await backend.query(sql, values);
        },
        commit: async () => {
          await backend.query('COMMIT');
        },
        rollback: async () => {
          await backend.query('ROLLBACK');
        },
      });
    } catch (error) {
      // Demoted since the transaction wrote: rolled back, as a read_only server refuses it.
      if (error instanceof ReadOnlyError) throw readOnlyRefused();
      // ER_ERROR_DURING_COMMIT: nothing of the transaction was logged or stored.
      if (error instanceof WriteRefusedError) throw refuse(1180, 'HY000', `Got error during COMMIT: ${error.message}`);
      throw error;
    }
  }

  /**
   * Whether the database kept the transaction open after a statement of it failed. A deadlock
   * (1213), a lock wait timeout under innodb_rollback_on_timeout, or a deadlock on a table's
   * AUTO-INC lock (which MariaDB reports as 1467) rolls it back whole; the session must know, or
   * the client's next statements would run unlogged in autocommit. The server's own answer covers
   * every such error.
   */
  private async transactionSurvived(error: unknown): Promise<boolean> {
    if (!(error instanceof DatabaseError)) return false;
    if (error.errno === 1213) return false;
    const [state] = await this.backend.rows<{ open: number | string }>('SELECT @@in_transaction AS open');
    return Number(state?.open) === 1;
  }

  private async rollbackOpenTransaction(): Promise<void> {
    this.inTransaction = false;
    await this.backend.query('ROLLBACK');
  }

  private ok(): StatementResult {
    return { kind: 'ok', affectedRows: 0, insertId: 0, warnings: 0, info: '', serverStatus: this.statusFlags };
  }
}
