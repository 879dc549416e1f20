import { waitFor, WaitTimeoutError } from './wait-for';

describe('waitFor', () => {
  it('returns the first truthy value of the probe', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls >= 3 ? `ready after ${calls}` : false), {
      description: 'third call',
      timeoutMs: 1000,
      intervalMs: 1,
    });
    expect(value).toBe('ready after 3');
  });

  it('treats a throwing probe as not ready and reports its last error at the deadline', async () => {
    const started = Date.now();
    const wait = waitFor(
      () => {
        throw new Error('connection refused');
      },
      { description: 'the broker', timeoutMs: 100, intervalMs: 10 },
    );
    await expect(wait).rejects.toThrow(WaitTimeoutError);
    await expect(wait).rejects.toThrow(/waiting for the broker; last error: connection refused/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
  });

  it('accepts 0 and empty string as values (only undefined and false mean not yet)', async () => {
    expect(await waitFor(() => 0, { description: 'zero', timeoutMs: 100 })).toBe(0);
    expect(await waitFor(() => '', { description: 'empty', timeoutMs: 100 })).toBe('');
  });
});
