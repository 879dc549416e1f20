import { Registry } from 'prom-client';
import { SqlMetrics } from './sql-metrics';

describe('source > sql > metrics', () => {
  it('counts commands by command and result, and statements by outcome', async () => {
    const registry = new Registry();
    const metrics = new SqlMetrics(registry);
    metrics.command('query', 'ok');
    metrics.command('query', 'ok');
    metrics.command('query', 'error');
    metrics.command('malformed', 'error');
    metrics.statement('rows');
    metrics.statement('error');
    metrics.statement('error');
    const exposition = await registry.metrics();
    expect(exposition).toContain('kbinlog_mysql_commands_total{command="query",result="ok"} 2');
    expect(exposition).toContain('kbinlog_mysql_commands_total{command="query",result="error"} 1');
    expect(exposition).toContain('kbinlog_mysql_commands_total{command="malformed",result="error"} 1');
    expect(exposition).toContain('kbinlog_mysql_statements_total{result="ok"} 0');
    expect(exposition).toContain('kbinlog_mysql_statements_total{result="rows"} 1');
    expect(exposition).toContain('kbinlog_mysql_statements_total{result="error"} 2');
  });
});
