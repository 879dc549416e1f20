import type { RowEvent, RowImage } from '@kbinlog/binlog';
import { applyRowEvent, applyRowEvents, dialectOf, queryRows, type TableCatalog } from '@kbinlog/node-store';
import type { EntityManager } from 'typeorm';

/**
 * The row events a write's own connection captured, taken out of the capture (on MariaDB the SQL
 * front door's triggers record memcached writes too): the rows exactly as the server stored
 * them, as a SQL write logs them. Empty for a table without capture triggers.
 */
export type OwnCapture = (manager: EntityManager) => Promise<RowEvent[]>;

export interface KeyedDecision<T> {
  /** The change to make, with the images as the write knows them; undefined to change nothing. */
  readonly change: RowEvent | undefined;
  readonly result: T;
}

/**
 * A write of one row found by a unique key (a memcached command on its container's table): it
 * decides from the row as it stands, under its lock, what to change. Being keyed, writes of
 * different keys can be decided and applied together in one database transaction.
 */
export interface KeyedWrite<T> {
  readonly schema: string;
  readonly table: string;
  readonly keyColumn: string;
  readonly key: string;
  /** Called with the locked row (undefined when there is none); may throw to refuse the write. */
  decide(current: RowImage | undefined): KeyedDecision<T>;
}

/** The result of one write of a batch: its events (one group) and result, or why it failed alone. */
export type KeyedOutcome = { readonly ok: true; readonly events: readonly RowEvent[]; readonly result: unknown } | { readonly ok: false; readonly error: unknown };

/** The batch cannot be applied as one transaction (a lock it must not wait for, an unexpected capture): run its writes alone. */
export class KeyedBatchConflict extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyedBatchConflict';
  }
}

/** A column of the result the batch's locking read adds to each row: which requested key matched it. */
const REQUEST_COLUMN = 'kbinlog_batch_request';

function tableOf(write: KeyedWrite<unknown>): string {
  return `${write.schema}\0${write.table}\0${write.keyColumn}`;
}

/** The row of `write`'s key under SELECT … FOR UPDATE, so the before image a write logs is the row it changes. */
export async function lockedRow(manager: EntityManager, write: KeyedWrite<unknown>): Promise<RowImage | undefined> {
  const dialect = dialectOf(manager);
  const rows = await queryRows<RowImage>(
    manager,
    `SELECT * FROM ${dialect.qualifiedTable(write.schema, write.table)} WHERE ${dialect.quoteIdentifier(write.keyColumn)} = ?${dialect.lockingRead}`,
    [write.key],
  );
  return rows[0];
}

/**
 * Applies a change through the same applier replicas use and returns the events to log: what the
 * capture recorded of it, or else (no capture: SQLite, a table the triggers cannot capture) the
 * change with its after image read back, so that it is the full row as stored (defaults and
 * unmapped columns included).
 */
export async function applyAndCapture(manager: EntityManager, catalog: TableCatalog, write: KeyedWrite<unknown>, change: RowEvent, capture: OwnCapture | undefined): Promise<RowEvent[]> {
  await applyRowEvent(manager, catalog, change, 'STRICT');
  if (capture) {
    const captured = await capture(manager);
    if (captured.length > 0) return captured;
  }
  if (change.type === 'delete') return [change];
  const after = await lockedRow(manager, write);
  if (!after) throw new Error(`row ${write.key} vanished from ${write.schema}.${write.table} inside its own transaction`);
  return [{ ...change, after }];
}

/** Runs a keyed write alone, inside the caller's transaction: lock, decide, apply. */
export async function runKeyedWrite<T>(manager: EntityManager, catalog: TableCatalog, write: KeyedWrite<T>, capture: OwnCapture | undefined): Promise<{ events: readonly RowEvent[]; result: T }> {
  const { change, result } = write.decide(await lockedRow(manager, write));
  return { events: change ? await applyAndCapture(manager, catalog, write, change, capture) : [], result };
}

/**
 * The locked rows of one table's keys, in one statement: each row with the (1-based) place of the
 * key it matched, by the server's own comparison (FIELD with the column's collation, as IN).
 * A key no row matched gets undefined; so does the second of two keys one row matches (a
 * case-insensitive collation): its insert then fails on the duplicate, and the batch runs alone.
 */
async function lockedRows(manager: EntityManager, writes: readonly KeyedWrite<unknown>[]): Promise<(RowImage | undefined)[]> {
  const dialect = dialectOf(manager);
  const { schema, table, keyColumn } = writes[0];
  const key = dialect.quoteIdentifier(keyColumn);
  const marks = writes.map(() => '?').join(', ');
  const keys = writes.map((write) => write.key);
  const rows = await queryRows<RowImage & { [REQUEST_COLUMN]: string }>(
    manager,
    `SELECT FIELD(t.${key}, ${marks}) AS ${REQUEST_COLUMN}, t.* FROM ${dialect.qualifiedTable(schema, table)} t WHERE t.${key} IN (${marks})${dialect.lockingRead}`,
    [...keys, ...keys],
  );
  const found: (RowImage | undefined)[] = writes.map(() => undefined);
  for (const row of rows) {
    const { [REQUEST_COLUMN]: place, ...image } = row;
    found[Number(place) - 1] = image;
  }
  return found;
}

/** The key a captured or planned event carries: the row it changed (update, delete) or wrote (insert). */
function eventAddress(event: RowEvent, keyColumn: string): string | undefined {
  const image = event.type === 'insert' ? event.after : event.before;
  const key = image[keyColumn];
  return key === null || key === undefined ? undefined : `${event.schema}\0${event.table}\0${event.type}\0${key}`;
}

/**
 * Writes of distinct keys in one transaction of the caller's: each decided from its locked row,
 * all applied (runs of inserts as multi-row INSERTs), and the capture split back into each
 * write's own events, one group per write. A write whose decision throws fails alone; anything
 * the batch cannot do as one (a lock the caller's session must not wait for, a capture that does
 * not map one event to each change) throws, and the caller rolls back and runs the writes alone.
 */
export async function runKeyedBatch(manager: EntityManager, catalog: TableCatalog, writes: readonly KeyedWrite<unknown>[], capture: OwnCapture): Promise<KeyedOutcome[]> {
  const images = new Map<KeyedWrite<unknown>, RowImage | undefined>();
  const byTable = new Map<string, KeyedWrite<unknown>[]>();
  for (const write of writes) byTable.set(tableOf(write), [...(byTable.get(tableOf(write)) ?? []), write]);
  for (const tableWrites of byTable.values()) {
    const rows = await lockedRows(manager, tableWrites);
    tableWrites.forEach((write, index) => images.set(write, rows[index]));
  }
  const decided = writes.map((write) => {
    try {
      return { ok: true as const, decision: write.decide(images.get(write)) };
    } catch (error) {
      return { ok: false as const, error };
    }
  });
  const planned = new Map<string, number>();
  const changes: RowEvent[] = [];
  decided.forEach((outcome, index) => {
    const change = outcome.ok ? outcome.decision.change : undefined;
    if (!change) return;
    const address = eventAddress(change, writes[index].keyColumn);
    if (address === undefined || planned.has(address)) throw new KeyedBatchConflict(`two writes of one batch change ${writes[index].key}`);
    planned.set(address, index);
    changes.push(change);
  });
  const events: RowEvent[][] = writes.map(() => []);
  if (changes.length > 0) {
    await applyRowEvents(manager, catalog, changes, 'STRICT');
    const captured = await capture(manager);
    for (const event of captured) {
      const keyColumn = writes.find((write) => write.schema === event.schema && write.table === event.table)?.keyColumn;
      const index = keyColumn === undefined ? undefined : planned.get(eventAddress(event, keyColumn) ?? '');
      if (index === undefined || events[index].length > 0) throw new KeyedBatchConflict(`the capture holds a change no write of the batch made (${event.type} on ${event.schema}.${event.table})`);
      events[index].push(event);
    }
    if (captured.length !== changes.length) throw new KeyedBatchConflict(`the capture holds ${captured.length} changes for the batch's ${changes.length}`);
  }
  return decided.map((outcome, index) => (outcome.ok ? { ok: true, events: events[index], result: outcome.decision.result } : { ok: false, error: outcome.error }));
}

/** The identity two writes of one batch must not share. */
export function keyedAddress(write: KeyedWrite<unknown>): string {
  return `${tableOf(write)}\0${write.key}`;
}
