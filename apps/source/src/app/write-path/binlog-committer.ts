import { type BinlogGroup, formatGtid, parseGtid, type RowEvent, type StatementEvent } from '@kbinlog/binlog';
import { type BinlogTransaction, type BinlogWriter, isFencedError } from '@kbinlog/binlog-kafka';
import { aloneAt, type AppliedPosition, applyGroup, type BatchPlace, dialectOf, positionAfter, type TableCatalog, writeAppliedPosition } from '@kbinlog/node-store';
import { performance } from 'node:perf_hooks';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { FaultInjection } from './fault-injection';
import { Permits } from './permits';

/** A write: runs inside the batch's database transaction, applying and returning its row events. */
export type RowWrite<T> = (manager: EntityManager) => Promise<{ readonly events: readonly RowEvent[]; readonly result: T }>;

export interface NodeIdentity {
  readonly serverUuid: string;
  readonly serverId: number;
}

/** Why a write was refused; the memcached edge maps it to SERVER_ERROR. */
export class WriteRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WriteRefusedError';
  }
}

/**
 * A transaction a SQL session ran on its own connection, ready to commit: its row events, and how
 * to write the position and commit or roll back on that connection.
 */
export interface SessionTransaction {
  readonly events: readonly RowEvent[];
  /** Records the position after this transaction's group at its place in the batch (see readAppliedPosition). */
  writePosition(position: AppliedPosition, place: BatchPlace): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

type Settle = { resolve: (value: unknown) => void; reject: (error: unknown) => void };
type Job =
  | ({ kind: 'rows'; write: RowWrite<unknown> } & Settle)
  | ({ kind: 'statement'; event: StatementEvent } & Settle)
  | ({ kind: 'session'; transaction: SessionTransaction } & Settle)
  | ({ kind: 'executed-statement'; event: StatementEvent } & Settle)
  | ({ kind: 'heartbeat' } & Settle);

export interface CommitterOptions {
  /**
   * daemon_memcached_w_batch_size: up to this many queued writes share one binlog group. With 1
   * on MariaDB, each write runs in its own transaction before it queues (see writeAlone); with
   * more, or on SQLite (one writer connection), the batch's writes run inside the queue, in one
   * transaction, and so wait there for row locks an open SQL transaction holds (until
   * innodb_lock_wait_timeout; SQLite has no SQL front door).
   */
  readonly wBatchSize: number;
  /**
   * Group commit: up to this many queued session commits (SQL transactions, and memcached writes
   * run alone) share one Kafka transaction, each still its own group.
   */
  readonly groupCommitMaxBatch: number;
  /**
   * How long a batch smaller than groupCommitMaxBatch waits for more commits before it starts
   * (binlog_group_commit_sync_delay); 0: a batch is what queued while the previous commit ran.
   */
  readonly groupCommitMaxWaitUs: number;
  /** Called when the outcome of a Kafka commit is unknown or the store lags the log: exit and recover. */
  readonly onFatal: (reason: string, error: unknown) => void;
  /**
   * Called once when Kafka fenced this writer (a newer one called initTransactions): nothing of
   * the failed write reached the log or the store, and the committer refuses every later write.
   */
  readonly onFenced: (error: unknown) => void;
  /** Called once a group's events are committed in the store, before its client hears of it. */
  readonly onStored?: (events: readonly (RowEvent | StatementEvent)[]) => void;
}

/** The refusal every write gets once a newer writer fenced this one. */
export const FENCED_REFUSAL = 'fenced: a newer source took over the binlog';

const ER_LOCK_DEADLOCK = 1213;
const ER_DUP_ENTRY = 1062;
const RETRIES = 5;

function nowUs(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

/**
 * The source's write path, in the order invariant 2 demands: run the writes in a database
 * transaction, append their binlog group in a Kafka transaction, record the new position in the
 * same database transaction, commit Kafka, then commit the database, and only then answer.
 *
 * A Kafka producer has one open transaction at a time, so writes are queued and taken in order;
 * with wBatchSize > 1 the writes waiting together share one transaction and one group.
 * When a Kafka commit's outcome is unknown (it failed, so it may or may not be in the log), or
 * the database commit fails after the log committed, the store may disagree with the log: the
 * committer stops and the process restarts, re-applying the log before it takes writes again.
 */
export class BinlogCommitter {
  private readonly queue: Job[] = [];
  private busy = false;
  private refusal: string | undefined;
  /**
   * Writes run alone each hold a pooled connection while they wait in the queue. At most a
   * batch of them at a time, so the pool (a batch plus spare connections, see SourceNode) always
   * has one left for the queue's own jobs (a heartbeat, a statement): with every connection
   * held by writes queued behind a heartbeat that waits for a connection, nothing would move.
   */
  private readonly aloneWrites: Permits;
  /** Pooled MariaDB connections whose session already runs READ COMMITTED (startReadCommitted). */
  private readonly readCommittedSessions = new WeakSet<object>();
  /** Wakes a batch waiting (groupCommitMaxWaitUs) once enough sessions queued. */
  private batchFull: (() => void) | undefined;

  constructor(
    private readonly database: DataSource,
    private readonly catalog: TableCatalog,
    private readonly writer: BinlogWriter,
    private readonly identity: NodeIdentity,
    private applied: AppliedPosition,
    private readonly options: CommitterOptions,
    private readonly faults: FaultInjection,
  ) {
    this.aloneWrites = new Permits(options.groupCommitMaxBatch);
  }

  get position(): AppliedPosition {
    return this.applied;
  }

  write<T>(write: RowWrite<T>): Promise<T> {
    // SQLite has one writer connection: its writes take turns inside the queue.
    if (this.options.wBatchSize === 1 && dialectOf(this.database).store === 'mariadb') return this.writeAlone(write);
    return new Promise<T>((resolve, reject) => this.enqueue({ kind: 'rows', write, resolve: resolve as (value: unknown) => void, reject }));
  }

  /**
   * One write in its own transaction, run before it queues for the log: it takes its row locks
   * outside the queue, so it never waits inside it for a lock that a SQL transaction holds while
   * that transaction's own commit waits behind it in the queue.
   */
  private async writeAlone<T>(write: RowWrite<T>): Promise<T> {
    await this.aloneWrites.acquire();
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.writeOnce(write);
        } catch (error) {
          // InnoDB's advice for a deadlock victim: run the transaction again. A duplicate key is
          // the same race on a missing key: a locking read of it takes no gap lock (READ
          // COMMITTED), so concurrent writers of a new key all insert and all but one fail; run
          // again, the read waits for the winner's row and sees it. A real duplicate (a second
          // unique key) fails every attempt and is answered with its own error.
          const errno = (error as { errno?: number }).errno;
          if (attempt >= RETRIES || (errno !== ER_LOCK_DEADLOCK && errno !== ER_DUP_ENTRY)) throw error;
        }
      }
    } finally {
      this.aloneWrites.release();
    }
  }

  private async writeOnce<T>(write: RowWrite<T>): Promise<T> {
    if (this.refusal) throw new WriteRefusedError(this.refusal);
    const runner = this.database.createQueryRunner();
    try {
      await runner.connect();
      await this.startReadCommitted(runner);
      let outcome: { readonly events: readonly RowEvent[]; readonly result: T };
      try {
        outcome = await write(runner.manager);
      } catch (error) {
        await runner.rollbackTransaction().catch(() => undefined);
        throw error;
      }
      if (outcome.events.length === 0) {
        await runner.commitTransaction();
        return outcome.result;
      }
      await this.commitSession({
        events: outcome.events,
        writePosition: (position, place) => writeAppliedPosition(runner.manager, position, place),
        commit: () => runner.commitTransaction(),
        rollback: () => runner.rollbackTransaction(),
      });
      return outcome.result;
    } finally {
      // Refused before it reached the queue's own rollback: never pool a connection mid-transaction.
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      await runner.release();
    }
  }

  /**
   * Starts a READ COMMITTED transaction: a locking read of a missing key takes no gap lock, so
   * concurrent writes of different new keys do not deadlock on the gap between them (row events
   * need no more). On MariaDB the level is set once per pooled connection, for its session, which
   * spares each write a round trip (SET TRANSACTION before every START TRANSACTION).
   */
  private async startReadCommitted(runner: QueryRunner): Promise<void> {
    if (dialectOf(this.database).store !== 'mariadb') return runner.startTransaction();
    const session = (runner as QueryRunner & { databaseConnection?: object }).databaseConnection;
    if (!session) return runner.startTransaction('READ COMMITTED');
    if (!this.readCommittedSessions.has(session)) {
      await runner.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
      this.readCommittedSessions.add(session);
    }
    await runner.startTransaction();
  }

  /** flush_all: a statement that commits implicitly, so it is logged first and then run. */
  statement(event: StatementEvent): Promise<void> {
    return new Promise<void>((resolve, reject) => this.enqueue({ kind: 'statement', event, resolve: resolve as (value: unknown) => void, reject }));
  }

  /** Commits a SQL session's transaction: log first, then its connection commits (invariant 2). */
  commitSession(transaction: SessionTransaction): Promise<void> {
    return new Promise<void>((resolve, reject) => this.enqueue({ kind: 'session', transaction, resolve: resolve as (value: unknown) => void, reject }));
  }

  /**
   * Logs DDL that already ran (DDL commits implicitly and cannot wait inside a Kafka
   * transaction for locks other transactions hold). The caller keeps SQL writes to the changed
   * tables paused until this resolves, so nothing that depends on the DDL is logged before it.
   */
  logExecutedStatement(event: StatementEvent): Promise<void> {
    return new Promise<void>((resolve, reject) => this.enqueue({ kind: 'executed-statement', event, resolve: resolve as (value: unknown) => void, reject }));
  }

  /**
   * Appends a heartbeat group (pt-heartbeat without a table): no events, its own GTID and commit
   * time, its position recorded like any group's. Queued, so it is ordered with the writes.
   */
  heartbeat(): Promise<void> {
    return new Promise<void>((resolve, reject) => this.enqueue({ kind: 'heartbeat', resolve: resolve as (value: unknown) => void, reject }));
  }

  /** True while a write or heartbeat waits in the queue or is being committed. */
  get idle(): boolean {
    return !this.busy && this.queue.length === 0;
  }

  /** Refuse every later write with `reason` (fenced, or shutting down). */
  refuse(reason: string): void {
    this.refusal = reason;
    for (const job of this.queue.splice(0)) this.refuseJob(job, reason);
  }

  /** A refused session transaction is rolled back too: its connection must not stay inside it. */
  private refuseJob(job: Job, reason: string): void {
    if (job.kind === 'session') void job.transaction.rollback().catch(() => undefined);
    job.reject(new WriteRefusedError(reason));
  }

  private enqueue(job: Job): void {
    if (this.refusal) {
      this.refuseJob(job, this.refusal);
      return;
    }
    this.queue.push(job);
    if (this.batchFull && this.sessionsAtHead() >= this.options.groupCommitMaxBatch) this.batchFull();
    void this.pump();
  }

  /** How many session commits wait at the head of the queue, up to the batch limit. */
  private sessionsAtHead(): number {
    const limit = Math.min(this.queue.length, this.options.groupCommitMaxBatch);
    let count = 0;
    while (count < limit && this.queue[count].kind === 'session') count++;
    return count;
  }

  /** With a maximum wait, a short batch waits for more commits to queue (or the wait to end). */
  private async waitForBatch(): Promise<void> {
    const waitMs = this.options.groupCommitMaxWaitUs / 1000;
    if (waitMs <= 0 || this.sessionsAtHead() >= this.options.groupCommitMaxBatch) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.batchFull?.(), waitMs);
      this.batchFull = () => {
        clearTimeout(timer);
        this.batchFull = undefined;
        resolve();
      };
    });
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.queue.length > 0 && !this.refusal) {
        const first = this.queue[0];
        if (first.kind === 'statement') {
          this.queue.shift();
          await this.commitStatement(first);
        } else if (first.kind === 'session') {
          await this.waitForBatch();
          await this.commitSessionBatch(this.queue.splice(0, this.sessionsAtHead()) as Extract<Job, { kind: 'session' }>[]);
        } else if (first.kind === 'executed-statement') {
          this.queue.shift();
          await this.logStatement(first);
        } else if (first.kind === 'heartbeat') {
          this.queue.shift();
          await this.commitHeartbeat(first);
        } else {
          let count = 0;
          while (count < this.queue.length && count < this.options.wBatchSize && this.queue[count].kind === 'rows') count++;
          await this.commitRows(this.queue.splice(0, count) as Extract<Job, { kind: 'rows' }>[]);
        }
      }
    } finally {
      this.busy = false;
    }
  }

  /** The next group after `after` (by default the store's position): its GTID follows the last one. */
  private nextGroup(events: readonly (RowEvent | StatementEvent)[], after = this.applied): BinlogGroup {
    const transaction = after.executedGtids.lastTransaction(this.identity.serverUuid) + 1n;
    return {
      gtid: formatGtid({ serverUuid: this.identity.serverUuid, transaction }),
      serverId: this.identity.serverId,
      commitTimeUs: nowUs(),
      events,
    };
  }

  /**
   * Commits the Kafka transaction. A failed commit may still have reached the broker, so the
   * log's content is unknown to us: stop taking writes and restart (catch-up reconciles). A
   * fenced commit is the exception: the new writer's initTransactions aborted it, so it is not in
   * the log, and this node is simply no longer the source (invariant 3).
   */
  private async commitLog(transaction: BinlogTransaction): Promise<void> {
    // An injected failure throws before the commit: the caller aborts, so nothing reached the log.
    this.faults.hit('fail-log-commit');
    try {
      await transaction.commit();
    } catch (error) {
      if (this.fenced(error)) throw error;
      this.refuse('the source lost its place in the binlog');
      this.options.onFatal('binlog commit outcome unknown', error);
      throw error;
    }
    this.faults.hit('after-log-commit');
  }

  /** A fencing error from any step (begin, append, commit): refuse from now on and say so once. */
  private fenced(error: unknown): boolean {
    if (!isFencedError(error)) return false;
    if (this.refusal !== FENCED_REFUSAL) {
      this.refuse(FENCED_REFUSAL);
      this.options.onFenced(error);
    }
    return true;
  }

  /**
   * One group of `events` from `runner`'s open transaction, in invariant 2's order: append it,
   * write its position in that transaction, commit the log, then the store. A failure before the
   * log commit aborts the Kafka transaction (the caller rolls the store back); one after it
   * leaves the store behind the log, which only a restart's catch-up reconciles.
   */
  private async commitGroupOn(runner: QueryRunner, events: readonly RowEvent[]): Promise<void> {
    const group = this.nextGroup(events);
    let transaction: BinlogTransaction | undefined;
    let logCommitted = false;
    try {
      transaction = await this.writer.begin();
      const offset = await transaction.append(group);
      const next = positionAfter(this.applied, offset, group);
      await writeAppliedPosition(runner.manager, next, aloneAt(offset));
      await this.commitLog(transaction);
      logCommitted = true;
      await runner.commitTransaction();
      this.applied = next;
      this.options.onStored?.(events);
    } catch (error) {
      if (logCommitted) {
        this.refuse('the store lags the binlog');
        this.options.onFatal('database commit failed after the binlog commit', error);
      } else {
        this.fenced(error);
        await transaction?.abort().catch(() => undefined);
      }
      throw error;
    }
  }

  private async commitRows(jobs: Extract<Job, { kind: 'rows' }>[]): Promise<void> {
    const runner = this.database.createQueryRunner();
    const outcomes: ({ ok: true; result: unknown } | { ok: false; error: unknown })[] = [];
    try {
      await runner.connect();
      await this.startReadCommitted(runner);
      const events: RowEvent[] = [];
      for (const [index, job] of jobs.entries()) {
        // A savepoint per write: one bad write in a batch leaves the others intact.
        await runner.query(`SAVEPOINT w${index}`);
        try {
          const { events: written, result } = await job.write(runner.manager);
          events.push(...written);
          outcomes.push({ ok: true, result });
        } catch (error) {
          // If the database rolled back the whole transaction (deadlock, lock timeout) the
          // savepoint is gone too: the batch fails, with this write's own error.
          await runner.query(`ROLLBACK TO SAVEPOINT w${index}`).catch(() => {
            throw error;
          });
          outcomes.push({ ok: false, error });
        }
      }
      if (events.length > 0) await this.commitGroupOn(runner, events);
      else await runner.commitTransaction();
      jobs.forEach((job, index) => {
        const outcome = outcomes[index];
        if (outcome.ok) job.resolve(outcome.result);
        else job.reject(outcome.error);
      });
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      const reason = this.refusal ?? `write not stored: ${error instanceof Error ? error.message : String(error)}`;
      for (const job of jobs) job.reject(new WriteRefusedError(reason));
    } finally {
      await runner.release();
    }
  }

  /**
   * Group commit: the batch's session transactions, each its own group, share one Kafka
   * transaction. Their groups are appended in queue order; each session writes the position after
   * its own group in its own lane (lane = its place in the batch, so no session waits for
   * another's row lock), with the batch's first offset and, as its executed set, the set before
   * the batch and its own GTID only; Kafka commits once, and then the sessions commit all at once
   * (MySQL's binlog_order_commits=OFF), which lets InnoDB flush their log together. They commute:
   * each holds its row locks since it ran, so no two of a batch touch the same row. A crash may
   * leave any subset committed, which readAppliedPosition recovers from. Each client hears
   * success after its own database commit. A failed append or Kafka commit fails the whole
   * batch: every session rolls back and nothing of it reached the store.
   */
  private async commitSessionBatch(jobs: Extract<Job, { kind: 'session' }>[]): Promise<void> {
    let transaction: BinlogTransaction | undefined;
    let logCommitted = false;
    const committed = new Set<Job>();
    const before = this.applied;
    try {
      const groups: BinlogGroup[] = [];
      let executed = before.executedGtids;
      for (const job of jobs) {
        const group = this.nextGroup(job.transaction.events, { ...before, executedGtids: executed });
        groups.push(group);
        executed = executed.add(parseGtid(group.gtid));
      }
      transaction = await this.writer.begin();
      const offsets = await transaction.appendAll(groups);
      const lanes = groups.map((group, lane) => positionAfter(before, offsets[lane], group));
      // Different connections and different lanes: the position writes run side by side.
      await Promise.all(jobs.map((job, lane) => job.transaction.writePosition(lanes[lane], { firstOffset: offsets[0], lane })));
      await this.commitLog(transaction);
      logCommitted = true;
      const end: AppliedPosition = { ...lanes[lanes.length - 1], executedGtids: executed };
      const outcomes = await Promise.allSettled(
        jobs.map(async (job) => {
          this.faults.hit('fail-session-commit');
          await job.transaction.commit();
          committed.add(job);
          this.options.onStored?.(job.transaction.events);
          // The store holds the whole batch once its last commit completes.
          if (committed.size === jobs.length) this.applied = end;
          job.resolve(undefined);
          this.faults.hit('after-session-commit');
        }),
      );
      const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
      if (failed) throw failed.reason;
    } catch (error) {
      if (logCommitted) {
        this.refuse('the store lags the binlog');
        this.options.onFatal('database commit failed after the binlog commit', error);
      } else this.fenced(error);
      if (!logCommitted) await transaction?.abort().catch(() => undefined);
      const reason = this.refusal ?? `transaction not committed: ${error instanceof Error ? error.message : String(error)}`;
      for (const job of jobs.filter((job) => !committed.has(job))) {
        await job.transaction.rollback().catch(() => undefined);
        job.reject(new WriteRefusedError(reason));
      }
    }
  }

  /**
   * Logs a statement the store already ran. The position is written before the log commits, so
   * a crash in between leaves the store ahead of the log (the statement ran, its group was
   * aborted) rather than a log whose statement the store would run twice at catch-up.
   */
  private async logStatement(job: Extract<Job, { kind: 'executed-statement' }>): Promise<void> {
    const group = this.nextGroup([job.event]);
    let transaction: BinlogTransaction | undefined;
    try {
      transaction = await this.writer.begin();
      const offset = await transaction.append(group);
      const next = positionAfter(this.applied, offset, group);
      await this.database.transaction((manager) => writeAppliedPosition(manager, next, aloneAt(offset)));
      await this.commitLog(transaction);
      this.applied = next;
      this.options.onStored?.([job.event]);
      job.resolve(undefined);
    } catch (error) {
      await transaction?.abort().catch(() => undefined);
      // The statement ran but is not in the log: the store is ahead of it. Restart and refuse.
      this.refuse('the store holds a statement the binlog lacks');
      this.options.onFatal('statement ran but could not be logged', error);
      job.reject(new WriteRefusedError(this.refusal ?? 'statement not logged'));
    }
  }

  private async commitStatement(job: Extract<Job, { kind: 'statement' }>): Promise<void> {
    const group = this.nextGroup([job.event]);
    let transaction: BinlogTransaction | undefined;
    try {
      transaction = await this.writer.begin();
      const offset = await transaction.append(group);
      await this.commitLog(transaction);
      try {
        this.applied = await applyGroup(this.database, this.catalog, this.applied, offset, group, 'STRICT');
        this.options.onStored?.(group.events);
      } catch (error) {
        this.refuse('the store lags the binlog');
        this.options.onFatal('statement failed after the binlog commit', error);
        throw error;
      }
      job.resolve(undefined);
    } catch (error) {
      this.fenced(error);
      await transaction?.abort().catch(() => undefined);
      job.reject(new WriteRefusedError(this.refusal ?? `write not stored: ${error instanceof Error ? error.message : String(error)}`));
    }
  }

  /** A heartbeat is a group like any other: log first, then its position in the store. */
  private async commitHeartbeat(job: Extract<Job, { kind: 'heartbeat' }>): Promise<void> {
    const runner = this.database.createQueryRunner();
    try {
      await runner.connect();
      await runner.startTransaction();
      await this.commitGroupOn(runner, []);
      job.resolve(undefined);
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      job.reject(new WriteRefusedError(this.refusal ?? `heartbeat not logged: ${error instanceof Error ? error.message : String(error)}`));
    } finally {
      await runner.release();
    }
  }
}
