import type { Logger } from '@nestjs/common';
import { PromotionSteps, PromotionTimeoutError } from './promotion-steps';

function recordingLogger() {
  const entries: Record<string, unknown>[] = [];
  const logger = { log: (entry: Record<string, unknown>) => entries.push(entry), error: (entry: Record<string, unknown>) => entries.push(entry) } as unknown as Logger;
  return { logger, entries };
}

describe('PromotionSteps', () => {
  it('times each step and the whole promotion', async () => {
    const { logger, entries } = recordingLogger();
    const steps = new PromotionSteps(logger, 4, 1_000);
    expect(await steps.run('fence', async () => 'fenced', { to: '12' })).toBe('fenced');
    steps.done({ position: 'kbinlog.t.binlog-0:12' });
    expect(entries.map((entry) => entry['event'])).toEqual(['promote.started', 'promote.step', 'promote.done']);
    expect(entries[0]).toMatchObject({ generation: 4, bound_ms: 1_000 });
    expect(entries[1]).toMatchObject({ step: 'fence', to: '12', ms: expect.any(Number) });
    expect(entries[2]).toMatchObject({ steps_ms: { fence: expect.any(Number) }, position: 'kbinlog.t.binlog-0:12' });
  });

  it('fails a step that outlives the bound, counted from the start of the promotion, not of the step', async () => {
    const { logger, entries } = recordingLogger();
    const steps = new PromotionSteps(logger, 4, 150);
    await steps.run('fence', () => new Promise((resolve) => setTimeout(resolve, 100)));
    const started = Date.now();
    const hung = steps.run('catch_up', () => new Promise(() => undefined));
    await expect(hung).rejects.toThrow(PromotionTimeoutError);
    await expect(hung).rejects.toThrow('promotion step catch_up did not finish within the promotion bound of 150 ms');
    expect(Date.now() - started).toBeLessThan(120);
    expect(steps.remainingMs).toBe(1);
    steps.failed(new PromotionTimeoutError('catch_up', 150), { fetcher: 'No' });
    expect(entries.at(-1)).toMatchObject({ event: 'promote.failed', error: expect.stringContaining('catch_up'), fetcher: 'No', steps_ms: { fence: expect.any(Number) } });
  });

  it('passes on the error of a step that fails within the bound', async () => {
    const { logger } = recordingLogger();
    const steps = new PromotionSteps(logger, undefined, 1_000);
    await expect(steps.run('fence', async () => Promise.reject(new Error('broker gone')))).rejects.toThrow('broker gone');
  });
});
