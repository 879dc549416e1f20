import type { RangeGroup, RangeQuery } from '@kbinlog/binlog-kafka';
import { MAX_BINLOG_EVENT_ROWS, nodeReplication, type ReplicationNode } from './node-replication';

const UUID = '3e11fa47-71ca-11e1-9e33-c80aa9429562';
const FILE = 'kbinlog.c.binlog-0';

/** A node whose log holds `groups` heartbeat groups (three event rows each) at even offsets. */
function nodeWith(groups: number, queries: RangeQuery[] = []): ReplicationNode {
  return {
    binlogStatus: () => ({ file: FILE, position: String(groups * 2), executedGtidSet: `${UUID}:1-${groups}` }),
    replicaControl: () => undefined,
    binlogBounds: () => Promise.resolve({ start: 0n, end: BigInt(groups * 2) }),
    replicas: () => [],
    readBinlog: async (query, onGroup) => {
      queries.push(query);
      const from = query.fromOffset ?? 0n;
      for (let n = 0; n < groups; n++) {
        const offset = BigInt(n * 2);
        if (offset < from) continue;
        const read: RangeGroup = { offset, nextOffset: offset + 1n, group: { gtid: `${UUID}:${n + 1}`, serverId: 1, commitTimeUs: 0, events: [] } };
        if (!onGroup(read)) break;
      }
      return { logStart: 0n, logEnd: BigInt(groups * 2), stoppedAt: BigInt(groups * 2) };
    },
  };
}

const events = (logName?: string, from?: string, limit?: { offset: string; count: string }) => ({ kind: 'replication', verb: 'show-binlog-events', logName, from, limit }) as const;

describe('source > sql > node replication: SHOW BINLOG EVENTS', () => {
  it('pages event rows across groups with LIMIT offset, count, and reads from FROM', async () => {
    const queries: RangeQuery[] = [];
    const state = nodeReplication(nodeWith(10, queries));
    const rows = await state.binlogEvents(events(FILE, '4', { offset: '2', count: '4' }));
    expect(rows.map((row) => `${row.Pos} ${row.Event_type} ${row.Info}`)).toEqual(['4 Query COMMIT', '6 Gtid SET @@SESSION.GTID_NEXT= \'' + UUID + ":4'", '6 Query BEGIN', '6 Query COMMIT']);
    expect(queries[0].fromOffset).toBe(4n);
    expect(await state.binlogEvents(events(undefined, undefined, { offset: '0', count: '0' }))).toEqual([]);
  });

  it("answers MySQL's 1220 for another log, and refuses a listing past the cap instead of cutting it short", async () => {
    const state = nodeReplication(nodeWith(Math.ceil(MAX_BINLOG_EVENT_ROWS / 3) + 1));
    await expect(state.binlogEvents(events('mysql-bin.000001'))).rejects.toMatchObject({ errno: 1220, message: 'Error when executing command SHOW BINLOG EVENTS: Could not find target log' });
    await expect(state.binlogEvents(events())).rejects.toMatchObject({ errno: 1220, message: expect.stringContaining(`more than ${MAX_BINLOG_EVENT_ROWS} events to list; page with FROM and LIMIT`) });
    await expect(state.binlogEvents(events(undefined, undefined, { offset: '0', count: '99999999999999999999' }))).rejects.toMatchObject({ errno: 1220 });
    expect(await state.binlogEvents(events(undefined, undefined, { offset: '0', count: String(MAX_BINLOG_EVENT_ROWS) }))).toHaveLength(MAX_BINLOG_EVENT_ROWS);
    await expect(state.binlogEvents(events(undefined, '99999999999999999999'))).rejects.toMatchObject({ errno: 1220, message: expect.stringContaining('Wrong offset') });
  });
});
