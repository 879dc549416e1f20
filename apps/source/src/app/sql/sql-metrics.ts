import type { Command } from '@kbinlog/mysql-protocol';
import { CounterPairs } from '@kbinlog/service-runtime';
import { Counter, type Registry } from 'prom-client';

/** A protocol command (COM_QUERY is `query` …), or one whose packet could not be decoded. */
export type SqlCommandName = Command['kind'] | 'malformed';
/** Whether the command was answered with an ERR packet. */
export type SqlCommandResult = 'ok' | 'error';
/** How one statement (of a COM_QUERY's text, or a prepared statement's execution) ended. */
export type SqlStatementOutcome = 'ok' | 'rows' | 'error';

/** The MySQL front door's commands and statements. */
export class SqlMetrics {
  private readonly commands: CounterPairs<SqlCommandName, SqlCommandResult>;
  private readonly statements: Readonly<Record<SqlStatementOutcome, Counter.Internal>>;

  constructor(registry: Registry) {
    this.commands = new CounterPairs(
      new Counter({
        name: 'kbinlog_mysql_commands_total',
        help: "MySQL protocol commands answered, by command (query = COM_QUERY, stmt_execute = COM_STMT_EXECUTE …) and result (error when answered with an ERR packet).",
        labelNames: ['command', 'result'] as const,
        registers: [registry],
      }),
    );
    const statements = new Counter({
      name: 'kbinlog_mysql_statements_total',
      help: 'SQL statements run on the MySQL port (each of a multi-statement query, each prepared statement execution), by result: ok (an OK packet), rows (a result set) or error.',
      labelNames: ['result'] as const,
      registers: [registry],
    });
    this.statements = { ok: statements.labels('ok'), rows: statements.labels('rows'), error: statements.labels('error') };
    // Every outcome has a series from the start, so a rate sees its first statement.
    for (const child of Object.values(this.statements)) child.inc(0);
  }

  command(name: SqlCommandName, result: SqlCommandResult): void {
    this.commands.inc(name, result);
  }

  statement(outcome: SqlStatementOutcome): void {
    this.statements[outcome].inc();
  }
}
