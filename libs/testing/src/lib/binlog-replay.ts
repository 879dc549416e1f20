import { decodeBinlogGroup, type RowImage } from '@kbinlog/binlog';
import { readTopic } from './kafka';
import type { TestInfra } from './test-infra';

/**
 * What a table must hold according to the binlog alone: every committed group up to `endOffset`
 * (exclusive, a fetch position) replayed in order over `initial`, rows keyed by `keyColumn`. The oracle that
 * end-to-end tests compare every node's table with.
 */
export async function replayTable(
  infra: TestInfra,
  topic: string,
  table: { schema: string; table: string; keyColumn: string },
  endOffset: bigint,
  /** Rows the table held before the log began (a bootstrap seed such as demo_test's AA). */
  initial: ReadonlyMap<string, RowImage> = new Map(),
): Promise<Map<string, RowImage>> {
  const rows = new Map<string, RowImage>(initial);
  if (endOffset === 0n) return rows;
  const records = await readTopic(infra, topic, { until: (read) => read.some((record) => BigInt(record.offset) >= endOffset - 1n) });
  for (const record of records) {
    if (BigInt(record.offset) >= endOffset) break;
    const group = decodeBinlogGroup(record.value === null ? null : Buffer.from(record.value), `${topic}-0:${record.offset}`);
    for (const event of group.events) {
      if (event.schema !== table.schema) continue;
      if (event.type === 'statement') {
        if (/^TRUNCATE TABLE/i.test(event.sql) && event.sql.includes(`\`${table.table}\``)) rows.clear();
        continue;
      }
      if (event.table !== table.table) continue;
      if (event.type !== 'insert') rows.delete(String(event.before[table.keyColumn]));
      if (event.type !== 'delete') rows.set(String(event.after[table.keyColumn]), event.after);
    }
  }
  return rows;
}
