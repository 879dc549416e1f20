import {
  clientError,
  DELETED,
  END,
  ERROR,
  EXISTS,
  NOT_FOUND,
  NOT_STORED,
  numberReply,
  OK,
  replyLine,
  serverError,
  statsReply,
  STORED,
  TOUCHED,
  value,
  valuesReply,
  versionReply,
} from './replies';

const text = (bytes: Buffer) => bytes.toString('latin1');

describe('memcached-protocol', () => {
  describe('replies', () => {
    it('spells the fixed replies with \\r\\n', () => {
      expect([STORED, NOT_STORED, EXISTS, NOT_FOUND, DELETED, TOUCHED, OK, END, ERROR].map(text)).toEqual([
        'STORED\r\n',
        'NOT_STORED\r\n',
        'EXISTS\r\n',
        'NOT_FOUND\r\n',
        'DELETED\r\n',
        'TOUCHED\r\n',
        'OK\r\n',
        'END\r\n',
        'ERROR\r\n',
      ]);
    });

    it('writes client and server errors, and any parser error line', () => {
      expect(text(clientError('cannot increment or decrement non-numeric value'))).toBe(
        'CLIENT_ERROR cannot increment or decrement non-numeric value\r\n',
      );
      expect(text(serverError('out of memory storing object'))).toBe('SERVER_ERROR out of memory storing object\r\n');
      expect(text(replyLine('CLIENT_ERROR bad data chunk'))).toBe('CLIENT_ERROR bad data chunk\r\n');
    });

    it('refuses a CR or LF inside a reply line', () => {
      expect(() => clientError('bad\r\nSTORED')).toThrow(RangeError);
      expect(() => serverError('x\n')).toThrow(RangeError);
      expect(() => versionReply('1.6\r')).toThrow(RangeError);
    });

    it('writes a hit, with and without its cas unique', () => {
      expect(text(value('k', 5, Buffer.from('a\r\nb')))).toBe('VALUE k 5 4\r\na\r\nb\r\n');
      expect(text(value('k', 4294967295, Buffer.alloc(0), 18446744073709551615n))).toBe(
        'VALUE k 4294967295 0 18446744073709551615\r\n\r\n',
      );
    });

    it('writes UTF-8 keys as UTF-8 and counts data in bytes', () => {
      expect(value('clé', 0, Buffer.from('é'))).toEqual(Buffer.from('VALUE clé 0 2\r\né\r\n', 'utf8'));
    });

    it('refuses what cannot go on a VALUE line', () => {
      expect(() => value('a b', 0, Buffer.alloc(0))).toThrow(RangeError);
      expect(() => value('k'.repeat(251), 0, Buffer.alloc(0))).toThrow(RangeError);
      expect(() => value('k', -1, Buffer.alloc(0))).toThrow(RangeError);
      expect(() => value('k', 2 ** 32, Buffer.alloc(0))).toThrow(RangeError);
      expect(() => value('k', 0, Buffer.alloc(0), -1n)).toThrow(RangeError);
    });

    it('ends a retrieval with END, hits in order, misses absent', () => {
      expect(text(valuesReply([], false))).toBe('END\r\n');
      const hits = [
        { key: 'a', flags: 0, data: Buffer.from('1'), casUnique: 7n },
        { key: 'b', flags: 2, data: Buffer.from('22'), casUnique: 8n },
      ];
      expect(text(valuesReply(hits, false))).toBe('VALUE a 0 1\r\n1\r\nVALUE b 2 2\r\n22\r\nEND\r\n');
      expect(text(valuesReply(hits, true))).toBe('VALUE a 0 1 7\r\n1\r\nVALUE b 2 2 8\r\n22\r\nEND\r\n');
      expect(() => valuesReply([{ key: 'a', flags: 0, data: Buffer.alloc(0) }], true)).toThrow(RangeError);
    });

    it('writes incr/decr results as unsigned 64-bit decimals', () => {
      expect(text(numberReply(0n))).toBe('0\r\n');
      expect(text(numberReply(18446744073709551615n))).toBe('18446744073709551615\r\n');
      expect(() => numberReply(-1n)).toThrow(RangeError);
      expect(() => numberReply(18446744073709551616n)).toThrow(RangeError);
    });

    it('writes version and stats', () => {
      expect(text(versionReply('1.6.18'))).toBe('VERSION 1.6.18\r\n');
      expect(
        text(
          statsReply([
            ['pid', 42],
            ['version', '1.6.18'],
            ['total_items', 7n],
          ]),
        ),
      ).toBe('STAT pid 42\r\nSTAT version 1.6.18\r\nSTAT total_items 7\r\nEND\r\n');
      expect(text(statsReply([]))).toBe('END\r\n');
      expect(() => statsReply([['two words', 1]])).toThrow(RangeError);
    });
  });
});
