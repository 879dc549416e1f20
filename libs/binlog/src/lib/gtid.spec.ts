import { formatGtid, GtidSet, InvalidGtidError, parseGtid } from './gtid';

const A = '3e11fa47-71ca-11e1-9e33-c80aa9429562';
const B = '0b11fa47-71ca-11e1-9e33-c80aa9429562';

describe('binlog > gtid', () => {
  it('tells whether a set includes another (GTID_SUBSET), interval by interval and server by server', () => {
    const set = GtidSet.parse(`${A}:1-10:20-30,${B}:5`);
    expect(set.includes(GtidSet.parse(`${A}:2-9:20`))).toBe(true);
    expect(set.includes(GtidSet.parse(`${A}:1-10,${B}:5`))).toBe(true);
    expect(set.includes(GtidSet.EMPTY)).toBe(true);
    expect(set.includes(GtidSet.parse(`${A}:10-20`))).toBe(false);
    expect(set.includes(GtidSet.parse(`${A}:31`))).toBe(false);
    expect(set.includes(GtidSet.parse(`${B}:4-5`))).toBe(false);
    expect(GtidSet.EMPTY.includes(GtidSet.parse(`${A}:1`))).toBe(false);
  });

  it('parses and formats <server_uuid>:<n>', () => {
    expect(parseGtid(`${A}:23`)).toEqual({ serverUuid: A, transaction: 23n });
    expect(formatGtid(parseGtid(`${A}:9223372036854775807`))).toBe(`${A}:9223372036854775807`);
  });

  it.each([`${A}:0`, `${A}:-1`, `${A}:`, `${A}`, 'not-a-uuid:1', `${A.toUpperCase()}:1`, `${A}:1x`, `${A}:9223372036854775808`, ''])(
    'rejects %j',
    (input) => {
      expect(() => parseGtid(input)).toThrow(InvalidGtidError);
    },
  );
});

describe('binlog > gtid > GtidSet', () => {
  it('merges adjacent and overlapping transactions into intervals', () => {
    let set = GtidSet.EMPTY;
    for (const n of [1, 2, 3, 5, 7, 6]) set = set.add({ serverUuid: A, transaction: BigInt(n) });
    expect(set.toString()).toBe(`${A}:1-3:5-7`);
    expect(set.add({ serverUuid: A, transaction: 4n }).toString()).toBe(`${A}:1-7`);
  });

  it('sorts servers and round-trips through parse', () => {
    const text = `${B}:1-10,${A}:1-3:5`;
    const set = GtidSet.parse(text);
    expect(set.toString()).toBe(`${B}:1-10,${A}:1-3:5`.split(',').sort().join(','));
    expect(GtidSet.parse(set.toString()).toString()).toBe(set.toString());
  });

  it('answers membership and the last transaction of a server', () => {
    const set = GtidSet.parse(`${A}:1-3:5`);
    expect(set.contains({ serverUuid: A, transaction: 2n })).toBe(true);
    expect(set.contains({ serverUuid: A, transaction: 4n })).toBe(false);
    expect(set.contains({ serverUuid: B, transaction: 1n })).toBe(false);
    expect(set.lastTransaction(A)).toBe(5n);
    expect(set.lastTransaction(B)).toBe(0n);
  });

  it('unites two sets, merging their intervals per server', () => {
    const left = GtidSet.parse(`${A}:1-3:7,${B}:2`);
    const right = GtidSet.parse(`${A}:4-5:9`);
    expect(left.union(right).toString()).toBe(`${B}:2,${A}:1-5:7:9`);
    expect(right.union(left).toString()).toBe(left.union(right).toString());
    expect(left.union(GtidSet.EMPTY).toString()).toBe(left.toString());
    expect(left.toString()).toBe(`${B}:2,${A}:1-3:7`);
  });

  it('is immutable', () => {
    const empty = GtidSet.EMPTY;
    empty.add({ serverUuid: A, transaction: 1n });
    expect(empty.isEmpty()).toBe(true);
    expect(GtidSet.parse('').isEmpty()).toBe(true);
  });

  it.each([`${A}`, `${A}:3-1`, `${A}:1-2-3`, `${A}:a`, `x:1`, `${A}:0-4`])('rejects %j', (input) => {
    expect(() => GtidSet.parse(input)).toThrow(InvalidGtidError);
  });
});
