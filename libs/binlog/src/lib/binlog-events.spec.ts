import { binlogEventRows } from './binlog-events';
import type { BinlogGroup } from './binlog-group';
import { binlogGroupText } from './binlog-text';

const UUID = '3e11fa47-71ca-11e1-9e33-c80aa9429562';
const PLACE = { logName: 'kbinlog.c.binlog-0', offset: 40n, nextOffset: 42n };
const group = (events: BinlogGroup['events'], n = 7): BinlogGroup => ({ gtid: `${UUID}:${n}`, serverId: 3, commitTimeUs: 1_796_310_245_123_456, events });

const shape = (rows: ReturnType<typeof binlogEventRows>) => rows.map((row) => [row.Event_type, row.Info]);

describe('binlog > events as MySQL prints them', () => {
  it('prints a row transaction as Gtid, BEGIN, a Table_map and rows event per run of one table, and Xid', () => {
    const rows = binlogEventRows(
      group([
        { type: 'insert', schema: 'shop', table: 'orders', after: { id: '1' } },
        { type: 'insert', schema: 'shop', table: 'orders', after: { id: '2' } },
        { type: 'update', schema: 'shop', table: 'stock', before: { id: '9', n: '5' }, after: { id: '9', n: '3' } },
        { type: 'delete', schema: 'shop', table: 'orders', before: { id: '0' } },
      ]),
      PLACE,
    );
    expect(shape(rows)).toEqual([
      ['Gtid', `SET @@SESSION.GTID_NEXT= '${UUID}:7'`],
      ['Query', 'BEGIN'],
      ['Table_map', 'table_id: 1 (shop.orders)'],
      ['Write_rows', 'table_id: 1 flags: STMT_END_F'],
      ['Table_map', 'table_id: 2 (shop.stock)'],
      ['Update_rows', 'table_id: 2 flags: STMT_END_F'],
      ['Table_map', 'table_id: 1 (shop.orders)'],
      ['Delete_rows', 'table_id: 1 flags: STMT_END_F'],
      ['Xid', 'COMMIT /* xid=7 */'],
    ]);
    expect(new Set(rows.map((row) => `${row.Log_name} ${row.Pos} ${row.End_log_pos} ${row.Server_id}`))).toEqual(new Set(['kbinlog.c.binlog-0 40 42 3']));
  });

  it('prints DDL as one Query with its default database, and a heartbeat as an empty transaction', () => {
    expect(shape(binlogEventRows(group([{ type: 'statement', schema: 'we`ird', sql: 'TRUNCATE TABLE `t`' }]), PLACE))).toEqual([
      ['Gtid', `SET @@SESSION.GTID_NEXT= '${UUID}:7'`],
      ['Query', 'use `we``ird`; TRUNCATE TABLE `t`'],
    ]);
    expect(shape(binlogEventRows(group([]), PLACE))).toEqual([
      ['Gtid', `SET @@SESSION.GTID_NEXT= '${UUID}:7'`],
      ['Query', 'BEGIN'],
      ['Query', 'COMMIT'],
    ]);
  });

  it('renders a group as mysqlbinlog -v does, with column names and escaped values one per line', () => {
    const text = binlogGroupText(
      group([
        { type: 'update', schema: 'test', table: 'demo_test', before: { c1: 'k', c2: "it's\nnew" }, after: { c1: 'k', c2: null } },
        { type: 'statement', schema: 'test', sql: 'CREATE TABLE t (a INT)' },
      ]),
      PLACE,
    );
    expect(text).toBe(
      [
        '# at 40',
        `#261203 15:04:05 server id 3  end_log_pos 42  GTID ${UUID}:7  commit_time_us=1796310245123456`,
        `SET @@SESSION.GTID_NEXT= '${UUID}:7'/*!*/;`,
        'BEGIN',
        '/*!*/;',
        '### UPDATE `test`.`demo_test`',
        '### WHERE',
        "###   `c1`='k'",
        "###   `c2`='it\\'s\\nnew'",
        '### SET',
        "###   `c1`='k'",
        '###   `c2`=NULL',
        'use `test`/*!*/;',
        'CREATE TABLE t (a INT)',
        '/*!*/;',
        'COMMIT/*!*/;',
        '',
      ].join('\n'),
    );
  });
});
