import type { StorageVerb } from './command';
import { ErrorReply } from './error-replies';
import { cmd, err, parseAll } from './feed.spec-helper';

const U64_MAX = 18446744073709551615n;
const key250 = 'k'.repeat(250);
const key251 = 'k'.repeat(251);
const data = (text: string) => Buffer.from(text, 'utf8');

describe('memcached-protocol', () => {
  describe('commands', () => {
    describe('storage', () => {
      const verbs: StorageVerb[] = ['set', 'add', 'replace', 'append', 'prepend'];

      it.each(verbs)('parses %s with its data block', (verb) => {
        expect(parseAll(`${verb} greeting 42 300 5\r\nhello\r\n`)).toEqual([
          cmd({ kind: 'store', verb, key: 'greeting', flags: 42, exptime: 300, data: data('hello'), noreply: false }),
        ]);
      });

      it.each(verbs)('parses %s … noreply', (verb) => {
        expect(parseAll(`${verb} k 0 0 1 noreply\r\nx\r\n`)).toEqual([
          cmd({ kind: 'store', verb, key: 'k', flags: 0, exptime: 0, data: data('x'), noreply: true }),
        ]);
      });

      it('ignores a sixth token that is not noreply, as memcached does', () => {
        expect(parseAll('set k 0 0 1 please\r\nx\r\n')).toEqual([
          cmd({ kind: 'store', verb: 'set', key: 'k', flags: 0, exptime: 0, data: data('x'), noreply: false }),
        ]);
      });

      it('accepts an empty value (bytes 0)', () => {
        expect(parseAll('set k 1 0 0\r\n\r\n')).toEqual([
          cmd({ kind: 'store', verb: 'set', key: 'k', flags: 1, exptime: 0, data: Buffer.alloc(0), noreply: false }),
        ]);
      });

      it.each([
        ['0', 0],
        ['4294967295', 4294967295],
        ['4294967296', 0],
        ['4294967301', 5],
        ['18446744073709551615', 4294967295],
        ['+7', 7],
        ['007', 7],
      ])('keeps flags %s modulo 2^32 (%d)', (flags, expected) => {
        const [item] = parseAll(`set k ${flags} 0 1\r\nx\r\n`);
        expect(item).toMatchObject({ type: 'command', command: { flags: expected } });
      });

      it.each(['-1', '-0', 'abc', '1a', '0x10', '18446744073709551616', '1.5'])(
        'refuses flags %s, and the data line then reads as a command',
        (flags) => {
          expect(parseAll(`set k ${flags} 0 1\r\nx\r\n`)).toEqual([
            err(ErrorReply.badCommandLineFormat),
            err(ErrorReply.unknownCommand),
          ]);
        },
      );

      it.each([
        ['0', 0],
        ['-1', -1],
        ['2592000', 2592000],
        ['2592001', 2592001],
        ['2147483647', 2147483647],
        ['2147483648', -2147483648],
        ['4294967296', 0],
      ])('reads exptime %s as a wrapping int32 (%d)', (exptime, expected) => {
        const [item] = parseAll(`set k 0 ${exptime} 1\r\nx\r\n`);
        expect(item).toMatchObject({ type: 'command', command: { exptime: expected } });
      });

      it.each(['abc', '1a', '', '9223372036854775808'])('refuses exptime %j', (exptime) => {
        const line = exptime === '' ? 'set k 0 1\r\nx\r\n' : `set k 0 ${exptime} 1\r\nx\r\n`;
        const [first] = parseAll(line);
        expect(first).toEqual(exptime === '' ? err(ErrorReply.unknownCommand) : err(ErrorReply.badCommandLineFormat));
      });

      it.each(['-1', 'abc', '2147483646', '2147483648'])('refuses bytes %s; the data line reads as a command', (bytes) => {
        expect(parseAll(`set k 0 0 ${bytes}\r\nx\r\n`)).toEqual([
          err(ErrorReply.badCommandLineFormat),
          err(ErrorReply.unknownCommand),
        ]);
      });

      it('reads bytes as memcached does, into an int32: 4294967297 means 1', () => {
        expect(parseAll('set k 0 0 4294967297\r\nx\r\n')).toEqual([
          cmd({ kind: 'store', verb: 'set', key: 'k', flags: 0, exptime: 0, data: data('x'), noreply: false }),
        ]);
      });

      it('takes a 250-byte key', () => {
        expect(parseAll(`set ${key250} 0 0 1\r\nx\r\n`)).toEqual([
          cmd({ kind: 'store', verb: 'set', key: key250, flags: 0, exptime: 0, data: data('x'), noreply: false }),
        ]);
      });

      it('refuses a 251-byte key, and the data line then gets ERROR (not swallowed)', () => {
        expect(parseAll(`set ${key251} 0 0 1\r\nx\r\nget a\r\n`)).toEqual([
          err(ErrorReply.badCommandLineFormat),
          err(ErrorReply.unknownCommand),
          cmd({ kind: 'get', verb: 'get', keys: ['a'] }),
        ]);
      });

      it.each([
        ['a tab', Buffer.from('a\tb')],
        ['a NUL', Buffer.from('a\0b')],
        ['a CR', Buffer.from('a\rb')],
        ['DEL', Buffer.from('a\x7fb', 'latin1')],
        ['a C1 control (U+0085)', Buffer.from('a\u0085b', 'utf8')],
        ['invalid UTF-8 (0xff)', Buffer.from([0x61, 0xff])],
        ['a lone continuation byte', Buffer.from([0x80])],
        ['an overlong encoding of /', Buffer.from([0xc0, 0xaf])],
        ['a UTF-8 encoded surrogate', Buffer.from([0xed, 0xa0, 0x80])],
      ])('refuses a key with %s as a bad key', (_what, key) => {
        expect(parseAll([Buffer.from('set '), key, Buffer.from(' 0 0 1\r\nx\r\n')])).toEqual([
          err(ErrorReply.badCommandLineFormat),
          err(ErrorReply.unknownCommand),
        ]);
      });

      it('takes UTF-8 keys up to 250 bytes, counted in bytes', () => {
        const ok = 'я'.repeat(125); // 250 bytes
        expect(parseAll(`set ${ok} 0 0 1\r\nx\r\n`)).toEqual([
          cmd({ kind: 'store', verb: 'set', key: ok, flags: 0, exptime: 0, data: data('x'), noreply: false }),
        ]);
        expect(parseAll(`set ${ok}я 0 0 1\r\nx\r\n`)[0]).toEqual(err(ErrorReply.badCommandLineFormat));
      });

      it('keeps a leading byte-order mark as part of the key', () => {
        const [item] = parseAll('set \uFEFFk 0 0 1\r\nx\r\n');
        expect(item).toMatchObject({ command: { key: '\uFEFFk' } });
      });

      it.each([
        ['too few tokens', 'set k 0 0\r\n'],
        ['too many tokens', 'set k 0 0 1 noreply extra\r\n'],
      ])('answers %s with ERROR', (_what, line) => {
        expect(parseAll(line)).toEqual([err(ErrorReply.unknownCommand)]);
      });
    });

    describe('cas', () => {
      it('parses cas with its unique', () => {
        expect(parseAll('cas k 3 10 2 12345\r\nhi\r\n')).toEqual([
          cmd({ kind: 'cas', key: 'k', flags: 3, exptime: 10, data: data('hi'), casUnique: 12345n, noreply: false }),
        ]);
      });

      it('parses cas … noreply and the extremes of the unique', () => {
        expect(parseAll(`cas k 0 0 1 0 noreply\r\nx\r\ncas k 0 0 1 ${U64_MAX}\r\ny\r\n`)).toEqual([
          cmd({ kind: 'cas', key: 'k', flags: 0, exptime: 0, data: data('x'), casUnique: 0n, noreply: true }),
          cmd({ kind: 'cas', key: 'k', flags: 0, exptime: 0, data: data('y'), casUnique: U64_MAX, noreply: false }),
        ]);
      });

      it.each(['18446744073709551616', '-1', 'abc'])('refuses cas unique %s', (unique) => {
        expect(parseAll(`cas k 0 0 1 ${unique}\r\nx\r\n`)).toEqual([
          err(ErrorReply.badCommandLineFormat),
          err(ErrorReply.unknownCommand),
        ]);
      });

      it('needs its unique: cas without one is ERROR', () => {
        expect(parseAll('cas k 0 0 1\r\n')).toEqual([err(ErrorReply.unknownCommand)]);
      });
    });

    describe('retrieval', () => {
      it.each(['get', 'gets'] as const)('parses %s with one and with several keys', (verb) => {
        expect(parseAll(`${verb} a\r\n${verb} a b  c a\r\n`)).toEqual([
          cmd({ kind: 'get', verb, keys: ['a'] }),
          cmd({ kind: 'get', verb, keys: ['a', 'b', 'c', 'a'] }),
        ]);
      });

      it.each(['get', 'gets', 'gat', 'gats', 'get ', 'gat  '])('answers a bare %j with ERROR', (line) => {
        expect(parseAll(`${line}\r\n`)).toEqual([err(ErrorReply.unknownCommand)]);
      });

      it('parses a 1000-key multi-get (a line far beyond 2048 bytes)', () => {
        const keys = Array.from({ length: 1000 }, (_, i) => `key:${i}`);
        const line = `get ${keys.join(' ')}\r\n`;
        expect(line.length).toBeGreaterThan(2048);
        expect(parseAll(line)).toEqual([cmd({ kind: 'get', verb: 'get', keys })]);
      });

      it('parses a 1000-key gets of 250-byte keys', () => {
        const keys = Array.from({ length: 1000 }, (_, i) => `${i}`.padStart(250, 'k'));
        const [item] = parseAll(`gets ${keys.join(' ')}\r\n`);
        expect(item).toEqual(cmd({ kind: 'get', verb: 'gets', keys }));
      });

      it('fails the whole get when one key is bad', () => {
        expect(parseAll(`get a ${key251} b\r\nget a\tb\r\n`)).toEqual([
          err(ErrorReply.badCommandLineFormat),
          err(ErrorReply.badCommandLineFormat),
        ]);
      });

      it.each(['gat', 'gats'] as const)('parses %s <exptime> <key>+', (verb) => {
        expect(parseAll(`${verb} 100 a b\r\n${verb} -1 a\r\n`)).toEqual([
          cmd({ kind: 'gat', verb, exptime: 100, keys: ['a', 'b'] }),
          cmd({ kind: 'gat', verb, exptime: -1, keys: ['a'] }),
        ]);
      });

      it('passes gat <exptime> without keys on, as memcached answers it with a bare END', () => {
        expect(parseAll('gat 10\r\n')).toEqual([cmd({ kind: 'gat', verb: 'gat', exptime: 10, keys: [] })]);
      });

      it('refuses a gat exptime that is not a number', () => {
        expect(parseAll('gat abc k\r\ngats 1a k\r\n')).toEqual([
          err(ErrorReply.invalidExptime),
          err(ErrorReply.invalidExptime),
        ]);
      });
    });

    describe('touch', () => {
      it('parses touch, with and without noreply', () => {
        expect(parseAll('touch k 60\r\ntouch k -1 noreply\r\n')).toEqual([
          cmd({ kind: 'touch', key: 'k', exptime: 60, noreply: false }),
          cmd({ kind: 'touch', key: 'k', exptime: -1, noreply: true }),
        ]);
      });

      it('refuses a bad exptime, a bad key and a wrong token count', () => {
        expect(parseAll(`touch k abc\r\ntouch ${key251} 1\r\ntouch k\r\ntouch k 1 noreply x\r\n`)).toEqual([
          err(ErrorReply.invalidExptime),
          err(ErrorReply.badCommandLineFormat),
          err(ErrorReply.unknownCommand),
          err(ErrorReply.unknownCommand),
        ]);
      });
    });

    describe('delete', () => {
      it.each([
        ['delete k', false],
        ['delete k noreply', true],
        ['delete k 0', false],
        ['delete k 0 noreply', true],
      ])('accepts %j', (line, noreply) => {
        expect(parseAll(`${line}\r\n`)).toEqual([cmd({ kind: 'delete', key: 'k', noreply })]);
      });

      it.each(['delete k 10', 'delete k noreply 0', 'delete k 00', 'delete k 0 0'])('answers %j with the usage line', (line) => {
        expect(parseAll(`${line}\r\n`)).toEqual([err(ErrorReply.deleteUsage)]);
        expect(ErrorReply.deleteUsage).toBe('CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]');
      });

      it('answers a bare delete or one with too many tokens with ERROR', () => {
        expect(parseAll('delete\r\ndelete k 0 noreply x\r\n')).toEqual([
          err(ErrorReply.unknownCommand),
          err(ErrorReply.unknownCommand),
        ]);
      });

      it('refuses a 251-byte key', () => {
        expect(parseAll(`delete ${key251}\r\n`)).toEqual([err(ErrorReply.badCommandLineFormat)]);
      });
    });

    describe('arithmetic', () => {
      it.each(['incr', 'decr'] as const)('parses %s, with and without noreply', (verb) => {
        expect(parseAll(`${verb} n 5\r\n${verb} n 1 noreply\r\n`)).toEqual([
          cmd({ kind: 'arithmetic', verb, key: 'n', delta: 5n, noreply: false }),
          cmd({ kind: 'arithmetic', verb, key: 'n', delta: 1n, noreply: true }),
        ]);
      });

      it.each([
        ['0', 0n],
        ['18446744073709551615', U64_MAX],
      ])('takes delta %s', (delta, expected) => {
        expect(parseAll(`incr n ${delta}\r\n`)).toEqual([
          cmd({ kind: 'arithmetic', verb: 'incr', key: 'n', delta: expected, noreply: false }),
        ]);
      });

      it.each(['18446744073709551616', '-1', '1a', 'abc', '1.0'])('refuses delta %s', (delta) => {
        expect(parseAll(`incr n ${delta}\r\ndecr n ${delta}\r\n`)).toEqual([
          err(ErrorReply.invalidDelta),
          err(ErrorReply.invalidDelta),
        ]);
      });

      it('refuses a bad key before looking at the delta, and wrong token counts', () => {
        expect(parseAll(`incr ${key251} x\r\nincr n\r\ndecr n 1 noreply x\r\n`)).toEqual([
          err(ErrorReply.badCommandLineFormat),
          err(ErrorReply.unknownCommand),
          err(ErrorReply.unknownCommand),
        ]);
      });
    });

    describe('flush_all', () => {
      it.each([
        ['flush_all', 0, false],
        ['flush_all 10', 10, false],
        ['flush_all noreply', 0, true],
        ['flush_all 10 noreply', 10, true],
        ['flush_all 0', 0, false],
        ['flush_all -5', 0, false],
        ['flush_all 10 20', 10, false],
      ])('parses %j', (line, delaySeconds, noreply) => {
        expect(parseAll(`${line}\r\n`)).toEqual([cmd({ kind: 'flush_all', delaySeconds, noreply })]);
      });

      it.each(['flush_all abc', 'flush_all noreply 10'])('answers %j with invalid exptime', (line) => {
        expect(parseAll(`${line}\r\n`)).toEqual([err(ErrorReply.invalidExptime)]);
      });

      it('answers too many tokens with ERROR', () => {
        expect(parseAll('flush_all 1 2 3\r\n')).toEqual([err(ErrorReply.unknownCommand)]);
      });
    });

    describe('version, verbosity, stats, quit', () => {
      it('parses version and quit, ignoring extra tokens as memcached does', () => {
        expect(parseAll('version\r\nversion please\r\nquit\r\n')).toEqual([
          cmd({ kind: 'version' }),
          cmd({ kind: 'version' }),
          cmd({ kind: 'quit' }),
        ]);
      });

      it('parses verbosity, with and without noreply', () => {
        expect(parseAll('verbosity 1\r\nverbosity 0 noreply\r\n')).toEqual([
          cmd({ kind: 'verbosity', level: 1, noreply: false }),
          cmd({ kind: 'verbosity', level: 0, noreply: true }),
        ]);
      });

      it('answers a bare verbosity with ERROR and a bad level with bad command line format', () => {
        expect(parseAll('verbosity\r\nverbosity abc\r\nverbosity 1 2 3\r\n')).toEqual([
          err(ErrorReply.unknownCommand),
          err(ErrorReply.badCommandLineFormat),
          err(ErrorReply.unknownCommand),
        ]);
      });

      it('parses stats with its arguments', () => {
        expect(parseAll('stats\r\nstats settings\r\nstats detail on\r\n')).toEqual([
          cmd({ kind: 'stats', args: [] }),
          cmd({ kind: 'stats', args: ['settings'] }),
          cmd({ kind: 'stats', args: ['detail', 'on'] }),
        ]);
      });
    });

    describe('unknown commands', () => {
      it.each([
        ['an empty line', '\r\n'],
        ['a bare LF', '\n'],
        ['spaces only', '   \r\n'],
        ['an upper-case name', 'GET k\r\n'],
        ['a mixed-case name', 'Set k 0 0 1\r\n'],
        ['a made-up name', 'fetch k\r\n'],
        ['a meta command (not supported)', 'mg k v\r\n'],
        ['a one-letter name', 'g\r\n'],
        ['a name glued to a tab', 'get\tk\r\n'],
        ['a NUL inside the name', 'ge\0t k\r\n'],
      ])('answers %s with ERROR', (_what, line) => {
        expect(parseAll(line)).toEqual([err(ErrorReply.unknownCommand)]);
      });
    });

    describe('noreply', () => {
      // memcached's out_string stays silent once it has seen noreply on the line, errors
      // included; a client that asked for silence is not reading replies.
      it.each([
        `set k abc 0 1 noreply`,
        `set ${key251} 0 0 1 noreply`,
        `cas k 0 0 1 abc noreply`,
        `incr k abc noreply`,
        `decr ${key251} 1 noreply`,
        `touch k abc noreply`,
        `delete k 10 noreply`,
        `delete ${key251} noreply`,
        `flush_all abc noreply`,
        `verbosity abc noreply`,
      ])('silences the error of %j', (line) => {
        expect(parseAll(`${line}\r\nversion\r\n`)).toEqual([cmd({ kind: 'version' })]);
      });

      it('still answers a wrong token count, found before noreply is looked at', () => {
        expect(parseAll('incr k 1 2 noreply\r\n')).toEqual([err(ErrorReply.unknownCommand)]);
      });

      it('does not silence the next command', () => {
        expect(parseAll('incr k abc noreply\r\nincr k abc\r\n')).toEqual([err(ErrorReply.invalidDelta)]);
      });
    });
  });
});
