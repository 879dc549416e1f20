/**
 * The connection's read buffer (memcached's `rbuf`): bytes pushed but not yet parsed, kept
 * contiguous so a line or a data block is one `subarray` away.
 *
 * A chunk pushed into an empty buffer is adopted as is (no copy); appending to it copies into
 * storage of our own that doubles as needed, so byte-at-a-time input costs amortised O(1).
 */
export class ReadBuffer {
  private storage: Buffer = Buffer.alloc(0);
  private start = 0;
  private end = 0;
  /** Whether `storage` is ours to write into (an adopted chunk belongs to the caller). */
  private owned = false;

  get length(): number {
    return this.end - this.start;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.length === 0) {
      this.storage = chunk;
      this.start = 0;
      this.end = chunk.length;
      this.owned = false;
      return;
    }
    this.reserve(chunk.length);
    chunk.copy(this.storage, this.end);
    this.end += chunk.length;
  }

  /** The unread bytes; valid until the next push or consume. */
  view(): Buffer {
    return this.storage.subarray(this.start, this.end);
  }

  /** Drops `n` unread bytes. */
  consume(n: number): void {
    if (n < 0 || n > this.length) throw new RangeError(`cannot consume ${n} of ${this.length} bytes`);
    this.start += n;
    if (this.start === this.end) this.clear();
  }

  /** Removes and returns `n` unread bytes as a copy of their own. */
  take(n: number): Buffer {
    const bytes = Buffer.from(this.view().subarray(0, n));
    this.consume(n);
    return bytes;
  }

  clear(): void {
    this.storage = Buffer.alloc(0);
    this.start = 0;
    this.end = 0;
    this.owned = false;
  }

  private reserve(extra: number): void {
    const live = this.length;
    if (this.owned && this.end + extra <= this.storage.length) return;
    if (this.owned && live + extra <= this.storage.length) {
      this.storage.copy(this.storage, 0, this.start, this.end);
    } else {
      const grown = Buffer.allocUnsafe(Math.max(4096, 2 * (live + extra)));
      this.storage.copy(grown, 0, this.start, this.end);
      this.storage = grown;
      this.owned = true;
    }
    this.start = 0;
    this.end = live;
  }
}
