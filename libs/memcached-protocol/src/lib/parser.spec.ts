import type { ParseItem } from './command';
import { ErrorReply } from './error-replies';
import { cmd, err, feedChunks, parseAll } from './feed.spec-helper';
import { COMMAND_LINE_MAX_LENGTH, DEFAULT_MAX_ITEM_SIZE, DEFAULT_MAX_MULTIGET_LINE_LENGTH } from './limits';
import { MemcachedParser } from './parser';

const set = (key: string, value: Buffer | string, noreply = false) =>
  cmd({
    kind: 'store',
    verb: 'set',
    key,
    flags: 0,
    exptime: 0,
    data: Buffer.isBuffer(value) ? value : Buffer.from(value),
    noreply,
  });
const get = (...keys: string[]) => cmd({ kind: 'get', verb: 'get', keys });

/** Splits `bytes` into chunks of `size`. */
function chunked(bytes: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return chunks;
}

/** Feeds `chunks` one by one, draining after each, and records the largest buffer held. */
function feedWatchingMemory(parser: MemcachedParser, chunks: Iterable<Buffer>): { items: ParseItem[]; peak: number } {
  const items: ParseItem[] = [];
  let peak = 0;
  for (const chunk of chunks) {
    parser.push(chunk);
    for (let item = parser.next(); item; item = parser.next()) items.push(item);
    peak = Math.max(peak, parser.bufferedBytes);
  }
  return { items, peak };
}

function* repeatChunk(chunk: Buffer, totalBytes: number): Generator<Buffer> {
  for (let sent = 0; sent < totalBytes; sent += chunk.length) yield chunk;
}

describe('memcached-protocol', () => {
  describe('parser', () => {
    describe('framing', () => {
      it('yields nothing until a line is complete', () => {
        const parser = new MemcachedParser();
        parser.push(Buffer.from('get ke'));
        expect(parser.next()).toBeUndefined();
        parser.push(Buffer.from('y\r'));
        expect(parser.next()).toBeUndefined();
        parser.push(Buffer.from('\n'));
        expect(parser.next()).toEqual(get('key'));
        expect(parser.next()).toBeUndefined();
      });

      it('yields nothing until a data block and its \\r\\n are complete', () => {
        const parser = new MemcachedParser();
        parser.push(Buffer.from('set k 0 0 5\r\nhel'));
        expect(parser.next()).toBeUndefined();
        parser.push(Buffer.from('lo\r'));
        expect(parser.next()).toBeUndefined();
        parser.push(Buffer.from('\n'));
        expect(parser.next()).toEqual(set('k', 'hello'));
      });

      it('yields several commands from one chunk, in order', () => {
        expect(parseAll('set a 0 0 1\r\n1\r\nget a\r\ndelete a\r\nbogus\r\nversion\r\n')).toEqual([
          set('a', '1'),
          get('a'),
          cmd({ kind: 'delete', key: 'a', noreply: false }),
          err(ErrorReply.unknownCommand),
          cmd({ kind: 'version' }),
        ]);
      });

      it('accepts a bare \\n as line end, as memcached does', () => {
        expect(parseAll('get a\nset b 0 0 1\nx\r\nversion\n')).toEqual([get('a'), set('b', 'x'), cmd({ kind: 'version' })]);
      });

      it('ignores leading, trailing and repeated spaces', () => {
        expect(parseAll('   get   a    b   \r\n')).toEqual([get('a', 'b')]);
      });

      it('leaves a CR that is not right before the LF inside its token', () => {
        expect(parseAll('get a\r \r\n')).toEqual([err(ErrorReply.badCommandLineFormat)]);
      });

      it('gives the same items for a long pipelined session however it is cut', () => {
        const session = [
          'set k1 1 0 3\r\nabc\r\n',
          'gets k1 k2\r\n',
          'cas k1 1 0 1 7 noreply\r\nz\r\n',
          'incr n 18446744073709551615\r\n',
          'set k2 0 0 1\r\nxy\r\n',
          'touch k1 10\r\n',
          'flush_all 5 noreply\r\n',
          'quit\r\n',
        ].join('');
        const kinds = parseAll(session).map((item) => (item.type === 'command' ? item.command.kind : item.reply));
        expect(kinds).toEqual(['store', 'get', 'cas', 'arithmetic', ErrorReply.badDataChunk, 'ERROR', 'touch', 'flush_all', 'quit']);
      });

      it('does not let a pushed chunk be changed through the data it returned', () => {
        const chunk = Buffer.from('set k 0 0 3\r\nabc\r\n');
        const [item] = feedChunks([chunk]);
        chunk.fill(0x21);
        expect(item).toEqual(set('k', 'abc'));
      });
    });

    describe('data blocks', () => {
      it('is binary-safe: CR, LF and every byte value inside the block', () => {
        const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
        const tricky = Buffer.from('\r\nget x\r\nEND\r\n\n\r');
        expect(parseAll([`set bin 0 0 ${all.length}\r\n`, all, '\r\n', `set t 0 0 ${tricky.length}\r\n`, tricky, '\r\n'])).toEqual([
          set('bin', all),
          set('t', tricky),
        ]);
      });

      it('reports a block longer than <bytes> and reads on right after <bytes> + 2 bytes', () => {
        // memcached reads `t1\r`, finds no \r\n at its end, and parses the leftover `\n` as an
        // empty command line.
        expect(parseAll('set test1 10 0 1\r\nt1\r\nget test1\r\n')).toEqual([
          err(ErrorReply.badDataChunk),
          err(ErrorReply.unknownCommand),
          get('test1'),
        ]);
      });

      it('parses what follows a too-long block as a command line', () => {
        expect(parseAll('set k 0 0 1\r\nabcdef\r\nget k\r\n')).toEqual([
          err(ErrorReply.badDataChunk),
          err(ErrorReply.unknownCommand), // `cdef`
          get('k'),
        ]);
      });

      it('reports a block shorter than <bytes>, taking bytes of the next line as data', () => {
        // Reads `ab\r\nget` as the 7 bytes; ` k\r\n` is left: the command `k`.
        expect(parseAll('set k 0 0 5\r\nab\r\nget k\r\n')).toEqual([
          err(ErrorReply.badDataChunk),
          err(ErrorReply.unknownCommand),
        ]);
      });

      it('refuses a block ended by a bare \\n', () => {
        expect(parseAll('set k 0 0 1\r\nx\nget k\r\n')).toEqual([err(ErrorReply.badDataChunk), err(ErrorReply.unknownCommand)]);
      });

      it('silences bad data chunk under noreply but still reads on after the block', () => {
        expect(parseAll('set test1 10 0 1 noreply\r\nt1\r\nget a\r\n')).toEqual([err(ErrorReply.unknownCommand), get('a')]);
      });

      it('waits for the whole block even when its end is wrong', () => {
        const parser = new MemcachedParser();
        parser.push(Buffer.from('set k 0 0 3\r\nab'));
        expect(parser.next()).toBeUndefined();
        parser.push(Buffer.from('cXY'));
        expect(parser.next()).toEqual(err(ErrorReply.badDataChunk));
      });
    });

    describe('item size', () => {
      const options = { maxItemSize: 16 };

      it('accepts a block of exactly maxItemSize', () => {
        const value = 'v'.repeat(16);
        expect(parseAll(`set k 0 0 16\r\n${value}\r\nget k\r\n`, options)).toEqual([set('k', value), get('k')]);
      });

      it('refuses maxItemSize + 1 and swallows the block, even one that looks like commands', () => {
        const block = 'get a\r\nget b\r\nxyz'; // 17 bytes
        expect(parseAll(`set k 0 0 17\r\n${block}\r\nget c\r\n`, options)).toEqual([
          err(ErrorReply.objectTooLarge),
          get('c'),
        ]);
      });

      it('swallows <bytes> + 2 bytes whatever they are (memcached does not check the end)', () => {
        expect(parseAll(`set k 0 0 17\r\n${'x'.repeat(19)}get c\r\n`, options)).toEqual([err(ErrorReply.objectTooLarge), get('c')]);
      });

      it('swallows silently under noreply', () => {
        expect(parseAll(`set k 0 0 17 noreply\r\n${'x'.repeat(17)}\r\nget c\r\n`, options)).toEqual([get('c')]);
      });

      it('refuses too large a cas the same way', () => {
        expect(parseAll(`cas k 0 0 17 1\r\n${'x'.repeat(17)}\r\nget c\r\n`, options)).toEqual([
          err(ErrorReply.objectTooLarge),
          get('c'),
        ]);
      });

      it('holds the default 1 MiB item, and swallows 1 MiB + 1 without holding it', () => {
        const value = Buffer.alloc(DEFAULT_MAX_ITEM_SIZE, 0x61);
        const input = Buffer.concat([
          Buffer.from(`set big 0 0 ${DEFAULT_MAX_ITEM_SIZE}\r\n`),
          value,
          Buffer.from(`\r\nset bigger 0 0 ${DEFAULT_MAX_ITEM_SIZE + 1}\r\n`),
          value,
          Buffer.from('b\r\nget big\r\n'),
        ]);
        // Buffers compared with equals(): Jest's toEqual walks a megabyte byte by byte, slowly.
        const withoutData = (items: ParseItem[]) =>
          items.map((item) => (item.type === 'command' && 'data' in item.command ? { ...item.command, data: item.command.data.length } : item));
        for (const chunkSize of [64 * 1024, 7919]) {
          const { items, peak } = feedWatchingMemory(new MemcachedParser(), chunked(input, chunkSize));
          expect(withoutData(items)).toEqual([
            { kind: 'store', verb: 'set', key: 'big', flags: 0, exptime: 0, data: DEFAULT_MAX_ITEM_SIZE, noreply: false },
            err(ErrorReply.objectTooLarge),
            get('big'),
          ]);
          const [first] = items;
          expect(first.type === 'command' && first.command.kind === 'store' && first.command.data.equals(value)).toBe(true);
          expect(peak).toBeLessThanOrEqual(DEFAULT_MAX_ITEM_SIZE + 2);
        }
      });

      it('never holds a swallowed block, however large it claims to be', () => {
        const parser = new MemcachedParser();
        const { items, peak } = feedWatchingMemory(parser, [
          Buffer.from('set k 0 0 2147483645\r\n'),
          ...repeatChunk(Buffer.alloc(64 * 1024), 8 * 1024 * 1024),
        ]);
        expect(items).toEqual([err(ErrorReply.objectTooLarge)]);
        expect(peak).toBe(0);
      });
    });

    describe('hostile input', () => {
      it('takes a 2048-byte command line and closes on a 2049-byte one', () => {
        const line = (length: number) => `x${'y'.repeat(length - 1)}\r\n`;
        // The \r counts: memcached measures what it holds before the \n arrives.
        expect(parseAll(line(COMMAND_LINE_MAX_LENGTH - 1))).toEqual([err(ErrorReply.unknownCommand)]);
        expect(parseAll(line(COMMAND_LINE_MAX_LENGTH))).toEqual([err(ErrorReply.lineTooLong, true)]);
        expect(parseAll(`${'z'.repeat(COMMAND_LINE_MAX_LENGTH)}\n`)).toEqual([err(ErrorReply.unknownCommand)]);
      });

      it('closes on a long line without a newline as soon as it passes 2048 bytes', () => {
        const parser = new MemcachedParser();
        parser.push(Buffer.from('get a\r\n'));
        parser.push(Buffer.alloc(COMMAND_LINE_MAX_LENGTH, 0x41));
        expect(parser.next()).toEqual(get('a'));
        expect(parser.next()).toBeUndefined();
        parser.push(Buffer.from('A'));
        expect(parser.next()).toEqual(err(ErrorReply.lineTooLong, true));
        expect(parser.closed).toBe(true);
        expect(parser.bufferedBytes).toBe(0);
        parser.push(Buffer.from('get b\r\n'));
        expect(parser.next()).toBeUndefined();
        expect(parser.bufferedBytes).toBe(0);
      });

      it('closes on 10 MB of garbage without a newline, holding no more than the bound', () => {
        const parser = new MemcachedParser();
        const { items, peak } = feedWatchingMemory(parser, repeatChunk(Buffer.alloc(1024, 0x41), 10 * 1024 * 1024));
        expect(items).toEqual([err(ErrorReply.lineTooLong, true)]);
        expect(peak).toBeLessThanOrEqual(COMMAND_LINE_MAX_LENGTH);
      });

      it('closes on a 10 MB get line once it passes maxMultigetLineLength', () => {
        const parser = new MemcachedParser();
        const { items, peak } = feedWatchingMemory(parser, [
          Buffer.from('get '),
          ...repeatChunk(Buffer.from('abcdefg '.repeat(1024)), 10 * 1024 * 1024),
        ]);
        expect(items).toEqual([err(ErrorReply.lineTooLong, true)]);
        expect(peak).toBeLessThanOrEqual(DEFAULT_MAX_MULTIGET_LINE_LENGTH);
      });

      it('lets only get and gets lines pass 2048 bytes, after at most 100 spaces', () => {
        const keys = Array.from({ length: 500 }, (_, i) => `key${i}`);
        const tail = `${keys.join(' ')}\r\n`;
        expect(parseAll(`gets ${tail}`)).toEqual([cmd({ kind: 'get', verb: 'gets', keys })]);
        expect(parseAll(`${' '.repeat(100)}get ${tail}`)).toEqual([get(...keys)]);
        expect(parseAll(`${' '.repeat(101)}get ${tail}`)).toEqual([err(ErrorReply.lineTooLong, true)]);
        expect(parseAll(`gat 0 ${tail}`)).toEqual([err(ErrorReply.lineTooLong, true)]);
        expect(parseAll(`delete ${tail}`)).toEqual([err(ErrorReply.lineTooLong, true)]);
      });

      it('honours maxMultigetLineLength exactly', () => {
        const options = { maxMultigetLineLength: 4096 };
        const line = (length: number) => `get ${'k '.repeat((length - 4) / 2)}`;
        expect(parseAll(`${line(4096)}\n`, options)).toHaveLength(1);
        expect(parseAll(`${line(4096)}\r\n`, options)).toEqual([err(ErrorReply.lineTooLong, true)]);
      });

      it('keeps the items before the line that closes the connection, and none after', () => {
        expect(parseAll(`version\r\n${'x'.repeat(3000)}\r\nversion\r\n`)).toEqual([
          cmd({ kind: 'version' }),
          err(ErrorReply.lineTooLong, true),
        ]);
      });

      it('rejects options it cannot honour', () => {
        expect(() => new MemcachedParser({ maxItemSize: -1 })).toThrow(RangeError);
        expect(() => new MemcachedParser({ maxItemSize: 2 ** 31 })).toThrow(RangeError);
        expect(() => new MemcachedParser({ maxMultigetLineLength: 100 })).toThrow(RangeError);
      });
    });
  });
});
