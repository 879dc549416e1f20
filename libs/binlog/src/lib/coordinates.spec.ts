import {
  binlogCoordinates,
  binlogTopic,
  compareCoordinates,
  formatCoordinates,
  InvalidCoordinatesError,
  parseCoordinates,
} from './coordinates';

describe('binlog coordinates', () => {
  it('names the binlog topic of a cluster', () => {
    expect(binlogTopic('prod-eu')).toBe('kbinlog.prod-eu.binlog');
  });

  it('formats as topic-partition:offset', () => {
    expect(formatCoordinates(binlogCoordinates('demo', 1234))).toBe('kbinlog.demo.binlog-0:1234');
  });

  it('round-trips through parse, including the largest int64 offset', () => {
    for (const text of ['kbinlog.demo.binlog-0:0', 'kbinlog.a.binlog-0:9223372036854775807']) {
      expect(formatCoordinates(parseCoordinates(text))).toBe(text);
    }
  });

  it('parses surrounding whitespace away', () => {
    expect(parseCoordinates('  kbinlog.demo.binlog-0:7\n').offset).toBe(7n);
  });

  it.each([
    ['', 'expected kbinlog.<cluster>.binlog-0:<offset>'],
    ['mysql-bin.000001:4', 'expected'],
    ['kbinlog.demo.binlog-0:', 'expected'],
    ['kbinlog.demo.binlog-0:-1', 'expected'],
    ['kbinlog.demo.binlog-0:12abc', 'expected'],
    ['kbinlog.demo.binlog-1:5', 'exactly one partition'],
    ['kbinlog.Demo.binlog-0:5', 'not a valid cluster name'],
    ['kbinlog.demo.binlog-0:9223372036854775808', 'int64'],
    [`kbinlog.${'x'.repeat(64)}.binlog-0:1`, 'not a valid cluster name'],
    ['kbinlog.demo.binlog-0:1\u0000', 'expected'],
  ])('rejects %j', (input, reason) => {
    expect(() => parseCoordinates(input)).toThrow(InvalidCoordinatesError);
    expect(() => parseCoordinates(input)).toThrow(reason);
  });

  it('rejects invalid cluster names and offsets when building', () => {
    expect(() => binlogTopic('has.dot')).toThrow(/invalid cluster name/);
    expect(() => binlogTopic('-lead')).toThrow(/invalid cluster name/);
    expect(() => binlogCoordinates('demo', -1)).toThrow(/outside/);
  });

  it('orders positions of one binlog and refuses to compare two binlogs', () => {
    const a = binlogCoordinates('demo', 10);
    const b = binlogCoordinates('demo', 12);
    expect(compareCoordinates(a, b)).toBe(-1);
    expect(compareCoordinates(b, a)).toBe(1);
    expect(compareCoordinates(a, binlogCoordinates('demo', '10'))).toBe(0);
    expect(() => compareCoordinates(a, binlogCoordinates('other', 10))).toThrow(/different binlogs/);
  });
});
