import { Permits } from './permits';

describe('source > write path > permits', () => {
  it('lets `count` holders in at once and the rest in arrival order as permits come back', async () => {
    const permits = new Permits(2);
    const entered: string[] = [];
    const enter = (name: string) => permits.acquire().then(() => void entered.push(name));
    const all = [enter('a'), enter('b'), enter('c'), enter('d')];
    await Promise.resolve();
    await Promise.resolve();
    expect(entered).toEqual(['a', 'b']);
    permits.release();
    await Promise.resolve();
    await Promise.resolve();
    expect(entered).toEqual(['a', 'b', 'c']);
    permits.release();
    permits.release();
    permits.release();
    await Promise.all(all);
    expect(entered).toEqual(['a', 'b', 'c', 'd']);
    // Everything released: two may enter again at once.
    await permits.acquire();
    await permits.acquire();
  });
});
