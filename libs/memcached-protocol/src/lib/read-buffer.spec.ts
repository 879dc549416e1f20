import { ReadBuffer } from './read-buffer';

describe('memcached-protocol', () => {
  describe('read-buffer', () => {
    it('keeps pushed bytes contiguous and in order', () => {
      const buffer = new ReadBuffer();
      for (const part of ['ab', '', 'c', 'defg']) buffer.push(Buffer.from(part));
      expect(buffer.length).toBe(7);
      expect(buffer.view().toString()).toBe('abcdefg');
      buffer.consume(3);
      expect(buffer.view().toString()).toBe('defg');
    });

    it('hands out copies from take, safe from later writes', () => {
      const buffer = new ReadBuffer();
      buffer.push(Buffer.from('abc'));
      buffer.push(Buffer.from('def'));
      const taken = buffer.take(4);
      buffer.push(Buffer.from('ghijklmnop'));
      expect(taken.toString()).toBe('abcd');
      expect(buffer.view().toString()).toBe('efghijklmnop');
    });

    it('adopts a chunk pushed into an empty buffer without changing it', () => {
      const chunk = Buffer.from('hello');
      const buffer = new ReadBuffer();
      buffer.push(chunk);
      buffer.push(Buffer.from(' world'));
      expect(chunk.toString()).toBe('hello');
      expect(buffer.view().toString()).toBe('hello world');
    });

    it('survives many small pushes and consumes (compaction and growth)', () => {
      const buffer = new ReadBuffer();
      let expected = '';
      for (let i = 0; i < 5_000; i++) {
        const part = String(i % 10).repeat((i % 7) + 1);
        buffer.push(Buffer.from(part));
        expected += part;
        if (i % 3 === 0) {
          const n = Math.min(buffer.length, 5);
          expect(buffer.take(n).toString()).toBe(expected.slice(0, n));
          expected = expected.slice(n);
        }
      }
      expect(buffer.view().toString()).toBe(expected);
    });

    it('empties completely and refuses to consume more than it holds', () => {
      const buffer = new ReadBuffer();
      buffer.push(Buffer.from('abc'));
      expect(() => buffer.consume(4)).toThrow(RangeError);
      buffer.consume(3);
      expect(buffer.length).toBe(0);
      expect(buffer.view()).toHaveLength(0);
    });
  });
});
