/**
 * GTIDs as MySQL writes them: `<server_uuid>:<transaction number>`, numbers from 1, and GTID
 * sets as `<uuid>:1-5:7,<uuid2>:1-3` (intervals inclusive, uuids sorted, as SHOW REPLICA STATUS
 * prints Executed_Gtid_Set).
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_TRANSACTION = (1n << 63n) - 1n;

export interface Gtid {
  readonly serverUuid: string;
  readonly transaction: bigint;
}

export class InvalidGtidError extends Error {
  constructor(readonly input: string, reason: string) {
    super(`invalid GTID "${input}": ${reason}`);
    this.name = 'InvalidGtidError';
  }
}

export function isServerUuid(text: string): boolean {
  return UUID.test(text);
}

function parseTransactionNumber(input: string, text: string): bigint {
  if (!/^\d{1,19}$/.test(text)) throw new InvalidGtidError(input, `"${text}" is not a transaction number`);
  const value = BigInt(text);
  if (value < 1n || value > MAX_TRANSACTION) throw new InvalidGtidError(input, 'transaction numbers run from 1 to 2^63-1');
  return value;
}

export function parseGtid(input: string): Gtid {
  const colon = input.lastIndexOf(':');
  const serverUuid = input.slice(0, colon);
  if (colon < 0 || !isServerUuid(serverUuid)) {
    throw new InvalidGtidError(input, 'expected <server_uuid>:<number> with a lowercase server_uuid');
  }
  return { serverUuid, transaction: parseTransactionNumber(input, input.slice(colon + 1)) };
}

export function formatGtid(gtid: Gtid): string {
  return `${gtid.serverUuid}:${gtid.transaction}`;
}

type Interval = [start: bigint, end: bigint];

/** A set of GTIDs, kept as sorted, merged intervals per server_uuid. Immutable. */
export class GtidSet {
  private constructor(private readonly intervals: ReadonlyMap<string, readonly Interval[]>) {}

  static readonly EMPTY = new GtidSet(new Map());

  static parse(input: string): GtidSet {
    let set = GtidSet.EMPTY;
    const text = input.replace(/\s+/g, '');
    if (text === '') return set;
    for (const member of text.split(',')) {
      const [serverUuid, ...ranges] = member.split(':');
      if (!isServerUuid(serverUuid) || ranges.length === 0) {
        throw new InvalidGtidError(input, `"${member}" is not <server_uuid>:<interval>[:<interval>…]`);
      }
      for (const range of ranges) {
        const [first, last = first, ...rest] = range.split('-');
        if (rest.length > 0) throw new InvalidGtidError(input, `"${range}" is not an interval`);
        const start = parseTransactionNumber(input, first);
        const end = parseTransactionNumber(input, last);
        if (end < start) throw new InvalidGtidError(input, `interval "${range}" runs backwards`);
        set = set.addInterval(serverUuid, [start, end]);
      }
    }
    return set;
  }

  add(gtid: Gtid): GtidSet {
    const intervals = this.intervals.get(gtid.serverUuid);
    const last = intervals?.[intervals.length - 1];
    if (intervals && last && gtid.transaction === last[1] + 1n) {
      // A server's next transaction, what replication adds nearly always: extend its last interval.
      const extended = new Map(this.intervals);
      extended.set(gtid.serverUuid, [...intervals.slice(0, -1), [last[0], gtid.transaction]]);
      return new GtidSet(extended);
    }
    return this.addInterval(gtid.serverUuid, [gtid.transaction, gtid.transaction]);
  }

  /** Every GTID of this set or of `other`. */
  union(other: GtidSet): GtidSet {
    const members = [...other.intervals].flatMap(([serverUuid, intervals]) => intervals.map((interval) => [serverUuid, interval] as const));
    return members.reduce<GtidSet>((set, [serverUuid, interval]) => set.addInterval(serverUuid, interval), this);
  }

  contains(gtid: Gtid): boolean {
    return (this.intervals.get(gtid.serverUuid) ?? []).some(([start, end]) => start <= gtid.transaction && gtid.transaction <= end);
  }

  /** Every GTID of `other` is in this set (MySQL's GTID_SUBSET(other, this)). */
  includes(other: GtidSet): boolean {
    for (const [serverUuid, intervals] of other.intervals) {
      const mine = this.intervals.get(serverUuid) ?? [];
      // Both lists are sorted and merged: each interval of `other` must lie inside one of ours.
      if (!intervals.every(([start, end]) => mine.some(([from, to]) => from <= start && end <= to))) return false;
    }
    return true;
  }

  /** The highest transaction number of a server in the set, 0n if none. */
  lastTransaction(serverUuid: string): bigint {
    const intervals = this.intervals.get(serverUuid);
    return intervals && intervals.length > 0 ? intervals[intervals.length - 1][1] : 0n;
  }

  isEmpty(): boolean {
    return this.intervals.size === 0;
  }

  toString(): string {
    return [...this.intervals.keys()]
      .sort()
      .map((uuid) => {
        const ranges = (this.intervals.get(uuid) ?? []).map(([start, end]) => (start === end ? `${start}` : `${start}-${end}`));
        return `${uuid}:${ranges.join(':')}`;
      })
      .join(',');
  }

  private addInterval(serverUuid: string, [start, end]: Interval): GtidSet {
    const merged: Interval[] = [];
    let current: Interval = [start, end];
    for (const interval of this.intervals.get(serverUuid) ?? []) {
      if (interval[1] + 1n < current[0] || current[1] + 1n < interval[0]) {
        merged.push(interval);
      } else {
        current = [interval[0] < current[0] ? interval[0] : current[0], interval[1] > current[1] ? interval[1] : current[1]];
      }
    }
    merged.push(current);
    merged.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const intervals = new Map(this.intervals);
    intervals.set(serverUuid, merged);
    return new GtidSet(intervals);
  }
}
