import { type BinlogGroup, formatGtid, parseGtid, type RowEvent, type StatementEvent } from '@kbinlog/binlog';
import { type BinlogTransaction, type BinlogWriter, isFencedError } from '@kbinlog/binlog-kafka';
import { aloneAt, type AppliedPosition, applyGroup, type BatchPlace, dialectOf, positionAfter, type TableCatalog, writeAppliedPosition } from '@kbinlog/node-store';
import { performance } from 'node:perf_hooks';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { CommitKind, CommitMetrics } from './commit-metrics';
import type { FaultInjection } from './fault-injection';
import { KeyedBatchConflict, keyedAddress, type KeyedOutcome, type KeyedWrite, type OwnCapture, runKeyedBatch, runKeyedWrite } from './keyed-write';
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
  | ({ kind: 'keyed'; write: KeyedWrite<unknown> } & Settle)
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
   * How long a batch (of session commits, or of keyed writes) smaller than groupCommitMaxBatch
   * waits for more before it starts (binlog_group_commit_sync_delay); 0: a batch is what queued
   * while the previous commit ran.
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
  /**
   * How the store records a connection's own row changes (MariaDB's capture triggers). With it,
   * and wBatchSize 1, keyed writes queued together share one database transaction (see
   * commitKeyedBatch); without it each runs alone and its after image is read back.
   */
  readonly capture?: OwnCapture;
  /** Where commit latencies and group-commit batch sizes go; none in tests of the write path alone. */
  readonly metrics?: CommitMetrics;
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
  /**
   * The connection keyed batches run on, kept between batches, its session set up once: READ
   * COMMITTED, and no lock waits (innodb_lock_wait_timeout 0). A batch runs inside the queue, so
   * it must never wait for a row lock: the transaction holding it may be queued behind it.
   */
  private batchRunner: QueryRunner | undefined;

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
    return this.acknowledged(performance.now(), 'write', this.queueWrite(write));
  }

  private queueWrite<T>(write: RowWrite<T>): Promise<T> {
    // SQLite has one writer connection: its writes take turns inside the queue.
    if (this.options.wBatchSize === 1 && dialectOf(this.database).store === 'mariadb') return this.writeAlone(write);
    return new Promise<T>((resolve, reject) => this.enqueue({ kind: 'rows', write, resolve: resolve as (value: unknown) => void, reject }));
  }

  /** Resolves as `work` does; a write acknowledged counts its time since `startedMs` (a failed one does not). */
  private async acknowledged<T>(startedMs: number, kind: CommitKind, work: Promise<T>): Promise<T> {
    const result = await work;
    this.options.metrics?.commitSeconds[kind].observe((performance.now() - startedMs) / 1000);
    return result;
  }

  /**
   * A write of one row by its unique key. With wBatchSize 1 on a store that captures its own
   * changes, it queues as it is and runs in the next keyed batch: one database transaction for
   * the batch's writes, each still its own group. Otherwise it is an ordinary write.
   */
  writeKeyed<T>(write: KeyedWrite<T>): Promise<T> {
    const started = performance.now();
    if (!this.batchesKeyedWrites) return this.acknowledged(started, 'write', this.queueWrite(this.alone(write)));
    return this.acknowledged(started, 'write', new Promise<T>((resolve, reject) => this.enqueue({ kind: 'keyed', write, resolve: resolve as (value: unknown) => void, reject })));
  }

  private get batchesKeyedWrites(): boolean {
    return this.options.wBatchSize === 1 && this.options.capture !== undefined && dialectOf(this.database).store === 'mariadb';
  }

  private alone<T>(write: KeyedWrite<T>): RowWrite<T> {
    return (manager) => runKeyedWrite(manager, this.catalog, write, this.options.capture);
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
      await this.queueSession({
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
    return this.acknowledged(performance.now(), 'statement', new Promise<void>((resolve, reject) => this.enqueue({ kind: 'statement', event, resolve: resolve as (value: unknown) => void, reject })));
  }

  /** Commits a SQL session's transaction: log first, then its connection commits (invariant 2). */
  commitSession(transaction: SessionTransaction): Promise<void> {
    return this.acknowledged(performance.now(), 'transaction', this.queueSession(transaction));
  }

  private queueSession(transaction: SessionTransaction): Promise<void> {
    return new Promise<void>((resolve, reject) => this.enqueue({ kind: 'session', transaction, resolve: resolve as (value: unknown) => void, reject }));
  }

  /**
   * Logs DDL that already ran (DDL commits implicitly and cannot wait inside a Kafka
   * transaction for locks other transactions hold). The caller keeps SQL writes to the changed
   * tables paused until this resolves, so nothing that depends on the DDL is logged before it.
   */
  logExecutedStatement(event: StatementEvent): Promise<void> {
    return this.acknowledged(performance.now(), 'statement', new Promise<void>((resolve, reject) => this.enqueue({ kind: 'executed-statement', event, resolve: resolve as (value: unknown) => void, reject })));
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
    if (!this.busy) void this.releaseBatchRunner();
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
    if (this.batchFull && this.batchAtHead() >= this.options.groupCommitMaxBatch) this.batchFull();
    void this.pump();
  }

  /** How many jobs of the head's kind (session commits, keyed writes) wait at the head of the queue, up to the batch limit. */
  private batchAtHead(): number {
    const limit = Math.min(this.queue.length, this.options.groupCommitMaxBatch);
    const kind = this.queue[0]?.kind;
    let count = 0;
    while (count < limit && this.queue[count].kind === kind) count++;
    return count;
  }

  /** With a maximum wait, a short batch waits for more commits to queue (or the wait to end). */
  private async waitForBatch(): Promise<void> {
    const waitMs = this.options.groupCommitMaxWaitUs / 1000;
    if (waitMs <= 0 || this.batchAtHead() >= this.options.groupCommitMaxBatch) return;
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
          await this.commitSessionBatch(this.queue.splice(0, this.batchAtHead()) as Extract<Job, { kind: 'session' }>[]);
        } else if (first.kind === 'executed-statement') {
          this.queue.shift();
          await this.logStatement(first);
        } else if (first.kind === 'heartbeat') {
          this.queue.shift();
          await this.commitHeartbeat(first);
        } else if (first.kind === 'keyed') {
          await this.waitForBatch();
          await this.commitKeyedBatch(this.takeKeyedBatch());
        } else {
          let count = 0;
          while (count < this.queue.length && count < this.options.wBatchSize && this.queue[count].kind === 'rows') count++;
          await this.commitRows(this.queue.splice(0, count) as Extract<Job, { kind: 'rows' }>[]);
        }
      }
    } finally {
      this.busy = false;
      // A refused committer is done: its batch connection goes back to the pool.
      if (this.refusal) await this.releaseBatchRunner();
    }
  }

  /** The keyed writes at the head of the queue, up to a batch, stopping before a second write of a key. */
  private takeKeyedBatch(): Extract<Job, { kind: 'keyed' }>[] {
    const keys = new Set<string>();
    let count = 0;
    while (count < this.queue.length && count < this.options.groupCommitMaxBatch) {
      const job = this.queue[count];
      if (job.kind !== 'keyed' || keys.has(keyedAddress(job.write))) break;
      keys.add(keyedAddress(job.write));
      count++;
    }
    return this.queue.splice(0, count) as Extract<Job, { kind: 'keyed' }>[];
  }

  private async openBatchRunner(): Promise<QueryRunner> {
    if (this.batchRunner) return this.batchRunner;
    const runner = this.database.createQueryRunner();
    try {
      await runner.connect();
      await runner.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
      await runner.query('SET SESSION innodb_lock_wait_timeout = 0');
    } catch (error) {
      await runner.release().catch(() => undefined);
      throw error;
    }
    this.batchRunner = runner;
    return runner;
  }

  private async releaseBatchRunner(): Promise<void> {
    const runner = this.batchRunner;
    this.batchRunner = undefined;
    await runner?.release().catch(() => undefined);
  }

  /**
   * Keyed writes of distinct keys, in one database transaction on the batch connection: each
   * decided from its locked row and logged as its own group, all the groups in one Kafka
   * transaction, then one position (after the last group: the transaction applied all of them)
   * and one commit. MySQL's binlog group commit, carried down to the store: each write keeps its
   * own GTID and replicas apply it as its own transaction. A batch that cannot run as one (a row
   * lock held elsewhere: the batch connection does not wait) rolls back untouched, and its writes
   * run alone, outside the queue, where waiting for a lock is safe.
   */
  private async commitKeyedBatch(jobs: Extract<Job, { kind: 'keyed' }>[]): Promise<void> {
    let runner: QueryRunner;
    let outcomes: KeyedOutcome[];
    try {
      runner = await this.openBatchRunner();
    } catch {
      this.runAlone(jobs);
      return;
    }
    try {
      await runner.startTransaction();
      outcomes = await runKeyedBatch(runner.manager, this.catalog, jobs.map((job) => job.write), this.options.capture as OwnCapture);
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      // A server's refusal (a lock, a duplicate) leaves the connection usable; anything else may not have.
      if (!(error instanceof KeyedBatchConflict) && typeof (error as { errno?: unknown }).errno !== 'number') await this.releaseBatchRunner();
      this.runAlone(jobs);
      return;
    }
    let transaction: BinlogTransaction | undefined;
    let logCommitted = false;
    try {
      const before = this.applied;
      const groups: BinlogGroup[] = [];
      const grouped: number[] = [];
      let executed = before.executedGtids;
      outcomes.forEach((outcome, index) => {
        if (!outcome.ok || outcome.events.length === 0) return;
        const group = this.nextGroup(outcome.events, { ...before, executedGtids: executed });
        groups.push(group);
        grouped.push(index);
        executed = executed.add(parseGtid(group.gtid));
      });
      let end = before;
      if (groups.length > 0) {
        transaction = await this.writer.begin();
        const offsets = await transaction.appendAll(groups);
        groups.forEach((group, index) => (end = positionAfter(end, offsets[index], group)));
        await writeAppliedPosition(runner.manager, end, aloneAt(offsets[offsets.length - 1]));
        await this.commitLog(transaction, groups.length);
        logCommitted = true;
      }
      await runner.commitTransaction();
      this.applied = end;
      for (const index of grouped) this.options.onStored?.((outcomes[index] as Extract<KeyedOutcome, { ok: true }>).events);
      outcomes.forEach((outcome, index) => (outcome.ok ? jobs[index].resolve(outcome.result) : jobs[index].reject(outcome.error)));
    } catch (error) {
      await this.commitFailed(error, logCommitted, transaction);
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      const reason = this.refusal ?? `write not stored: ${error instanceof Error ? error.message : String(error)}`;
      for (const job of jobs) job.reject(new WriteRefusedError(reason));
    }
  }

  /** Each write in its own transaction, outside the queue (it queues again to commit). */
  private runAlone(jobs: readonly Extract<Job, { kind: 'keyed' }>[]): void {
    for (const job of jobs) void this.writeAlone(this.alone(job.write)).then(job.resolve, job.reject);
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
  private async commitLog(transaction: BinlogTransaction, groups: number): Promise<void> {
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
    const { metrics } = this.options;
    metrics?.transactionGroups.observe(groups);
    metrics?.groupsCommitted.inc(groups);
    this.faults.hit('after-log-commit');
  }

  /**
   * A commit step failed. After the log committed, the store lags the log: refuse everything and
   * stop (the restart applies the log). Before it, nothing is logged: abort the Kafka transaction
   * (and refuse from now on if the failure was a fence).
   */
  private async commitFailed(error: unknown, logCommitted: boolean, transaction: BinlogTransaction | undefined): Promise<void> {
    if (logCommitted) {
      this.refuse('the store lags the binlog');
      this.options.onFatal('database commit failed after the binlog commit', error);
      return;
    }
    this.fenced(error);
    await transaction?.abort().catch(() => undefined);
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
      await this.commitLog(transaction, 1);
      logCommitted = true;
      await runner.commitTransaction();
      this.applied = next;
      this.options.onStored?.(events);
    } catch (error) {
      await this.commitFailed(error, logCommitted, transaction);
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
      await this.commitLog(transaction, groups.length);
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
      await this.commitFailed(error, logCommitted, transaction);
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
      await this.commitLog(transaction, 1);
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
      await this.commitLog(transaction, 1);
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
