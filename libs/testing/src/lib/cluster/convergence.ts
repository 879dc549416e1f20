import { binlogTopic } from '@kbinlog/binlog';
import { testKafka } from '../kafka';
import { queryRows } from '../mariadb';
import type { MariaDbServer, TestInfra } from '../test-infra';
import { waitFor } from '../wait-for';
import type { LogOracle, TableRows } from './log-oracle';
import { LOAD_TABLES, type LoadTable, tableName, type WriteLedger } from './write-ledger';

/** A node as the verification sees it: its HTTP API and its own MariaDB, read directly. */
export interface VerifiedNode {
  readonly name: string;
  readonly httpUrl: string;
  readonly server: MariaDbServer;
}

/** A table's rows in a node's database, in text form (as binlog row images carry them), by key. */
export async function tableRows(server: MariaDbServer, table: LoadTable): Promise<TableRows> {
  const exists = await queryRows(server, 'SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [table.schema, table.table]);
  if (exists.length === 0) return new Map();
  const rows = await queryRows(server, `SELECT * FROM \`${table.schema}\`.\`${table.table}\``);
  return new Map(rows.map((row) => [String(row[table.keyColumn]), row]));
}

/** The offset of the next group a node applies (or, as source, writes): GET /node, else the older status APIs. */
export async function appliedOffset(httpUrl: string): Promise<bigint> {
  const node = await fetch(`${httpUrl}/node`, { signal: AbortSignal.timeout(2_000) });
  if (node.ok) return BigInt(((await node.json()) as { appliedOffset: string }).appliedOffset);
  const replica = await fetch(`${httpUrl}/replica/status`, { signal: AbortSignal.timeout(2_000) });
  if (replica.ok) return BigInt(((await replica.json()) as { Exec_Source_Log_Pos: string }).Exec_Source_Log_Pos);
  const source = await fetch(`${httpUrl}/status`, { signal: AbortSignal.timeout(2_000) });
  if (source.ok) return BigInt(((await source.json()) as { Position: string }).Position);
  throw new Error(`${httpUrl} reports no position (GET /node ${node.status})`);
}

/** The binlog's end (high watermark): read after the writes stopped, what every node must reach. */
export async function logEnd(infra: TestInfra, cluster: string): Promise<bigint> {
  const admin = testKafka(infra).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(binlogTopic(cluster));
    return BigInt(offsets.find((entry) => entry.partition === 0)?.high ?? '0');
  } finally {
    await admin.disconnect();
  }
}

/** What differs between two tables, at most `limit` keys; empty when they are equal. */
export function diffRows(expected: TableRows, actual: TableRows, limit = 5): string[] {
  const differences: string[] = [];
  for (const [key, row] of expected) {
    const found = actual.get(key);
    if (!found) differences.push(`${key} missing`);
    else if (JSON.stringify(found) !== JSON.stringify(row)) differences.push(`${key}: ${JSON.stringify(found)}, expected ${JSON.stringify(row)}`);
  }
  for (const key of actual.keys()) if (!expected.has(key)) differences.push(`${key} not in the log`);
  return differences.length > limit ? [...differences.slice(0, limit), `… ${differences.length - limit} more`] : differences;
}

/**
 * Waits until every node applied the log up to `endOffset` (read after the writes stopped) and
 * holds exactly the rows the log produces in every load table: so all nodes are identical and no
 * node holds a write the log lacks. Throws at the deadline with what differs.
 */
export async function waitForConvergence(
  nodes: readonly VerifiedNode[],
  oracle: LogOracle,
  endOffset: bigint,
  { timeoutMs = 60_000 }: { timeoutMs?: number } = {},
): Promise<void> {
  const { groupsEnd, tables: expected } = await oracle.snapshot(endOffset, timeoutMs);
  await waitFor(
    async () => {
      const differences: string[] = [];
      for (const node of nodes) {
        const position = await appliedOffset(node.httpUrl);
        if (position < groupsEnd) {
          differences.push(`${node.name} at ${position}, the last group ends at ${groupsEnd}`);
          continue;
        }
        for (const [table, rows] of expected) {
          for (const difference of diffRows(rows, await tableRows(node.server, table))) differences.push(`${node.name} ${tableName(table)} ${difference}`);
        }
      }
      if (differences.length > 0) throw new Error(differences.join('; '));
      return true;
    },
    { description: `${nodes.map((node) => node.name).join(', ')} to equal the log up to ${groupsEnd}`, timeoutMs, intervalMs: 250 },
  );
}

/** Acknowledged writes a node lacks (its key absent, or holding a value no write of the load gave it). */
export async function missingAcknowledged(nodes: readonly VerifiedNode[], ledger: WriteLedger): Promise<string[]> {
  const missing: string[] = [];
  const expectations = ledger.expectations();
  for (const node of nodes) {
    const rows = new Map<LoadTable, TableRows>();
    for (const table of LOAD_TABLES) rows.set(table, await tableRows(node.server, table));
    for (const { table, key, values } of expectations) {
      const value = rows.get(table)?.get(key)?.[table.valueColumn];
      if (value === undefined || value === null || !values.includes(value)) missing.push(`${node.name} ${tableName(table)} ${key}: ${value ?? 'absent'}, acknowledged ${values[0]}`);
    }
  }
  return missing;
}
