import type { StatementEvent } from '@kbinlog/binlog';
import type { BinlogCommitter, RowWrite, SessionTransaction } from './binlog-committer';
import type { KeyedWrite } from './keyed-write';
import { ReadOnlyError } from './read-only';

/** How a front door (memcached, SQL) reaches the write path, whatever the node's role. */
export interface WritePath {
  /** The refusal a write would get now, or undefined while the node takes writes. */
  refusal(): ReadOnlyError | undefined;
  /** Runs a write from its front door on, or refuses it before it touches anything. */
  admit<T>(work: () => Promise<T>): Promise<T>;
  write<T>(write: RowWrite<T>): Promise<T>;
  writeKeyed<T>(write: KeyedWrite<T>): Promise<T>;
  statement(event: StatementEvent): Promise<void>;
  commitSession(transaction: SessionTransaction): Promise<void>;
  logExecutedStatement(event: StatementEvent): Promise<void>;
}

type DoorState = 'open' | 'draining' | 'closed';

/**
 * The node's write door. Open while the node is source: writes reach its binlog committer.
 * Closing (demotion) refuses new writes at once (`admit` throws), while writes already admitted,
 * and commits of transactions that wrote, still reach the committer until they finish or the
 * bounded wait ends; then the committer refuses whatever is left, so nothing waits forever and
 * nothing is acknowledged after the node stopped being source.
 */
export class NodeWrites implements WritePath {
  private committer: BinlogCommitter | undefined;
  private state: DoorState = 'closed';
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly readOnly: () => ReadOnlyError) {}

  get isOpen(): boolean {
    return this.state === 'open';
  }

  open(committer: BinlogCommitter): void {
    this.committer = committer;
    this.state = 'open';
  }

  /**
   * Refuses new writes now; resolves once the admitted ones finished (true) or `timeoutMs`
   * passed (false), after which the committer refuses the rest with `reason`.
   */
  async close(timeoutMs: number, reason: string): Promise<{ drained: boolean; committer: BinlogCommitter | undefined }> {
    const committer = this.committer;
    if (this.state === 'closed') return { drained: true, committer };
    this.state = 'draining';
    const drained = await this.idle(timeoutMs);
    committer?.refuse(reason);
    this.state = 'closed';
    this.committer = undefined;
    return { drained, committer };
  }

  refusal(): ReadOnlyError | undefined {
    return this.state === 'open' ? undefined : this.readOnly();
  }

  admit<T>(work: () => Promise<T>): Promise<T> {
    if (this.state !== 'open') return Promise.reject(this.readOnly());
    return this.track(work);
  }

  write<T>(write: RowWrite<T>): Promise<T> {
    return this.through((committer) => committer.write(write));
  }

  writeKeyed<T>(write: KeyedWrite<T>): Promise<T> {
    return this.through((committer) => committer.writeKeyed(write));
  }

  statement(event: StatementEvent): Promise<void> {
    return this.through((committer) => committer.statement(event));
  }

  async commitSession(transaction: SessionTransaction): Promise<void> {
    if (!this.committer) {
      // Never leave the session's connection inside the transaction it can no longer commit.
      await transaction.rollback().catch(() => undefined);
      throw this.readOnly();
    }
    return this.through((committer) => committer.commitSession(transaction));
  }

  logExecutedStatement(event: StatementEvent): Promise<void> {
    return this.through((committer) => committer.logExecutedStatement(event));
  }

  /** Work already past the front door: it may finish while the door drains. */
  private through<T>(work: (committer: BinlogCommitter) => Promise<T>): Promise<T> {
    const committer = this.committer;
    if (!committer) return Promise.reject(this.readOnly());
    return this.track(() => work(committer));
  }

  private async track<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await work();
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  private idle(timeoutMs: number): Promise<boolean> {
    if (this.inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((wake) => wake !== done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.idleWaiters.push(done);
    });
  }
}
