import type { BinlogEvent, RowImage } from '@kbinlog/binlog';
import type { StoredRow } from './container-items';

/** Where a cached row lives: its table and the column the container looks it up by. */
export interface RowAddress {
  readonly schema: string;
  readonly table: string;
  readonly keyColumn: string;
  readonly key: string;
}

/** What a read must hand back to `fill`: the generation it started at. */
export type ReadTicket = number;

/**
 * The source's rows as memcached gets last read them, so that a get of a cached key needs no
 * SQL query (InnoDB's plugin reads through the InnoDB API, not SQL, for the same reason).
 *
 * It stays coherent because the source's store changes only through its write path: every group
 * the committer stores is passed to `invalidate` after its database commit (row events drop
 * their rows, statements everything). A read fills the cache only if nothing was invalidated
 * between its start and its end (the generation did not move), so a row read before a commit
 * never lands after that commit's invalidation. It is used only while the node is the source
 * (`open` … `close`): a replica's applier writes past it. Least recently used rows go first
 * beyond `maxRows`.
 */
export class ReadCache {
  private readonly rows = new Map<string, StoredRow>();
  /** The key columns rows of each table are cached under, to find them from a row image. */
  private readonly keyColumns = new Map<string, Set<string>>();
  private generation = 0;
  private active = false;

  constructor(private readonly maxRows: number) {}

  get size(): number {
    return this.rows.size;
  }

  /** Starts serving, empty: the node became the source. */
  open(): void {
    this.clear();
    this.active = this.maxRows > 0;
  }

  /** Stops serving: the node is no longer the source. */
  close(): void {
    this.active = false;
    this.clear();
  }

  get(address: RowAddress): StoredRow | undefined {
    if (!this.active) return undefined;
    const name = nameOf(address);
    const row = this.rows.get(name);
    if (row) {
      // Map order is the recency order: a hit moves to the end.
      this.rows.delete(name);
      this.rows.set(name, row);
    }
    return row;
  }

  /** Call before the read whose result goes to `fill`. */
  ticket(): ReadTicket {
    return this.generation;
  }

  /** Caches what a read started at `ticket` found, unless a write was stored since. */
  fill(address: RowAddress, row: StoredRow, ticket: ReadTicket): void {
    if (!this.active || ticket !== this.generation) return;
    const table = tableOf(address.schema, address.table);
    let columns = this.keyColumns.get(table);
    if (!columns) this.keyColumns.set(table, (columns = new Set()));
    columns.add(address.keyColumn);
    this.rows.set(nameOf(address), row);
    if (this.rows.size > this.maxRows) this.rows.delete(this.rows.keys().next().value as string);
  }

  /** A group was stored: forget the rows its events changed (a statement: everything). */
  invalidate(events: readonly BinlogEvent[]): void {
    if (events.length === 0) return;
    this.generation++;
    for (const event of events) {
      if (event.type === 'statement') {
        this.clear();
        return;
      }
      const columns = this.keyColumns.get(tableOf(event.schema, event.table));
      if (!columns) continue;
      for (const image of event.type === 'insert' ? [event.after] : event.type === 'update' ? [event.before, event.after] : [event.before]) {
        this.forgetImage(event.schema, event.table, columns, image);
      }
    }
  }

  private forgetImage(schema: string, table: string, columns: ReadonlySet<string>, image: RowImage): void {
    for (const keyColumn of columns) {
      const key = image[keyColumn];
      if (key !== null && key !== undefined) this.rows.delete(nameOf({ schema, table, keyColumn, key }));
    }
  }

  private clear(): void {
    this.generation++;
    this.rows.clear();
    this.keyColumns.clear();
  }
}

function tableOf(schema: string, table: string): string {
  return `${schema}\0${table}`;
}

function nameOf(address: RowAddress): string {
  return `${address.schema}\0${address.table}\0${address.keyColumn}\0${address.key}`;
}
