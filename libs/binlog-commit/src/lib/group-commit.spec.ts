import { type BinlogGroup, GtidSet } from '@kbinlog/binlog';
import type { BinlogTransaction, BinlogWriter } from '@kbinlog/binlog-kafka';
import { type AppliedPosition, type BatchPlace, MARIADB_DIALECT, TableCatalog } from '@kbinlog/node-store';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { BinlogCommitter, type CommitterOptions, type SessionTransaction, WriteRefusedError } from './binlog-committer';
import { CommitMetrics } from './commit-metrics';
import { type FaultInjection, NO_FAULTS, parseFaultInjection } from './fault-injection';

const UUID = '3e11fa47-71ca-11e1-9e33-c80aa9429562';
const START: AppliedPosition = { topic: 'kbinlog.unit.binlog', nextOffset: 0n, executedGtids: GtidSet.EMPTY, lastCommitTimeUs: 0 };

/** A Kafka writer in memory: offsets as Kafka gives them, a marker offset after each commit. */
class FakeWriter {
  readonly committed: BinlogGroup[][] = [];
  aborted = 0;
  private nextOffset = 0n;
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;

  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.open?.();
    this.gate = undefined;
  }

  async begin(): Promise<BinlogTransaction> {
    await this.gate;
    const appended: BinlogGroup[] = [];
    const appendAll = async (groups: readonly BinlogGroup[]) =>
      groups.map((group) => {
        appended.push(group);
        return this.nextOffset++;
      });
    return {
      appendAll,
      append: async (group) => (await appendAll([group]))[0],
      commit: async () => {
        this.committed.push(appended);
        this.nextOffset++;
      },
      abort: async () => {
        this.aborted++;
        this.nextOffset++;
      },
    };
  }
}

/** A heartbeat's own connection: enough of a query runner for writeAppliedPosition. */
function fakeDatabase(): DataSource {
  const runner = {
    isTransactionActive: false,
    connect: async () => undefined,
    startTransaction: async () => void (runner.isTransactionActive = true),
    commitTransaction: async () => void (runner.isTransactionActive = false),
    rollbackTransaction: async () => void (runner.isTransactionActive = false),
    release: async () => undefined,
    query: async () => ({ affected: 1 }),
    manager: {} as unknown,
  };
  runner.manager = { connection: { kbinlogDialect: MARIADB_DIALECT }, queryRunner: runner };
  return { kbinlogDialect: MARIADB_DIALECT, createQueryRunner: () => runner } as unknown as DataSource;
}

/** Lets the committer's queue take what queued so far. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Resolves once `count` commits are held (each waits for the test to let it complete). */
async function waitForCommits(held: ReadonlyMap<string, unknown>, count: number): Promise<void> {
  for (let turn = 0; held.size < count; turn++) {
    if (turn > 100) throw new Error(`only ${held.size} of ${count} commits started`);
    await nextTurn();
  }
}

interface Recorded {
  readonly name: string;
  position?: AppliedPosition;
  place?: BatchPlace;
}

describe('source > write path > group commit', () => {
  let writer: FakeWriter;
  let trail: string[];
  let fatal: string[];

  function committer(options: Partial<CommitterOptions> = {}, faults: FaultInjection = NO_FAULTS): BinlogCommitter {
    return new BinlogCommitter(
      fakeDatabase(),
      new TableCatalog(),
      writer as unknown as BinlogWriter,
      { serverUuid: UUID, serverId: 1 },
      START,
      {
        wBatchSize: 1,
        groupCommitMaxBatch: 64,
        groupCommitMaxWaitUs: 0,
        onFatal: (reason) => void fatal.push(reason),
        onFenced: () => undefined,
        ...options,
      },
      faults,
    );
  }

  /**
   * Commits `a` alone and, while its Kafka commit is held, queues `transactions`, which then
   * share the next batch; resolves once `a` committed, with the batch's commits.
   */
  async function batchAfterA(target: BinlogCommitter, transactions: readonly SessionTransaction[]): Promise<Promise<void>[]> {
    writer.hold();
    const first = target.commitSession(session('a'));
    await nextTurn();
    const batch = transactions.map((transaction) => target.commitSession(transaction));
    writer.release();
    await first;
    return batch;
  }

  function session(name: string): SessionTransaction & { recorded: Recorded } {
    const recorded: Recorded = { name };
    return {
      recorded,
      events: [],
      writePosition: async (position, place) => {
        recorded.position = position;
        recorded.place = place;
      },
      commit: async () => void trail.push(`commit ${name}`),
      rollback: async () => void trail.push(`rollback ${name}`),
    };
  }

  beforeEach(() => {
    writer = new FakeWriter();
    trail = [];
    fatal = [];
  });

  it('forms batches of at most the maximum from what queued, in queue order; a heartbeat ends a batch', async () => {
    const target = committer();
    writer.hold();
    const sessions = Array.from({ length: 73 }, (_, index) => session(`s${index + 1}`));
    const done: Promise<unknown>[] = [];
    // The first commit starts alone (nothing else queued yet) and waits on Kafka while the rest queue.
    done.push(target.commitSession(sessions[0]));
    await nextTurn();
    for (const transaction of sessions.slice(1, 70)) done.push(target.commitSession(transaction));
    done.push(target.heartbeat());
    for (const transaction of sessions.slice(70)) done.push(target.commitSession(transaction));
    writer.release();
    await Promise.all(done);

    expect(writer.committed.map((groups) => groups.length)).toEqual([1, 64, 5, 1, 3]);
    // Every transaction is its own group with its own GTID, in queue order (the heartbeat is the 71st).
    expect(writer.committed.flat().map((group) => group.gtid)).toEqual(Array.from({ length: 74 }, (_, index) => `${UUID}:${index + 1}`));
    expect([...trail].sort()).toEqual(sessions.map(({ recorded }) => `commit ${recorded.name}`).sort());
    // Lane = place in the batch, with the batch's first offset; each lane's position is the one
    // after its own group, its executed set the one before the batch and its own GTID.
    const second = sessions.slice(1, 65).map(({ recorded }) => recorded);
    // Offsets: batch 1 holds offset 0, its marker 1; batch 2's groups are 2..65.
    expect(second.map((recorded) => recorded.place)).toEqual(Array.from({ length: 64 }, (_, index) => ({ firstOffset: 2n, lane: index })));
    expect(second.map((recorded) => recorded.position?.nextOffset)).toEqual(Array.from({ length: 64 }, (_, index) => BigInt(index + 3)));
    expect(second.map((recorded) => recorded.position?.executedGtids.toString())).toEqual(
      Array.from({ length: 64 }, (_, index) => (index === 0 ? `${UUID}:1-2` : `${UUID}:1:${index + 2}`)),
    );
    expect(target.position.executedGtids.toString()).toBe(`${UUID}:1-74`);
    expect(target.position.nextOffset).toBe(78n);
  });

  it('measures each acknowledged commit, the groups of each Kafka transaction and the groups committed; a failed batch is no commit', async () => {
    const registry = new Registry();
    const target = committer({ metrics: new CommitMetrics(registry) }, parseFaultInjection('fail-log-commit@5'));
    await Promise.all(await batchAfterA(target, ['b', 'c', 'd'].map(session)));
    await target.heartbeat();
    const refused = await Promise.allSettled(await batchAfterA(target, ['e', 'f'].map(session)));
    expect(refused.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    // A series as Prometheus reads it from the exposition.
    const sample = async (series: string) => {
      const line = (await registry.metrics()).split('\n').find((candidate) => candidate.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.slice(series.length + 1));
    };
    // a; b, c and d in one transaction; the heartbeat; then a2 (the fault fails e and f's batch).
    expect(writer.committed.map((groups) => groups.length)).toEqual([1, 3, 1, 1]);
    expect(await sample('kbinlog_source_group_commit_groups_bucket{le="1"}')).toBe(3);
    expect(await sample('kbinlog_source_group_commit_groups_bucket{le="4"}')).toBe(4);
    expect(await sample('kbinlog_source_group_commit_groups_sum')).toBe(6);
    expect(await sample('kbinlog_source_binlog_groups_total')).toBe(6);
    // Five session commits acknowledged (a, b, c, d, and the second a); e and f were refused.
    expect(await sample('kbinlog_source_commit_duration_seconds_count{kind="transaction"}')).toBe(5);
    expect(await sample('kbinlog_source_commit_duration_seconds_count{kind="write"}')).toBe(0);
  });

  it('fails every write of a batch whose Kafka commit fails, rolls all back, and takes the next batch', async () => {
    const target = committer({}, parseFaultInjection('fail-log-commit@2'));
    const batch = await batchAfterA(target, ['b', 'c', 'd'].map(session));
    const outcomes = await Promise.allSettled(batch);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const outcome of outcomes) expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(WriteRefusedError);
    expect(trail).toEqual(['commit a', 'rollback b', 'rollback c', 'rollback d']);
    expect(writer.aborted).toBe(1);
    expect(fatal).toEqual([]);

    // The abort's outcome is known: the source stays up and the GTIDs continue from the log.
    await target.commitSession(session('e'));
    expect(writer.committed.map((groups) => groups.map((group) => group.gtid))).toEqual([[`${UUID}:1`], [`${UUID}:2`]]);
    expect(target.position.executedGtids.toString()).toBe(`${UUID}:1-2`);
  });

  it('commits a batch all at once: each client answered after its own commit, the position moved once all committed', async () => {
    const target = committer();
    const held = new Map<string, () => void>();
    const gated = (name: string) => ({
      ...session(name),
      commit: () => new Promise<void>((resolve) => held.set(name, () => (trail.push(`commit ${name}`), resolve()))),
    });
    const answered: string[] = [];
    const names = ['b', 'c', 'd'];
    const batch = (await batchAfterA(target, names.map(gated))).map((commit, index) => commit.then(() => void answered.push(names[index])));
    await waitForCommits(held, 3);
    const before = target.position;
    expect(before.nextOffset).toBe(1n);
    // Every commit of the batch is in flight before any completes.
    expect([...held.keys()].sort()).toEqual(['b', 'c', 'd']);
    held.get('c')?.();
    await nextTurn();
    expect(answered).toEqual(['c']);
    expect(target.position).toBe(before);
    held.get('d')?.();
    held.get('b')?.();
    await Promise.all(batch);
    expect(answered).toEqual(['c', 'd', 'b']);
    expect(target.position.nextOffset).toBe(5n);
    expect(target.position.executedGtids.toString()).toBe(`${UUID}:1-4`);
  });

  it('answers the commits that succeeded and refuses the one that failed after the Kafka commit, then stops', async () => {
    const target = committer();
    const failing = { ...session('c'), commit: async () => Promise.reject(new Error('connection lost')) };
    const batch = await batchAfterA(target, [session('b'), failing, session('d')]);
    const outcomes = await Promise.allSettled(batch);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(WriteRefusedError);
    expect(fatal).toEqual(['database commit failed after the binlog commit']);
    expect(trail).toEqual(['commit a', 'commit b', 'commit d', 'rollback c']);
    await expect(target.commitSession(session('e'))).rejects.toThrow('the store lags the binlog');
  });

  it('fail-session-commit refuses that commit only: the rest of the batch commits and the source stops', async () => {
    const target = committer({}, parseFaultInjection('fail-session-commit@3'));
    const batch = await batchAfterA(target, ['b', 'c', 'd'].map(session));
    // The third commit counted over batches is the second of this one.
    expect((await Promise.allSettled(batch)).map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(trail).toEqual(['commit a', 'commit b', 'commit d', 'rollback c']);
    expect(fatal).toEqual(['database commit failed after the binlog commit']);
  });

  it('with a maximum wait, a short batch waits for more commits and starts once it is full', async () => {
    // A wait far beyond the test's timeout: only a full batch can start it.
    const target = committer({ groupCommitMaxBatch: 3, groupCommitMaxWaitUs: 60_000_000 });
    const done = [target.commitSession(session('a'))];
    await Promise.resolve();
    done.push(target.commitSession(session('b')));
    await nextTurn();
    done.push(target.commitSession(session('c')));
    await Promise.all(done);
    expect(writer.committed.map((groups) => groups.length)).toEqual([3]);
  });
});
