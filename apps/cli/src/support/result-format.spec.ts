import { formatTable, formatVertical } from './result-format';

describe('mysql client result layouts', () => {
  it('prints \\G rows with names right-aligned to the longest and NULL for null', () => {
    expect(formatVertical({ Replica_IO_Running: 'Yes', Seconds_Behind_Source: null, Last_Errno: 0 })).toBe(
      [
        '*************************** 1. row ***************************',
        '   Replica_IO_Running: Yes',
        'Seconds_Behind_Source: NULL',
        '           Last_Errno: 0',
        '',
      ].join('\n'),
    );
  });

  it('prints a boxed table with numbers right-aligned and empty cells kept', () => {
    expect(formatTable(['File', 'Position', 'Executed_Gtid_Set'], [{ File: 'kbinlog.a.binlog-0', Position: '7', Executed_Gtid_Set: '' }])).toBe(
      [
        '+--------------------+----------+-------------------+',
        '| File               | Position | Executed_Gtid_Set |',
        '+--------------------+----------+-------------------+',
        '| kbinlog.a.binlog-0 |        7 |                   |',
        '+--------------------+----------+-------------------+',
        '',
      ].join('\n'),
    );
  });
});
