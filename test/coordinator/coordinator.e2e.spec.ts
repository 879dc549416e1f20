/**
 * The coordinator as operators run it: its own process, reading the topology topic and electing
 * one leader among its instances through Kafka. Node roles (switchover, failover with real
 * nodes) are proven by the node service's end-to-end tests.
 */
import { getJson, type RunningService, startService, testInfra, testKafka, uniqueClusterName, waitFor } from '@kbinlog/testing';

interface Topology {
  cluster: string;
  coordinator: { id: string; leader: boolean };
  source: unknown;
  nodes: { node: string; role: string; healthy: boolean; consecutive_failures: number }[];
}

describe('coordinator process', () => {
  const infra = testInfra();
  const cluster = uniqueClusterName('coord');
  const running: RunningService[] = [];

  const start = async (id: string) => {
    const service = await startService('coordinator', ['--cluster', cluster, '--kafka-brokers', infra.kafka.brokers.join(','), '--coordinator-id', id, '--check-interval-ms', '200']);
    running.push(service);
    return service;
  };

  afterAll(async () => {
    for (const service of running) await service.stop('SIGKILL');
  });

  it('shows the node reports on the topology topic in GET /topology; GET /source is 404 before any assignment', async () => {
    const first = await start('c-a');
    const producer = testKafka(infra).producer();
    await producer.connect();
    const now = Date.now();
    const record = {
      kind: 'node', node: 'n1', service: 'source', role: 'replica', serverId: 2, serverUuid: 'uuid-n1', promotionRule: 'neutral', httpUrl: 'http://127.0.0.1:1',
      memcached: null, mysql: null, pod: null, appliedOffset: '0', executedGtidSet: '', appliedAgeMs: null, ioRunning: true, sqlRunning: true, lastError: '',
      writable: false, startedAtMs: now, reportedAtMs: now,
    };
    await producer.send({ topic: `kbinlog.${cluster}.topology`, messages: [{ key: 'node/n1', value: JSON.stringify({ format: 1, record }) }] });
    await producer.disconnect();
    const topology = await waitFor(async () => {
      const seen = await getJson<Topology>(`${first.httpUrl}/topology`);
      return seen.nodes.length === 1 && seen;
    }, { description: 'the node report in GET /topology', timeoutMs: 15_000 });
    expect(topology).toMatchObject({ cluster, source: null, nodes: [{ node: 'n1', role: 'replica' }] });
    const source = await fetch(`${first.httpUrl}/source`);
    expect(source.status).toBe(404);
    expect(source.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await source.json()).toMatchObject({ status: 404, title: 'No source' });
  });

  it('two processes elect one leader; a follower answers operations with 503; killing the leader makes the other lead', async () => {
    const second = await start('c-b');
    const leaders = async () => (await Promise.all(running.map(async (service) => ({ service, topology: await getJson<Topology>(`${service.httpUrl}/topology`) })))).filter((entry) => entry.topology.coordinator.leader);
    const [leader] = await waitFor(async () => {
      const found = await leaders();
      return found.length === 1 && found;
    }, { description: 'exactly one leader of two', timeoutMs: 30_000 });
    const follower = running.find((service) => service !== leader.service) ?? second;
    const refused = await fetch(`${follower.httpUrl}/recovery/ack`, { method: 'POST' });
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ title: 'Not the leader', status: 503 });

    await leader.service.stop('SIGKILL');
    running.splice(running.indexOf(leader.service), 1);
    await waitFor(async () => (await getJson<Topology>(`${follower.httpUrl}/topology`)).coordinator.leader, { description: 'the survivor to lead', timeoutMs: 20_000 });
  });
});
