import type { Command } from '@kbinlog/mysql-protocol';
import { CounterPairs } from '@kbinlog/service-runtime';
import { Counter, type Registry } from 'prom-client';

/** A protocol command (COM_QUERY is `query` …), or one whose packet could not be decoded. */
export type SqlCommandName = Command['kind'] | 'malformed';
/** Whether the command was answered with an ERR packet. */
export type SqlCommandResult = 'ok' | 'error';
/** How one statement (of a COM_QUERY's text, or a prepared statement's execution) ended. */
export type SqlStatementOutcome = 'ok' | 'rows' | 'error';

/** The MySQL front door's commands and statements, counted in plain numbers and read when scraped. */
export class SqlMetrics {
  private readonly commands: CounterPairs<SqlCommandName, SqlCommandResult>;
  private readonly statements: Record<SqlStatementOutcome, number> = { ok: 0, rows: 0, error: 0 };

  constructor(registry: Registry) {
    this.commands = new CounterPairs(registry, {
      name: 'kbinlog_mysql_commands_total',
      help: 'MySQL protocol commands answered, by command (query = COM_QUERY, stmt_execute = COM_STMT_EXECUTE …) and result (error when answered with an ERR packet).',
      labelNames: ['command', 'result'],
    });
    const statements = this.statements;
    new Counter({
      name: 'kbinlog_mysql_statements_total',
      help: 'SQL statements run on the MySQL port (each of a multi-statement query, each prepared statement execution), by result: ok (an OK packet), rows (a result set) or error.',
      labelNames: ['result'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [result, count] of Object.entries(statements)) this.inc({ result }, count);
      },
    });
  }

  command(name: SqlCommandName, result: SqlCommandResult): void {
    this.commands.inc(name, result);
  }

  statement(outcome: SqlStatementOutcome): void {
    this.statements[outcome]++;
  }
}
