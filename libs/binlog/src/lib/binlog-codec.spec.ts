import type { BinlogGroup } from './binlog-group';
import { BinlogFormatError, decodeBinlogGroup, encodeBinlogGroup } from './binlog-codec';

const UUID = '3e11fa47-71ca-11e1-9e33-c80aa9429562';
const AT = 'kbinlog.demo.binlog-0:42';

const group: BinlogGroup = {
  gtid: `${UUID}:7`,
  serverId: 1,
  commitTimeUs: 1_764_000_000_123_456,
  events: [
    { type: 'insert', schema: 'test', table: 'demo_test', after: { c1: 'test1', c2: 't1', c3: '10', c4: '1', c5: '0' } },
    {
      type: 'update',
      schema: 'test',
      table: 'demo_test',
      before: { c1: 'AA', c2: 'HELLO, HELLO', c3: '8', c4: '0', c5: '0' },
      after: { c1: 'AA', c2: 'new', c3: '8', c4: '2', c5: null },
    },
    { type: 'delete', schema: 'test', table: 'demo_test', before: { c1: 'x', c2: null, c3: '0', c4: '3', c5: '0' } },
    { type: 'statement', schema: 'test', sql: 'TRUNCATE TABLE `test`.`demo_test`', tables: [{ schema: 'test', table: 'demo_test' }] },
  ],
};

function withValue(mutate: (json: Record<string, unknown>) => void): Buffer {
  const json = JSON.parse(encodeBinlogGroup(group).value.toString()) as Record<string, unknown>;
  mutate(json);
  return Buffer.from(JSON.stringify(json));
}

describe('binlog > codec', () => {
  it('round-trips a group with every event type', () => {
    const record = encodeBinlogGroup(group);
    expect(decodeBinlogGroup(record.value, AT)).toEqual(group);
  });

  it('keys the record by GTID and carries readable headers', () => {
    const record = encodeBinlogGroup(group);
    expect(record.key).toBe(`${UUID}:7`);
    expect(record.headers).toEqual({ format: '1', server_id: '1', events: '4' });
    expect(JSON.parse(record.value.toString())).toMatchObject({ format: 1, gtid: `${UUID}:7`, server_id: 1, commit_time_us: group.commitTimeUs });
  });

  it('keeps 64-bit values and NULL exact', () => {
    const big: BinlogGroup = {
      ...group,
      events: [{ type: 'insert', schema: 's', table: 't', after: { cas: '18446744073709551615', v: null } }],
    };
    expect(decodeBinlogGroup(encodeBinlogGroup(big).value, AT)).toEqual(big);
  });

  it.each<[string, Buffer | null, RegExp]>([
    ['null value', null, /empty record value/],
    ['empty value', Buffer.alloc(0), /empty record value/],
    ['not JSON', Buffer.from('{"format":1,'), /not JSON/],
    ['a JSON array', Buffer.from('[1]'), /not a JSON object/],
    ['binary garbage', Buffer.from([0xff, 0xfe, 0x00, 0x01]), /not JSON/],
    ['unknown version', withValue((json) => (json['format'] = 2)), /unknown format version 2; this reader knows 1/],
    ['missing version', withValue((json) => delete json['format']), /unknown format version undefined/],
    ['bad gtid', withValue((json) => (json['gtid'] = 'abc:1')), /gtid: expected <server_uuid>:<n>/],
    ['server_id 0', withValue((json) => (json['server_id'] = 0)), /server_id/],
    ['fractional time', withValue((json) => (json['commit_time_us'] = 1.5)), /commit_time_us/],
    ['unknown event type', withValue((json) => (json['events'] = [{ type: 'truncate', schema: 's' }])), /events\.0/],
    ['update without before', withValue((json) => (json['events'] = [{ type: 'update', schema: 's', table: 't', after: {} }])), /events\.0\.before/],
    ['numeric column value', withValue((json) => (json['events'] = [{ type: 'insert', schema: 's', table: 't', after: { c: 1 } }])), /events\.0\.after\.c/],
    ['extra field', withValue((json) => (json['extra'] = true)), /Unrecognized key/],
    ['a statement table without a name', withValue((json) => (json['events'] = [{ type: 'statement', schema: 's', sql: 'DROP TABLE t', tables: [{ schema: 's' }] }])), /events\.0\.tables\.0\.table/],
    ['empty statement', withValue((json) => (json['events'] = [{ type: 'statement', schema: 's', sql: '' }])), /events\.0\.sql/],
  ])('rejects %s, naming the position', (_name, value, reason) => {
    expect(() => decodeBinlogGroup(value, AT)).toThrow(BinlogFormatError);
    expect(() => decodeBinlogGroup(value, AT)).toThrow(`malformed binlog group at ${AT}`);
    expect(() => decodeBinlogGroup(value, AT)).toThrow(reason);
  });

  it('rejects a hostile, deeply nested value without crashing', () => {
    const deep = Buffer.from(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(() => decodeBinlogGroup(deep, AT)).toThrow(BinlogFormatError);
  });
});
