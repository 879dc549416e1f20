import type { Item } from './container-items';

/**
 * The plugin's in-memory cache, used by the cache_only and caching policies: per container, key
 * → item. Like memcached's own storage it is not durable and not replicated (only table writes
 * reach the binlog, as in MySQL).
 */
export class MemoryStore {
  private readonly containers = new Map<string, Map<string, Item>>();

  get(container: string, key: string): Item | undefined {
    return this.containers.get(container)?.get(key);
  }

  set(container: string, key: string, item: Item): void {
    let items = this.containers.get(container);
    if (!items) this.containers.set(container, (items = new Map()));
    items.set(key, item);
  }

  delete(container: string, key: string): boolean {
    return this.containers.get(container)?.delete(key) ?? false;
  }

  flush(container: string): void {
    this.containers.delete(container);
  }
}
