import { Counter, Registry } from 'prom-client';
import { CounterPairs } from './counter-pairs';
import { MetricsController } from './metrics.controller';
import { serviceRegistry } from './service-registry';

const IDENTITY = { service: 'source', version: '1.2.3' };

describe('service runtime > metrics', () => {
  it("a service's registry holds the Node.js process metrics and kbinlog_build_info", async () => {
    const exposition = await serviceRegistry(IDENTITY).metrics();
    expect(exposition).toContain('# TYPE process_cpu_seconds_total counter');
    expect(exposition).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
    expect(exposition).toContain('kbinlog_build_info{service="source",version="1.2.3"} 1');
  });

  it('two registries are independent: the same metric registers in both and counts apart', async () => {
    const [one, two] = [serviceRegistry(IDENTITY), serviceRegistry(IDENTITY)];
    const counters = [one, two].map((registry) => new Counter({ name: 'kbinlog_test_total', help: 'test', registers: [registry] }));
    counters[0].inc(3);
    expect(await one.metrics()).toContain('kbinlog_test_total 3');
    expect(await two.metrics()).toContain('kbinlog_test_total 0');
  });

  it('GET /metrics answers the exposition with the registry content type', async () => {
    const registry = serviceRegistry(IDENTITY);
    const sent = { headers: new Map<string, string>(), body: '' };
    await new MetricsController(registry).metrics({ setHeader: (name, value) => sent.headers.set(name, value), end: (body) => void (sent.body = body) });
    expect(sent.headers.get('Content-Type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(sent.body).toContain('kbinlog_build_info{service="source",version="1.2.3"} 1');
  });

  it('CounterPairs counts each pair that occurred, read when scraped', async () => {
    const registry = new Registry();
    const pairs = new CounterPairs<string, string>(registry, { name: 'kbinlog_pairs_total', help: 'test', labelNames: ['command', 'result'] });
    expect(await registry.metrics()).not.toContain('kbinlog_pairs_total{');
    for (let n = 0; n < 5; n++) pairs.inc('set', 'stored');
    pairs.inc('set', 'not_stored');
    pairs.inc('get', 'hit');
    let exposition = await registry.metrics();
    expect(exposition).toContain('# TYPE kbinlog_pairs_total counter');
    expect(exposition).toContain('kbinlog_pairs_total{command="set",result="stored"} 5');
    expect(exposition).toContain('kbinlog_pairs_total{command="set",result="not_stored"} 1');
    expect(exposition).toContain('kbinlog_pairs_total{command="get",result="hit"} 1');
    pairs.inc('set', 'stored');
    exposition = await registry.metrics();
    expect(exposition).toContain('kbinlog_pairs_total{command="set",result="stored"} 6');
  });
});
