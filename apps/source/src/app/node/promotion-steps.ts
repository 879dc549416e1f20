import type { Logger } from '@nestjs/common';

/** A promotion step did not finish before the promotion's bound (`--promotion-timeout-ms`). */
export class PromotionTimeoutError extends Error {
  constructor(step: string, boundMs: number) {
    super(`promotion step ${step} did not finish within the promotion bound of ${boundMs} ms`);
    this.name = 'PromotionTimeoutError';
  }
}

/**
 * Times the steps of one promotion and logs each (`promote.step`) and the whole
 * (`promote.done` / `promote.failed`), in ms: promotion time is what a failover costs. Every step
 * runs against the promotion's one deadline, so a promotion finishes or fails within `boundMs`
 * whatever a step waits on (a fence, the log's end, a consumer leaving its group).
 */
export class PromotionSteps {
  private readonly started = Date.now();
  private readonly durations: Record<string, number> = {};

  constructor(
    private readonly logger: Logger,
    private readonly generation: number | undefined,
    readonly boundMs: number,
  ) {
    logger.log({ event: 'promote.started', generation: generation ?? null, bound_ms: boundMs, msg: 'promoting to source' });
  }

  /** Milliseconds left before the bound (at least 1, so a wait given it times out rather than never). */
  get remainingMs(): number {
    return Math.max(1, this.started + this.boundMs - Date.now());
  }

  async run<T>(step: string, work: () => Promise<T>, fields: Record<string, unknown> = {}): Promise<T> {
    const started = Date.now();
    const result = await this.withinBound(step, work());
    const ms = Date.now() - started;
    this.durations[step] = ms;
    this.logger.log({ event: 'promote.step', step, ms, ...fields, generation: this.generation ?? null });
    return result;
  }

  done(fields: Record<string, unknown>): void {
    this.logger.log({ event: 'promote.done', ms: Date.now() - this.started, steps_ms: this.durations, generation: this.generation ?? null, ...fields, msg: 'source: taking writes' });
  }

  /** `fields`: where the node stood (its replication channel), so a timed-out step explains itself. */
  failed(error: unknown, fields: Record<string, unknown> = {}): void {
    this.logger.error({ event: 'promote.failed', ms: Date.now() - this.started, steps_ms: this.durations, generation: this.generation ?? null, error: error instanceof Error ? error.message : String(error), ...fields, msg: 'promotion failed: back to replica' });
  }

  private withinBound<T>(step: string, work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new PromotionTimeoutError(step, this.boundMs)), this.started + this.boundMs - Date.now());
    });
    // A step left behind at the deadline may still fail later: that is already reported.
    work.catch(() => undefined);
    return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
  }
}
