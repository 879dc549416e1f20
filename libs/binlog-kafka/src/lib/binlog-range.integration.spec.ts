import { type BinlogGroup, formatGtid } from '@kbinlog/binlog';
import { deleteTestTopics, testInfra, testKafka, uniqueName } from '@kbinlog/testing';
import type { Admin, Kafka } from 'kafkajs';
import { readBinlogRange, type RangeGroup, type RangeQuery } from './binlog-range';
import { ensureBinlogTopic } from './binlog-topic';
import { BinlogWriter } from './binlog-writer';

const UUID = '3e11fa47-71ca-11e1-9e33-c80aa9429562';
const SETTINGS = { retentionMs: -1, replicationFactor: 1, minInsyncReplicas: 1 };
/** Commit times a minute apart, from an hour ago: time ranges fall between them. */
const BASE_US = (Date.now() - 3_600_000) * 1000;

function group(n: number): BinlogGroup {
  return {
    gtid: formatGtid({ serverUuid: UUID, transaction: BigInt(n) }),
    serverId: 1,
    commitTimeUs: BASE_US + n * 60_000_000,
    events: [{ type: 'insert', schema: 'test', table: 't', after: { id: String(n) } }],
  };
}

describe('reading a range of the binlog on the real broker', () => {
  const infra = testInfra();
  let kafka: Kafka;
  let admin: Admin;
  let topic: string;
  /** The offsets of groups 1..5; an aborted transaction sits between the second and the third. */
  const offsets: bigint[] = [];

  const read = async (query: RangeQuery, limit = Infinity): Promise<{ groups: RangeGroup[]; stoppedAt: bigint }> => {
    const groups: RangeGroup[] = [];
    const end = await readBinlogRange(kafka, topic, uniqueName('kbinlog.it.inspect'), { timeoutMs: 20_000, ...query }, (read) => {
      groups.push(read);
      return groups.length < limit;
    });
    return { groups, stoppedAt: end.stoppedAt };
  };
  const numbers = (groups: readonly RangeGroup[]) => groups.map((read) => Number(read.group.gtid.split(':')[1]));

  beforeAll(async () => {
    kafka = testKafka(infra);
    admin = kafka.admin();
    await admin.connect();
    topic = uniqueName('kbinlog.it.range').replace(/-/g, '_');
    await ensureBinlogTopic(admin, topic, SETTINGS);
    const writer = new BinlogWriter(kafka, topic, uniqueName('writer'));
    await writer.connect();
    try {
      for (let n = 1; n <= 5; n++) {
        if (n === 3) {
          const aborted = await writer.begin();
          await aborted.append(group(99));
          await aborted.abort();
        }
        const transaction = await writer.begin();
        offsets.push(await transaction.append(group(n)));
        await transaction.commit();
      }
    } finally {
      await writer.disconnect();
    }
  });

  afterAll(async () => {
    await deleteTestTopics(infra, [topic]).catch(() => undefined);
    await admin?.disconnect();
  });

  it('reads every committed group with its offset and the position after it, none of the aborted one', async () => {
    const { groups, stoppedAt } = await read({});
    expect(numbers(groups)).toEqual([1, 2, 3, 4, 5]);
    expect(groups.map((read) => [read.offset, read.nextOffset])).toEqual(offsets.map((offset) => [offset, offset + 1n]));
    expect(stoppedAt).toBeGreaterThan(offsets[4]);
  });

  it('reads from an offset, to an offset, and stops at a limit', async () => {
    expect(numbers((await read({ fromOffset: offsets[1] })).groups)).toEqual([2, 3, 4, 5]);
    expect(numbers((await read({ fromOffset: offsets[1], toOffset: offsets[3] })).groups)).toEqual([2, 3]);
    // From a marker's offset on: the next group.
    expect(numbers((await read({ fromOffset: offsets[0] + 1n })).groups)).toEqual([2, 3, 4, 5]);
    expect(numbers((await read({}, 2)).groups)).toEqual([1, 2]);
  });

  it('reads between commit times as mysqlbinlog --start-datetime / --stop-datetime do', async () => {
    const at = (n: number) => BASE_US + n * 60_000_000;
    expect(numbers((await read({ startTimeUs: at(2), stopTimeUs: at(4) })).groups)).toEqual([2, 3]);
    expect(numbers((await read({ startTimeUs: at(4) - 1 })).groups)).toEqual([4, 5]);
    expect(numbers((await read({ stopTimeUs: at(1) })).groups)).toEqual([]);
  });

  it('refuses an offset outside the log, and answers nothing at its end', async () => {
    const { groups: all, stoppedAt } = await read({});
    expect(all).toHaveLength(5);
    await expect(read({ fromOffset: stoppedAt + 100n })).rejects.toThrow(/outside the binlog, which holds offsets 0 to/);
    const end = await readBinlogRange(kafka, topic, uniqueName('kbinlog.it.inspect'), { fromOffset: stoppedAt }, () => true);
    expect(end.stoppedAt).toBe(stoppedAt);
  });

  it('stops with an error naming the offset of a record that does not decode', async () => {
    const producer = kafka.producer();
    await producer.connect();
    const [{ baseOffset }] = await producer.send({ topic, messages: [{ key: 'x', value: Buffer.from('{"format":1,"gtid":') }] });
    await producer.disconnect();
    await expect(read({ fromOffset: offsets[4] })).rejects.toThrow(new RegExp(`malformed binlog group at ${topic}-0:${baseOffset}`));
  });
});
