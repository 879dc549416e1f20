/**
 * The Kafka behaviour kbinlog's invariants stand on, proven against the real broker:
 * transactional publish + read_committed reads (invariants 2 and 5), fencing by
 * transactional.id (invariant 3), and offsets that are positions, not counts (invariant 7).
 */
import type { Kafka, Producer } from 'kafkajs';
import { createTestTopic, deleteTestTopics, readTopic, testKafka, uniqueName } from '../lib/kafka';
import { testInfra } from '../lib/start-test-infra';

describe('Kafka transactions on the real broker', () => {
  const infra = testInfra();
  let kafka: Kafka;
  const topics: string[] = [];
  const producers: Producer[] = [];

  async function transactionalProducer(transactionalId: string): Promise<Producer> {
    const producer = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
    producers.push(producer);
    await producer.connect();
    return producer;
  }

  async function freshTopic(): Promise<string> {
    const topic = await createTestTopic(infra, 'tx');
    topics.push(topic);
    return topic;
  }

  beforeAll(() => {
    kafka = testKafka(infra);
  });

  afterAll(async () => {
    await Promise.all(producers.map((producer) => producer.disconnect()));
    if (topics.length > 0) await deleteTestTopics(infra, topics);
  });

  it('a read_committed consumer sees a committed transaction, in order', async () => {
    const topic = await freshTopic();
    const producer = await transactionalProducer(uniqueName('writer'));
    const transaction = await producer.transaction();
    await transaction.send({ topic, messages: [1, 2, 3].map((n) => ({ key: `k${n}`, value: `v${n}` })) });
    await transaction.commit();

    const records = await readTopic(infra, topic, { until: (read) => read.length >= 3 });
    expect(records.map((record) => record.value)).toEqual(['v1', 'v2', 'v3']);
  });

  it('never shows an aborted transaction to read_committed, though the records are in the log', async () => {
    const topic = await freshTopic();
    const producer = await transactionalProducer(uniqueName('writer'));
    const aborted = await producer.transaction();
    await aborted.send({ topic, messages: [{ value: 'aborted-1' }, { value: 'aborted-2' }] });
    await aborted.abort();
    const committed = await producer.transaction();
    await committed.send({ topic, messages: [{ value: 'committed' }] });
    await committed.commit();

    const committedView = await readTopic(infra, topic, { until: (read) => read.some((record) => record.value === 'committed') });
    expect(committedView.map((record) => record.value)).toEqual(['committed']);

    const uncommittedView = await readTopic(infra, topic, {
      isolation: 'read_uncommitted',
      until: (read) => read.some((record) => record.value === 'committed'),
    });
    expect(uncommittedView.map((record) => record.value)).toEqual(['aborted-1', 'aborted-2', 'committed']);
  });

  it('fences the first producer when a second calls initTransactions with the same transactional.id', async () => {
    const topic = await freshTopic();
    const transactionalId = uniqueName('kbinlog.test.writer');
    const oldWriter = await transactionalProducer(transactionalId);
    const open = await oldWriter.transaction();
    await open.send({ topic, messages: [{ value: 'from-old-writer' }] });

    // kafkajs runs InitProducerId (Java's initTransactions) at a producer's first transaction(),
    // not at connect: that call bumps the epoch, aborts the old writer's open transaction and
    // fences it. A promotion must therefore begin a transaction before it counts as the writer.
    const newWriter = await transactionalProducer(transactionalId);
    const transaction = await newWriter.transaction();

    await expect(open.commit()).rejects.toThrow(/epoch|fenced/i);

    await transaction.send({ topic, messages: [{ value: 'from-new-writer' }] });
    await transaction.commit();
    const records = await readTopic(infra, topic, { until: (read) => read.some((record) => record.value === 'from-new-writer') });
    expect(records.map((record) => record.value)).toEqual(['from-new-writer']);
  });

  it('leaves gaps between the offsets of consecutive committed records (commit markers)', async () => {
    const topic = await freshTopic();
    const producer = await transactionalProducer(uniqueName('writer'));
    for (const value of ['first', 'second', 'third']) {
      const transaction = await producer.transaction();
      await transaction.send({ topic, messages: [{ value }] });
      await transaction.commit();
    }

    const records = await readTopic(infra, topic, { until: (read) => read.length >= 3 });
    const offsets = records.map((record) => BigInt(record.offset));
    expect(records.map((record) => record.value)).toEqual(['first', 'second', 'third']);
    for (let i = 1; i < offsets.length; i++) {
      expect(offsets[i] - offsets[i - 1]).toBeGreaterThan(1n);
    }

    const admin = kafka.admin();
    await admin.connect();
    const [{ high }] = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    // Three records, yet the log end is past them: the last commit marker holds an offset too.
    expect(BigInt(high)).toBeGreaterThan(offsets[2] + 1n);
  });
});
