import { GtidSet } from '@kbinlog/binlog';
import { type AppliedPosition, type LaneRecord, recoverPosition } from './applier-position';

const UUID = '3e11fa47-71ca-11e1-9e33-c80aa9429562';
const TOPIC = 'kbinlog.unit.binlog';

function gtids(numbers: Iterable<number>): GtidSet {
  let set = GtidSet.EMPTY;
  for (const n of numbers) set = set.add({ serverUuid: UUID, transaction: BigInt(n) });
  return set;
}

/** A lane row: its batch's first offset, the offset of its own group, its executed set's GTIDs. */
function lane(batchFirstOffset: number, ownOffset: number, executed: readonly number[]): LaneRecord {
  return {
    batchFirstOffset: BigInt(batchFirstOffset),
    position: { topic: TOPIC, nextOffset: BigInt(ownOffset + 1), executedGtids: gtids(executed), lastCommitTimeUs: 1000 + ownOffset },
  };
}

function range(first: number, last: number): number[] {
  return Array.from({ length: last - first + 1 }, (_, index) => first + index);
}

describe('node-store > applier position > recovery', () => {
  it('starts at 0 with nothing executed when no lane was written', () => {
    expect(recoverPosition(TOPIC, [])).toEqual({ topic: TOPIC, nextOffset: 0n, executedGtids: GtidSet.EMPTY, lastCommitTimeUs: 0 });
  });

  it('reads a replica’s lane 0 as it is: the position after its last group', () => {
    const recovered = recoverPosition(TOPIC, [lane(41, 41, range(1, 30))]);
    expect(recovered.nextOffset).toBe(42n);
    expect(recovered.executedGtids.toString()).toBe(`${UUID}:1-30`);
    expect(recovered.lastCommitTimeUs).toBe(1041);
  });

  // A batch of five at offsets 4..8 (GTIDs 1..5, nothing executed before it, marker at 9), then
  // a batch of four at offsets 10..13 (GTIDs 6..9, marker at 14). Lane 4 is only the first's.
  const older = (index: number) => lane(4, 4 + index, [1 + index]);
  const stale = older(4);
  const member = (index: number) => lane(10, 10 + index, [...range(1, 5), 6 + index]);

  it('reads a batch that committed whole as the position after its last group, whatever older lanes hold', () => {
    const recovered = recoverPosition(TOPIC, [member(0), member(1), member(2), member(3), stale]);
    expect(recovered).toEqual<AppliedPosition>({ topic: TOPIC, nextOffset: 14n, executedGtids: gtids(range(1, 9)), lastCommitTimeUs: 1013 });
  });

  it('resumes at the first group a partly committed batch lacks, the later committed ones executed (the last lane committed, the second not)', () => {
    // Lane 1 never committed: it still holds the older batch's row.
    const recovered = recoverPosition(TOPIC, [member(0), older(1), member(2), member(3), stale]);
    expect(recovered.nextOffset).toBe(11n);
    expect(recovered.executedGtids.toString()).toBe(`${UUID}:1-6:8-9`);
    expect(recovered.lastCommitTimeUs).toBe(1013);
  });

  it('resumes at the batch’s first offset when its first transaction did not commit', () => {
    const recovered = recoverPosition(TOPIC, [older(0), member(1), older(2), member(3), stale]);
    expect(recovered.nextOffset).toBe(10n);
    expect(recovered.executedGtids.toString()).toBe(`${UUID}:1-5:7:9`);
    expect(recovered.lastCommitTimeUs).toBe(1013);
  });

  it('keeps the batch’s committed GTIDs after an applier re-wrote lane 0 while catching up, and crashed again', () => {
    // Recovered at 10 with 1-5:7:9 (above), the applier applied offset 10 (GTID 6) and skipped
    // offset 11 (GTID 7, executed), each a batch of one in lane 0; then the node crashed again.
    const recovered = recoverPosition(TOPIC, [lane(11, 11, [...range(1, 7), 9]), member(1), older(2), member(3), stale]);
    // Everything below 12 was applied; 12 (GTID 8) is the first group the store lacks.
    expect(recovered.nextOffset).toBe(12n);
    expect(recovered.executedGtids.toString()).toBe(`${UUID}:1-7:9`);
    expect(recovered.lastCommitTimeUs).toBe(1013);
  });

  it('reads a position set by hand as it is, even right after a row of its own offset', () => {
    // CHANGE REPLICATION SOURCE TO SOURCE_LOG_POS 7: a batch of none (first offset = next offset).
    const set: LaneRecord = { batchFirstOffset: 7n, position: { topic: TOPIC, nextOffset: 7n, executedGtids: gtids([1, 2]), lastCommitTimeUs: 5 } };
    expect(recoverPosition(TOPIC, [set]).nextOffset).toBe(7n);
    expect(recoverPosition(TOPIC, [set, lane(3, 7, [1])]).nextOffset).toBe(8n);
  });

  it('reads rows migrated from before parallel commits (each a batch of one) as the old rule did: the greatest lane', () => {
    // A committed prefix of lanes 0..2 (offsets 20..22), lane 3 from an older batch; chained sets.
    const migrated = [lane(20, 20, range(1, 11)), lane(21, 21, range(1, 12)), lane(22, 22, range(1, 13)), lane(17, 17, range(1, 10))];
    const recovered = recoverPosition(TOPIC, migrated);
    expect(recovered.nextOffset).toBe(23n);
    expect(recovered.executedGtids.toString()).toBe(`${UUID}:1-13`);
  });
});

/** A small deterministic PRNG (mulberry32): the same scenarios on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The source's and the applier's rules, in memory: batches commit any subset before a crash, the
 * restart recovers and catches up (and may crash again), and the store is checked against the
 * log at every recovery.
 */
class Cluster {
  private readonly log: { offset: bigint; gtid: number }[] = [];
  private nextFree = 0n;
  private readonly applied = new Set<number>();
  private readonly lanes = new Map<number, LaneRecord>();
  private position: AppliedPosition = { topic: TOPIC, nextOffset: 0n, executedGtids: GtidSet.EMPTY, lastCommitTimeUs: 0 };
  recoveries = 0;

  constructor(private readonly chance: () => number) {}

  /** One batch of `size`; true if the source crashed in it. */
  batch(size: number): boolean {
    const first = this.nextFree;
    const base = Number(this.position.executedGtids.lastTransaction(UUID));
    const members = range(0, size - 1).map((index) => ({ offset: first + BigInt(index), gtid: base + 1 + index }));
    this.nextFree = first + BigInt(size) + 1n; // the commit marker
    if (this.chance() < 0.1) return false; // aborted: its records never show, no row committed
    this.log.push(...members);
    const crash = this.chance() < 0.3;
    members.forEach(({ offset, gtid }, index) => {
      if (crash && this.chance() < 0.5) return;
      this.apply(gtid);
      this.lanes.set(index, {
        batchFirstOffset: first,
        position: { topic: TOPIC, nextOffset: offset + 1n, executedGtids: this.position.executedGtids.add(this.gtid(gtid)), lastCommitTimeUs: gtid },
      });
    });
    if (crash) return true;
    const last = members[members.length - 1];
    this.position = { topic: TOPIC, nextOffset: last.offset + 1n, executedGtids: members.reduce((set, { gtid }) => set.add(this.gtid(gtid)), this.position.executedGtids), lastCommitTimeUs: last.gtid };
    return false;
  }

  /** Restart: recover, check, catch up to the log end (crashing again now and then). */
  restart(): void {
    for (;;) {
      this.recoveries++;
      let position = recoverPosition(TOPIC, [...this.lanes.values()]);
      this.check(position);
      let crashed = false;
      for (const { offset, gtid } of this.log.filter((group) => group.offset >= position.nextOffset)) {
        if (this.chance() < 0.15) {
          crashed = true;
          break;
        }
        if (!position.executedGtids.contains(this.gtid(gtid))) this.apply(gtid);
        position = { topic: TOPIC, nextOffset: offset + 1n, executedGtids: position.executedGtids.add(this.gtid(gtid)), lastCommitTimeUs: gtid };
        this.lanes.set(0, { batchFirstOffset: offset, position });
      }
      if (!crashed) {
        this.position = position;
        return;
      }
    }
  }

  private check(recovered: AppliedPosition): void {
    expect(recovered.executedGtids.toString()).toBe(gtids(this.applied).toString());
    const below = this.log.filter(({ offset }) => offset < recovered.nextOffset);
    expect(below.filter(({ gtid }) => !this.applied.has(gtid))).toEqual([]);
    // No closer position would do: the first group from there on is one the store lacks.
    const from = this.log.find(({ offset }) => offset >= recovered.nextOffset);
    if (from) expect(this.applied.has(from.gtid)).toBe(false);
    const newest = this.log.filter(({ gtid }) => this.applied.has(gtid)).at(-1);
    if (newest) expect(recovered.lastCommitTimeUs).toBe(newest.gtid);
  }

  private apply(gtid: number): void {
    if (this.applied.has(gtid)) throw new Error(`GTID ${gtid} applied twice`);
    this.applied.add(gtid);
  }

  private gtid(n: number) {
    return { serverUuid: UUID, transaction: BigInt(n) };
  }
}

describe('node-store > applier position > recovery, over random crashes', () => {
  it.each(range(1, 40))('scenario %i: every recovery resumes at the first group the store lacks, with exactly the applied GTIDs', (seed) => {
    const chance = random(seed);
    const cluster = new Cluster(chance);
    for (let batch = 0; batch < 40; batch++) {
      if (cluster.batch(1 + Math.floor(chance() * 8))) cluster.restart();
    }
    cluster.restart();
    expect(cluster.recoveries).toBeGreaterThan(1);
  });
});
