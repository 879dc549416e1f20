import type { Logger } from '@nestjs/common';

/**
 * Times the steps of one promotion and logs each (`promote.step`) and the whole
 * (`promote.done` / `promote.failed`), in ms: promotion time is what a failover costs.
 */
export class PromotionSteps {
  private readonly started = Date.now();
  private readonly durations: Record<string, number> = {};

  constructor(
    private readonly logger: Logger,
    private readonly generation: number | undefined,
  ) {
    logger.log({ event: 'promote.started', generation: generation ?? null, msg: 'promoting to source' });
  }

  async run<T>(step: string, work: () => Promise<T>, fields: Record<string, unknown> = {}): Promise<T> {
    const started = Date.now();
    const result = await work();
    const ms = Date.now() - started;
    this.durations[step] = ms;
    this.logger.log({ event: 'promote.step', step, ms, ...fields, generation: this.generation ?? null });
    return result;
  }

  done(fields: Record<string, unknown>): void {
    this.logger.log({ event: 'promote.done', ms: Date.now() - this.started, steps_ms: this.durations, generation: this.generation ?? null, ...fields, msg: 'source: taking writes' });
  }

  failed(error: unknown): void {
    this.logger.error({ event: 'promote.failed', ms: Date.now() - this.started, steps_ms: this.durations, generation: this.generation ?? null, error: error instanceof Error ? error.message : String(error), msg: 'promotion failed: back to replica' });
  }
}
