import type { EntityManager } from 'typeorm';
import { DEFAULT_CHANNEL } from './applier-position';
import { KBINLOG_SCHEMA } from './node-schema';
import { dialectOf, executeWrite, queryRows } from './sql-dialect';

/**
 * The GTID of a statement event being applied, recorded before it runs and cleared in the
 * transaction that records the position after it: a statement commits on its own, so a crash
 * between the two leaves this set, and the re-run knows the statement may already have run.
 */
const TABLE = 'statement_in_flight';

export async function readStatementInFlight(manager: EntityManager, channel = DEFAULT_CHANNEL): Promise<string | null> {
  const table = dialectOf(manager).qualifiedTable(KBINLOG_SCHEMA, TABLE);
  const [row] = await queryRows<{ gtid: string | null }>(manager, `SELECT gtid FROM ${table} WHERE channel = ?`, [channel]);
  return row?.gtid ?? null;
}

export async function markStatementInFlight(manager: EntityManager, gtid: string | null, channel = DEFAULT_CHANNEL): Promise<void> {
  const dialect = dialectOf(manager);
  await executeWrite(manager, dialect.upsert(dialect.qualifiedTable(KBINLOG_SCHEMA, TABLE), ['channel', 'gtid'], ['channel']), [channel, gtid]);
}
