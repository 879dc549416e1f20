import { LineReader } from './line-reader';

const text = (bytes: Buffer) => bytes.toString('latin1');

describe('memcached-protocol', () => {
  describe('line-reader', () => {
    it('returns the line without its \\r\\n or bare \\n, and the bytes it used', () => {
      const reader = new LineReader(4096);
      const crlf = reader.next(Buffer.from('get a\r\nrest'));
      const lf = reader.next(Buffer.from('get b\nrest'));
      expect(crlf.type === 'line' && [text(crlf.line), crlf.consumed]).toEqual(['get a', 7]);
      expect(lf.type === 'line' && [text(lf.line), lf.consumed]).toEqual(['get b', 6]);
    });

    it('strips one CR only', () => {
      const found = new LineReader(4096).next(Buffer.from('x\r\r\n'));
      expect(found.type === 'line' && text(found.line)).toBe('x\r');
    });

    it('asks for more until the newline arrives, scanning only new bytes', () => {
      const reader = new LineReader(4096);
      expect(reader.next(Buffer.from('get'))).toEqual({ type: 'more' });
      expect(reader.next(Buffer.from('get a'))).toEqual({ type: 'more' });
      const found = reader.next(Buffer.from('get a\n'));
      expect(found.type === 'line' && text(found.line)).toBe('get a');
    });

    it('refuses to wait past 2048 bytes unless the line is a get or gets', () => {
      const reader = new LineReader(4096);
      expect(reader.next(Buffer.alloc(2048, 0x61))).toEqual({ type: 'more' });
      expect(reader.next(Buffer.alloc(2049, 0x61))).toEqual({ type: 'too_long' });
      expect(reader.next(Buffer.from(`get ${'a'.repeat(3000)}`))).toEqual({ type: 'more' });
      expect(reader.next(Buffer.from(`gets ${'a'.repeat(5000)}`))).toEqual({ type: 'too_long' });
      expect(reader.next(Buffer.from(`getx ${'a'.repeat(3000)}`))).toEqual({ type: 'too_long' });
    });
  });
});
