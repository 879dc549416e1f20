import { deleteTestTopics, testInfra, testKafka, uniqueName, waitFor } from '@kbinlog/testing';
import type { Admin, Kafka } from 'kafkajs';
import { NodeAnnouncer } from './node-announcer';
import type { NodeReport, RecoveryRecord, SourceAssignment } from './topology-records';
import { ensureTopologyTopic } from './topology-topic';
import { TopologyView } from './topology-view';
import { isFencedError } from '@kbinlog/binlog-kafka';
import { TopologyWriter } from './topology-writer';

function nodeReport(node: string, fields: Partial<NodeReport> = {}): NodeReport {
  const now = Date.now();
  return {
    kind: 'node', node, service: 'source', role: 'replica', serverId: 7, serverUuid: `uuid-${node}`, promotionRule: 'neutral', httpUrl: 'http://127.0.0.1:8082',
    memcached: null, mysql: null, pod: null, appliedOffset: '5', executedGtidSet: '', appliedAgeMs: 10, ioRunning: true, sqlRunning: true, lastError: '', writable: false,
    startedAtMs: now, reportedAtMs: now, ...fields,
  };
}

const assignment = (node: string, generation: number): SourceAssignment => ({ kind: 'source', node, generation, reason: 'failover', assignedAtMs: Date.now(), by: 'it' });
const recovery: RecoveryRecord = { kind: 'recovery', id: 'r1', type: 'failover', from: 'n1', to: 'n2', state: 'started', startedAtMs: 1, endedAtMs: null, acknowledged: false, detail: '' };

describe('topology on the real broker', () => {
  const infra = testInfra();
  const quiet = { warn: () => undefined };
  let kafka: Kafka;
  let admin: Admin;
  const topics: string[] = [];
  const cleanups: (() => Promise<void>)[] = [];

  async function freshTopic(): Promise<string> {
    const topic = uniqueName('kbinlog.it.topology');
    expect(await ensureTopologyTopic(admin, topic, 1)).toBe('created');
    topics.push(topic);
    return topic;
  }

  async function startedView(topic: string, warnings: Record<string, unknown>[] = []): Promise<TopologyView> {
    const view = new TopologyView(kafka, topic, { warn: (fields) => void warnings.push(fields) });
    await view.start();
    cleanups.push(() => view.stop());
    return view;
  }

  async function started(announcer: NodeAnnouncer): Promise<NodeAnnouncer> {
    await announcer.start();
    cleanups.push(() => announcer.stop());
    return announcer;
  }

  beforeAll(async () => {
    kafka = testKafka(infra);
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    if (topics.length > 0) await deleteTestTopics(infra, topics);
    await admin.disconnect();
  });

  it('knows at start every node report, the assignment and the recovery already on the topic, and follows later ones', async () => {
    const topic = await freshTopic();
    let n1 = nodeReport('n1', { role: 'source', appliedOffset: '40' });
    const announcer = await started(new NodeAnnouncer(kafka, topic, () => n1, 60_000, quiet));
    await started(new NodeAnnouncer(kafka, topic, () => nodeReport('n2'), 60_000, quiet));
    const writer = new TopologyWriter(kafka, topic, uniqueName('coordinator'));
    await writer.connect();
    cleanups.push(() => writer.disconnect());
    await writer.write(assignment('n1', 1), recovery);

    const view = await startedView(topic);
    expect([...view.nodes.keys()].sort()).toEqual(['n1', 'n2']);
    expect(view.nodes.get('n1')).toEqual(n1);
    expect(view.source).toMatchObject({ node: 'n1', generation: 1 });
    expect(view.recovery).toEqual(recovery);

    n1 = { ...n1, appliedOffset: '41' };
    await announcer.announce();
    await writer.write(assignment('n2', 2));
    await view.waitFor((seen) => seen.nodes.get('n1')?.appliedOffset === '41' && seen.source?.generation === 2, 10_000, 'the later records');
    await view.catchUp(10_000);
    expect(view.source?.node).toBe('n2');
  });

  it('skips a malformed record and keeps reading the rest', async () => {
    const topic = await freshTopic();
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({ topic, messages: [{ key: 'node/bad', value: '{"format":1,"record":{"kind":"node"}}' }, { key: 'node/n3', value: 'not json' }] });
    } finally {
      await producer.disconnect();
    }
    await started(new NodeAnnouncer(kafka, topic, () => nodeReport('n4'), 60_000, quiet));
    const warnings: Record<string, unknown>[] = [];
    const view = await startedView(topic, warnings);
    expect([...view.nodes.keys()]).toEqual(['n4']);
    expect(warnings.map((entry) => [entry['event'], entry['key']])).toEqual([['topology.bad_record', 'node/bad'], ['topology.bad_record', 'node/n3']]);
  });

  it('fences the first writer once a second one connects under the same transactional.id', async () => {
    const topic = await freshTopic();
    const id = uniqueName('coordinator');
    const first = new TopologyWriter(kafka, topic, id);
    await first.connect();
    cleanups.push(() => first.disconnect());
    await first.write(assignment('n1', 1));
    const second = new TopologyWriter(kafka, topic, id);
    await second.connect();
    cleanups.push(() => second.disconnect());
    const refused = await first.write(assignment('n9', 9)).then(() => undefined, (error: unknown) => error);
    expect(refused).toBeDefined();
    expect(isFencedError(refused)).toBe(true);
    await second.write(assignment('n2', 2));
    const view = await startedView(topic);
    await waitFor(() => view.source?.generation === 2, { description: 'the second writer\'s assignment', timeoutMs: 10_000 });
    expect(view.source?.node).toBe('n2');
  });
});
