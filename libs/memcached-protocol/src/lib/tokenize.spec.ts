import { tokenize } from './tokenize';

const words = (line: string) => tokenize(Buffer.from(line, 'latin1')).map((token) => token.toString('latin1'));

describe('memcached-protocol', () => {
  describe('tokenize', () => {
    it('splits on spaces, collapsing runs and ignoring the ends', () => {
      expect(words('get a b')).toEqual(['get', 'a', 'b']);
      expect(words('  set   k  0 ')).toEqual(['set', 'k', '0']);
    });

    it('gives no token for an empty or all-space line', () => {
      expect(words('')).toEqual([]);
      expect(words('    ')).toEqual([]);
    });

    it('splits on the space only, as memcached does: tabs and CRs stay in their token', () => {
      expect(words('get\ta b\rc')).toEqual(['get\ta', 'b\rc']);
    });

    it('returns views into the line, not copies', () => {
      const line = Buffer.from('get key');
      const [, key] = tokenize(line);
      line[4] = 0x4b;
      expect(key.toString()).toBe('Key');
    });
  });
});
