import { decodeTopologyRecord, encodeTopologyRecord, type NodeReport, type RecoveryRecord, type SourceAssignment, TopologyFormatError } from './topology-records';

const report: NodeReport = {
  kind: 'node',
  node: 'node-1',
  service: 'source',
  role: 'source',
  serverId: 1,
  serverUuid: '3e11fa47-71ca-11e1-9e33-c80aa9429562',
  promotionRule: 'neutral',
  httpUrl: 'http://127.0.0.1:8081',
  memcached: '127.0.0.1:11211',
  mysql: '127.0.0.1:3307',
  pod: null,
  appliedOffset: '1234',
  executedGtidSet: '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-12',
  appliedAgeMs: 240,
  ioRunning: false,
  sqlRunning: false,
  lastError: '',
  writable: true,
  startedAtMs: 1_700_000_000_000,
  reportedAtMs: 1_700_000_001_000,
};
const assignment: SourceAssignment = { kind: 'source', node: 'node-2', generation: 3, reason: 'failover', assignedAtMs: 1_700_000_002_000, by: 'coordinator-a' };
const recovery: RecoveryRecord = {
  kind: 'recovery',
  id: 'r-1',
  type: 'failover',
  from: 'node-1',
  to: 'node-2',
  state: 'done',
  startedAtMs: 1,
  endedAtMs: 2,
  acknowledged: false,
  detail: 'source dead: 3 checks failed, 2 replicas agree',
};

function roundTrip<T extends NodeReport | SourceAssignment | RecoveryRecord>(record: T): unknown {
  const { key, value } = encodeTopologyRecord(record);
  return decodeTopologyRecord(key, value);
}

describe('topology records', () => {
  it('round-trip each kind under its own key', () => {
    expect(encodeTopologyRecord(report).key).toBe('node/node-1');
    expect(encodeTopologyRecord(assignment).key).toBe('source');
    expect(encodeTopologyRecord(recovery).key).toBe('recovery');
    expect(roundTrip(report)).toEqual(report);
    expect(roundTrip(assignment)).toEqual(assignment);
    expect(roundTrip(recovery)).toEqual(recovery);
  });

  it('read an empty value as a tombstone', () => {
    expect(decodeTopologyRecord('node/node-1', null)).toBeNull();
    expect(decodeTopologyRecord('node/node-1', Buffer.alloc(0))).toBeNull();
  });

  it.each([
    ['not JSON', '{"format":1,', /not JSON/],
    ['an unknown format version', JSON.stringify({ format: 2, record: assignment }), /format/],
    ['an unknown kind', JSON.stringify({ format: 1, record: { ...assignment, kind: 'leader' } }), /kind/],
    ['a missing field', JSON.stringify({ format: 1, record: { ...assignment, generation: undefined } }), /generation/],
    ['an extra field', JSON.stringify({ format: 1, record: { ...assignment, epoch: 1 } }), /epoch|Unrecognized/],
    ['a generation of 0', JSON.stringify({ format: 1, record: { ...assignment, generation: 0 } }), /generation/],
    ['a non-numeric offset', JSON.stringify({ format: 1, record: { ...report, appliedOffset: '12a' } }), /appliedOffset/],
    ['an unknown role', JSON.stringify({ format: 1, record: { ...report, role: 'primary' } }), /role/],
    ['a hostile node name', JSON.stringify({ format: 1, record: { ...report, node: '../../etc' } }), /node/],
    ['a JSON array', '[]', /record|expected object/],
  ])('refuse %s', (_what, text, reason) => {
    const key = text.includes('"kind":"node"') ? 'node/node-1' : 'source';
    expect(() => decodeTopologyRecord(key, Buffer.from(text))).toThrow(TopologyFormatError);
    expect(() => decodeTopologyRecord(key, Buffer.from(text))).toThrow(reason);
  });

  it('refuse a record under another key, which compaction would let hide a different record', () => {
    const { value } = encodeTopologyRecord(assignment);
    expect(() => decodeTopologyRecord('node/node-2', value)).toThrow(/belongs under "source"/);
    const own = encodeTopologyRecord(report);
    expect(() => decodeTopologyRecord('node/node-9', own.value)).toThrow(/belongs under "node\/node-1"/);
  });

  it('refuse an oversized garbage value without crashing', () => {
    expect(() => decodeTopologyRecord('source', Buffer.alloc(1 << 20, 0x7b))).toThrow(TopologyFormatError);
  });
});
