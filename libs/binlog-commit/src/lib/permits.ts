/** A counting semaphore: at most `count` holders at a time, the rest wait in arrival order. */
export class Permits {
  private held = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly count: number) {}

  async acquire(): Promise<void> {
    if (this.held < this.count) {
      this.held++;
      return;
    }
    // The releasing holder hands its permit straight to the next waiter.
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.held--;
  }
}
