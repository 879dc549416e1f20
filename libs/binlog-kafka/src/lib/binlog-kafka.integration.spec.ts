import { type BinlogGroup, formatGtid } from '@kbinlog/binlog';
import { deleteTestTopics, testInfra, testKafka, uniqueName, waitFor } from '@kbinlog/testing';
import type { Admin, Kafka } from 'kafkajs';
import { type FetchedRecord, BinlogReader } from './binlog-reader';
import { ensureBinlogTopic } from './binlog-topic';
import { BinlogWriter } from './binlog-writer';
import { logRange } from './log-range';

const UUID = '3e11fa47-71ca-11e1-9e33-c80aa9429562';
const SETTINGS = { retentionMs: -1, replicationFactor: 1, minInsyncReplicas: 1 };

function group(n: number): BinlogGroup {
  return {
    gtid: formatGtid({ serverUuid: UUID, transaction: BigInt(n) }),
    serverId: 1,
    commitTimeUs: Date.now() * 1000,
    events: [{ type: 'insert', schema: 'test', table: 'demo_test', after: { c1: `k${n}`, c2: `v${n}` } }],
  };
}

describe('binlog-kafka on the real broker', () => {
  const infra = testInfra();
  let kafka: Kafka;
  let admin: Admin;
  const topics: string[] = [];
  const cleanups: (() => Promise<void>)[] = [];

  async function freshTopic(): Promise<string> {
    const topic = uniqueName('kbinlog.it').replace(/-/g, '_');
    expect(await ensureBinlogTopic(admin, topic, SETTINGS)).toBe('created');
    topics.push(topic);
    return topic;
  }

  /** A reader from `from` on: what it relayed, and its fetch position. */
  async function fetchFrom(topic: string, from: bigint): Promise<{ fetched: FetchedRecord[]; position: () => bigint }> {
    const fetched: FetchedRecord[] = [];
    let position = from;
    const reader = new BinlogReader(kafka, topic, uniqueName('kbinlog.it.replica'));
    cleanups.push(() => reader.stop());
    await reader.start(from, {
      onRecords: async (records) => void fetched.push(...records),
      onFetched: (nextOffset) => {
        position = nextOffset;
      },
      onStopped: (error) => {
        throw error;
      },
    });
    return { fetched, position: () => position };
  }

  async function connectedWriter(topic: string, transactionalId = uniqueName('writer')): Promise<BinlogWriter> {
    const writer = new BinlogWriter(kafka, topic, transactionalId);
    await writer.connect();
    cleanups.push(() => writer.disconnect());
    return writer;
  }

  beforeAll(async () => {
    kafka = testKafka(infra);
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    if (topics.length > 0) await deleteTestTopics(infra, topics);
    await admin.disconnect();
  });

  it('creates the topic with one partition, delete policy and retention, and accepts it on a second call', async () => {
    const topic = await freshTopic();
    expect(await ensureBinlogTopic(admin, topic, SETTINGS)).toBe('exists');
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2, name: topic, configNames: ['cleanup.policy', 'retention.ms', 'min.insync.replicas'] }],
    });
    const config = Object.fromEntries(resources[0].configEntries.map((entry) => [entry.configName, entry.configValue]));
    expect(config).toEqual({ 'cleanup.policy': 'delete', 'retention.ms': '-1', 'min.insync.replicas': '1' });
  });

  it('refuses an existing topic with more than one partition or compaction', async () => {
    const wide = uniqueName('kbinlog.wide');
    const compacted = uniqueName('kbinlog.compacted');
    await admin.createTopics({
      topics: [
        { topic: wide, numPartitions: 2, replicationFactor: 1 },
        { topic: compacted, numPartitions: 1, replicationFactor: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
      ],
    });
    topics.push(wide, compacted);
    await expect(ensureBinlogTopic(admin, wide, SETTINGS)).rejects.toThrow(/has 2 partitions; it must have exactly 1/);
    await expect(ensureBinlogTopic(admin, compacted, SETTINGS)).rejects.toThrow(/cleanup.policy=compact/);
  });

  it('appends groups whose offsets the reader sees, and reports the fetch position up to the log end', async () => {
    const topic = await freshTopic();
    const writer = await connectedWriter(topic);
    const offsets: bigint[] = [];
    for (const n of [1, 2, 3]) {
      const transaction = await writer.begin();
      offsets.push(await transaction.append(group(n)));
      await transaction.commit();
    }
    const aborted = await writer.begin();
    await aborted.append(group(99));
    await aborted.abort();
    const { start, end } = await logRange(admin, topic);
    expect(start).toBe(0n);
    expect(end).toBeGreaterThan(offsets[2] + 1n);

    const { fetched, position } = await fetchFrom(topic, offsets[1]);
    await waitFor(() => position() >= end, { description: `fetch position to reach the log end ${end}`, timeoutMs: 30_000 });

    // Started at the second group's offset: the first is skipped, the aborted one never shows.
    expect(fetched.map((record) => record.offset)).toEqual([offsets[1], offsets[2]]);
    expect(fetched.map((record) => ('group' in record ? record.group.gtid : 'error'))).toEqual([`${UUID}:2`, `${UUID}:3`]);
  });

  it('appends many groups in one request, in order, at the offsets it returns', async () => {
    const topic = await freshTopic();
    const writer = await connectedWriter(topic);
    const transaction = await writer.begin();
    const offsets = await transaction.appendAll([group(1), group(2), group(3)]);
    await transaction.commit();
    expect(offsets).toEqual([offsets[0], offsets[0] + 1n, offsets[0] + 2n]);

    const { fetched } = await fetchFrom(topic, 0n);
    await waitFor(() => fetched.length >= 3, { description: 'the three groups', timeoutMs: 30_000 });
    expect(fetched.map((record) => [record.offset, 'group' in record ? record.group.gtid : 'error'])).toEqual([
      [offsets[0], `${UUID}:1`],
      [offsets[1], `${UUID}:2`],
      [offsets[2], `${UUID}:3`],
    ]);
  });

  it('hands a malformed record to the caller as an error naming its position', async () => {
    const topic = await freshTopic();
    const producer = kafka.producer();
    await producer.connect();
    const [{ baseOffset }] = await producer.send({ topic, messages: [{ key: 'junk', value: '{"format":9}' }] });
    await producer.disconnect();

    const { fetched } = await fetchFrom(topic, 0n);
    const [record] = await waitFor(() => fetched.length > 0 && fetched, { description: 'the malformed record', timeoutMs: 30_000 });
    expect('error' in record && record.error.message).toBe(
      `malformed binlog group at ${topic}-0:${baseOffset}: unknown format version 9; this reader knows 1`,
    );
  });

  it('fences the previous writer as soon as a new one connects', async () => {
    const topic = await freshTopic();
    const transactionalId = uniqueName('kbinlog.it.writer');
    const old = await connectedWriter(topic, transactionalId);
    const open = await old.begin();
    await open.append(group(1));
    await connectedWriter(topic, transactionalId);
    await expect(open.commit()).rejects.toThrow(/epoch|fenced/i);
  });
});
