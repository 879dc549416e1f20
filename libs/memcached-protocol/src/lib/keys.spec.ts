import { decodeKey, isValidKey } from './keys';

describe('memcached-protocol', () => {
  describe('keys', () => {
    it('decodes ASCII and UTF-8 keys', () => {
      expect(decodeKey(Buffer.from('user:42'))).toBe('user:42');
      expect(decodeKey(Buffer.from('clé-ключ-键-🔑'))).toBe('clé-ключ-键-🔑');
      expect(decodeKey(Buffer.from('non\u00a0breaking'))).toBe('non\u00a0breaking');
    });

    it('counts the 250-byte limit in bytes', () => {
      expect(decodeKey(Buffer.from('x'.repeat(250)))).toBe('x'.repeat(250));
      expect(decodeKey(Buffer.from('x'.repeat(251)))).toBeUndefined();
      expect(decodeKey(Buffer.from('🔑'.repeat(63)))).toBeUndefined(); // 252 bytes
    });

    it.each([
      ['empty', Buffer.alloc(0)],
      ['NUL', Buffer.from([0x61, 0x00])],
      ['tab', Buffer.from('a\tb')],
      ['LF', Buffer.from('a\nb')],
      ['space', Buffer.from('a b')],
      ['DEL', Buffer.from([0x61, 0x7f])],
      ['C1 NEL', Buffer.from('a\u0085')],
      ['truncated sequence', Buffer.from([0xe2, 0x82])],
      ['invalid byte', Buffer.from([0xfe])],
      ['overlong', Buffer.from([0xc1, 0xbf])],
      ['beyond U+10FFFF', Buffer.from([0xf4, 0x90, 0x80, 0x80])],
    ])('refuses %s', (_what, bytes) => {
      expect(decodeKey(bytes)).toBeUndefined();
    });

    it('tells a server which keys it may write into a reply', () => {
      expect(isValidKey('ok')).toBe(true);
      expect(isValidKey('x'.repeat(250))).toBe(true);
      expect(isValidKey('x'.repeat(251))).toBe(false);
      expect(isValidKey('')).toBe(false);
      expect(isValidKey('a\r\nEND')).toBe(false);
      expect(isValidKey('a b')).toBe(false);
      expect(isValidKey('\ud800')).toBe(false); // lone surrogate: no UTF-8 form
    });
  });
});
