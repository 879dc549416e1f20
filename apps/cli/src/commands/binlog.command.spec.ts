import { runCli } from '../support/cli.spec-helper';
import { binlogDatetime, binlogOffset } from './binlog.command';

describe('kbinlog binlog list', () => {
  it('reads a position as an offset or as coordinates', () => {
    expect(binlogOffset('0')).toBe(0n);
    expect(binlogOffset('9223372036854775807')).toBe(9223372036854775807n);
    expect(binlogOffset('kbinlog.prod.binlog-0:1234')).toBe(1234n);
    for (const bad of ['-1', '1.5', '', 'mysql-bin.000042:4', 'kbinlog.prod.binlog-3:4', '9223372036854775808']) {
      expect(() => binlogOffset(bad)).toThrow(/expected an offset or kbinlog.<cluster>.binlog-0:<offset>/);
    }
  });

  it("reads a time as mysqlbinlog does (local time), or ISO 8601 with a zone, to microseconds", () => {
    expect(binlogDatetime('2026-12-03T17:04:05Z')).toBe(Date.UTC(2026, 11, 3, 17, 4, 5) * 1000);
    expect(binlogDatetime('2026-12-03 17:04:05.250+01:00')).toBe((Date.UTC(2026, 11, 3, 16, 4, 5) + 250) * 1000);
    expect(binlogDatetime('2026-12-03 17:04:05')).toBe(new Date(2026, 11, 3, 17, 4, 5).getTime() * 1000);
    for (const bad of ['yesterday', '2026-13-03 00:00:00', '2026-12-03', '2026-12-03 17:04', '1796310245']) {
      expect(() => binlogDatetime(bad)).toThrow(/expected YYYY-MM-DD HH:MM:SS/);
    }
  });

  it.each([
    [['--start-position', '10', '--stop-position', '9'], /--stop-position is before --start-position/],
    [['--start-datetime', '2026-12-03T10:00:00Z', '--stop-datetime', '2026-12-03T09:00:00Z'], /--stop-datetime is before --start-datetime/],
    [['--limit', '0'], /expected a whole number 1..999999999/],
    [['--start-position', 'x'], /expected an offset/],
    [['--json', '--events'], /cannot be used with/],
  ])('refuses %j before reading anything', async (args, error) => {
    const { code, err } = await runCli(['binlog', 'list', '--kafka-brokers', '127.0.0.1:1', ...args]);
    expect(code).not.toBe(0);
    expect(err).toMatch(error);
  });
});
