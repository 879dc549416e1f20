import { type BinlogGroup, GtidSet } from '@kbinlog/binlog';
import type { BinlogTransaction, BinlogWriter } from '@kbinlog/binlog-kafka';
import { type AppliedPosition, MARIADB_DIALECT, TableCatalog } from '@kbinlog/node-store';
import type { DataSource } from 'typeorm';
import { BinlogCommitter, type CommitterOptions, type SessionTransaction, WriteRefusedError } from './binlog-committer';
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

interface Recorded {
  readonly name: string;
  position?: AppliedPosition;
  lane?: number;
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

  function session(name: string): SessionTransaction & { recorded: Recorded } {
    const recorded: Recorded = { name };
    return {
      recorded,
      events: [],
      writePosition: async (position, lane) => {
        recorded.position = position;
        recorded.lane = lane;
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
    expect(trail).toEqual(sessions.map(({ recorded }) => `commit ${recorded.name}`));
    // Lane = place in the batch; each lane's position is the one after its own group.
    const second = sessions.slice(1, 65).map(({ recorded }) => recorded);
    expect(second.map((recorded) => recorded.lane)).toEqual(Array.from({ length: 64 }, (_, index) => index));
    // Offsets: batch 1 holds offset 0, its marker 1; batch 2's groups are 2..65.
    expect(second.map((recorded) => recorded.position?.nextOffset)).toEqual(Array.from({ length: 64 }, (_, index) => BigInt(index + 3)));
    expect(second[63].position?.executedGtids.toString()).toBe(`${UUID}:1-65`);
    expect(second[0].position?.executedGtids.toString()).toBe(`${UUID}:1-2`);
    expect(target.position.executedGtids.toString()).toBe(`${UUID}:1-74`);
  });

  it('fails every write of a batch whose Kafka commit fails, rolls all back, and takes the next batch', async () => {
    const target = committer({}, parseFaultInjection('fail-log-commit@2'));
    writer.hold();
    const first = target.commitSession(session('a'));
    await nextTurn();
    const batch = ['b', 'c', 'd'].map((name) => target.commitSession(session(name)));
    writer.release();
    await first;
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

  it('stops at the first database commit that fails after the Kafka commit: earlier ones answered, the rest refused', async () => {
    const target = committer();
    writer.hold();
    const first = target.commitSession(session('a'));
    await nextTurn();
    const failing = { ...session('c'), commit: async () => Promise.reject(new Error('connection lost')) };
    const batch = [target.commitSession(session('b')), target.commitSession(failing), target.commitSession(session('d'))];
    writer.release();
    await first;
    expect((await Promise.allSettled(batch)).map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect(fatal).toEqual(['database commit failed after the binlog commit']);
    expect(trail).toEqual(['commit a', 'commit b', 'rollback c', 'rollback d']);
    await expect(target.commitSession(session('e'))).rejects.toThrow('the store lags the binlog');
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
