import type { RowImage } from '@kbinlog/binlog';
import type { StoredRow } from './container-items';
import { ReadCache, type RowAddress } from './read-cache';

const at = (key: string, keyColumn = 'c1'): RowAddress => ({ schema: 'test', table: 'demo_test', keyColumn, key });
const row = (key: string, value: string): StoredRow => ({ image: { c1: key, c2: value }, item: { value, flags: 0, cas: 1n, expiresAt: 0 } });
const insert = (after: RowImage) => ({ type: 'insert' as const, schema: 'test', table: 'demo_test', after });

describe('ReadCache', () => {
  let cache: ReadCache;

  // Room for three of this spec's rows (each about 330 bytes), not four.
  const ROOM = 1200;

  beforeEach(() => {
    cache = new ReadCache(ROOM);
    cache.open();
  });

  function filled(key: string, value: string): void {
    cache.fill(at(key), row(key, value), cache.ticket());
  }

  it('serves what a read filled', () => {
    filled('a', 'one');
    expect(cache.get(at('a'))?.item.value).toBe('one');
    expect(cache.get(at('b'))).toBeUndefined();
  });

  it('forgets the rows a stored group changed, by their before and after images', () => {
    filled('a', 'one');
    filled('b', 'two');
    filled('c', 'three');
    cache.invalidate([
      { type: 'update', schema: 'test', table: 'demo_test', before: { c1: 'a', c2: 'one' }, after: { c1: 'a2', c2: 'one' } },
      { type: 'delete', schema: 'test', table: 'demo_test', before: { c1: 'b', c2: 'two' } },
    ]);
    expect(cache.get(at('a'))).toBeUndefined();
    expect(cache.get(at('b'))).toBeUndefined();
    expect(cache.get(at('c'))?.item.value).toBe('three');
  });

  it('keeps rows of other tables and other keys', () => {
    filled('a', 'one');
    cache.invalidate([{ type: 'insert', schema: 'test', table: 'other', after: { c1: 'a' } }, insert({ c1: 'z', c2: 'x' })]);
    expect(cache.get(at('a'))?.item.value).toBe('one');
  });

  it('a statement (TRUNCATE, DDL) empties it', () => {
    filled('a', 'one');
    cache.invalidate([{ type: 'statement', schema: 'test', sql: 'TRUNCATE TABLE test.demo_test' }]);
    expect(cache.size).toBe(0);
  });

  it('does not fill with a read that started before a write was stored', () => {
    const ticket = cache.ticket();
    // The read ran its SELECT, then a write of the same row committed and was invalidated.
    cache.invalidate([insert({ c1: 'a', c2: 'new' })]);
    cache.fill(at('a'), row('a', 'old'), ticket);
    expect(cache.get(at('a'))).toBeUndefined();
  });

  it('evicts the least recently used rows once their size passes the bound', () => {
    filled('a', 'one');
    filled('b', 'two');
    filled('c', 'three');
    expect(cache.size).toBe(3);
    cache.get(at('a'));
    filled('d', 'four');
    expect(cache.size).toBe(3);
    expect(cache.sizeBytes).toBeLessThanOrEqual(ROOM);
    expect(cache.get(at('b'))).toBeUndefined();
    expect(cache.get(at('a'))?.item.value).toBe('one');
  });

  it('counts a row once when it is filled again, and never holds one larger than the bound', () => {
    filled('a', 'one');
    const one = cache.sizeBytes;
    filled('a', 'one');
    expect(cache.sizeBytes).toBe(one);
    filled('big', 'x'.repeat(ROOM));
    expect(cache.get(at('big'))).toBeUndefined();
    expect(cache.get(at('a'))?.item.value).toBe('one');
    cache.invalidate([{ type: 'delete', schema: 'test', table: 'demo_test', before: { c1: 'a', c2: 'one' } }]);
    expect(cache.sizeBytes).toBe(0);
  });

  it('serves nothing while closed (not the source), and opens empty', () => {
    filled('a', 'one');
    cache.close();
    expect(cache.get(at('a'))).toBeUndefined();
    filled('a', 'one');
    cache.open();
    expect(cache.get(at('a'))).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('with size 0 never serves', () => {
    const off = new ReadCache(0);
    off.open();
    off.fill(at('a'), row('a', 'one'), off.ticket());
    expect(off.get(at('a'))).toBeUndefined();
  });
});
