import { progress } from './progress';

type Disposer = () => Promise<void> | void;

/**
 * What must be undone however the run ends (normal end, a failed scenario, Ctrl-C): run in
 * reverse order of registration, each once, each failure reported and passed over.
 */
export class Cleanup {
  private readonly disposers: { name: string; dispose: Disposer }[] = [];
  private running: Promise<void> | undefined;
  private signalled = false;

  /** True once a signal asked the run to stop: start nothing new. */
  get aborted(): boolean {
    return this.signalled;
  }

  add(name: string, dispose: Disposer): () => void {
    const entry = { name, dispose };
    this.disposers.push(entry);
    return () => {
      const index = this.disposers.indexOf(entry);
      if (index >= 0) this.disposers.splice(index, 1);
    };
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (const { name, dispose } of this.disposers.splice(0).reverse()) {
        try {
          await dispose();
        } catch (error) {
          progress(`cleanup: ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    })();
    return this.running;
  }

  /** On SIGINT/SIGTERM: clean up, then exit with the signal's status. */
  onSignals(): void {
    const handler = (signal: NodeJS.Signals): void => {
      this.signalled = true;
      progress(`${signal}: stopping what the bench started…`);
      void this.run().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    };
    process.once('SIGINT', handler);
    process.once('SIGTERM', handler);
  }
}
