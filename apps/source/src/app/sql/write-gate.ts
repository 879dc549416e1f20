/**
 * Orders SQL writes around DDL: DML statements run under the shared side, DDL under the
 * exclusive side, so no row change made with a table's old shape (its old capture triggers) is
 * captured after the DDL ran, and no DML on a table is logged before the DDL that created it.
 * Writer-preferring: a waiting DDL holds back new DML, or a steady write load would starve it.
 */
export class WriteGate {
  private sharedHolders = 0;
  private exclusiveHeld = false;
  private exclusiveWaiting = 0;
  private readonly waiters: (() => void)[] = [];

  async shared<T>(work: () => Promise<T>): Promise<T> {
    while (this.exclusiveHeld || this.exclusiveWaiting > 0) await this.wait();
    this.sharedHolders++;
    try {
      return await work();
    } finally {
      this.sharedHolders--;
      this.wake();
    }
  }

  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    this.exclusiveWaiting++;
    try {
      while (this.exclusiveHeld || this.sharedHolders > 0) await this.wait();
    } finally {
      this.exclusiveWaiting--;
    }
    this.exclusiveHeld = true;
    try {
      return await work();
    } finally {
      this.exclusiveHeld = false;
      this.wake();
    }
  }

  private wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}
