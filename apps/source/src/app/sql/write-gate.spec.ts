import { WriteGate } from './write-gate';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe('WriteGate', () => {
  it('lets shared holders run together and the exclusive side alone, after them', async () => {
    const gate = new WriteGate();
    const order: string[] = [];
    const first = deferred();
    const a = gate.shared(async () => {
      order.push('a start');
      await first.promise;
      order.push('a end');
    });
    const b = gate.shared(async () => order.push('b'));
    const ddl = gate.exclusive(async () => order.push('ddl'));
    // A DML arriving while DDL waits goes after it: the gate prefers the writer.
    const c = gate.shared(async () => order.push('c'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['a start', 'b']);
    first.resolve();
    await Promise.all([a, b, ddl, c]);
    expect(order).toEqual(['a start', 'b', 'a end', 'ddl', 'c']);
  });

  it('releases the gate when the work fails', async () => {
    const gate = new WriteGate();
    await expect(gate.exclusive(async () => Promise.reject(new Error('ddl failed')))).rejects.toThrow('ddl failed');
    await expect(gate.shared(async () => 'ran')).resolves.toBe('ran');
  });
});
