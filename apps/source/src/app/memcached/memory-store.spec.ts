import { MemoryStore } from './memory-store';

const item = (value: string) => ({ value, flags: 0, cas: 1n, expiresAt: 0 });

describe('source > memcached > memory store', () => {
  it('keeps items per container', () => {
    const store = new MemoryStore();
    store.set('aaa', 'k', item('a'));
    store.set('bbb', 'k', item('b'));
    expect(store.get('aaa', 'k')?.value).toBe('a');
    expect(store.get('bbb', 'k')?.value).toBe('b');
  });

  it('deletes and flushes one container only', () => {
    const store = new MemoryStore();
    store.set('aaa', 'k', item('a'));
    store.set('bbb', 'k', item('b'));
    expect(store.delete('aaa', 'k')).toBe(true);
    expect(store.delete('aaa', 'k')).toBe(false);
    store.flush('bbb');
    expect(store.get('bbb', 'k')).toBeUndefined();
    store.set('aaa', 'x', item('x'));
    expect(store.get('aaa', 'x')?.value).toBe('x');
  });
});
