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
 * once the rows' estimated size passes `maxBytes`.
 */
export class ReadCache {
  private readonly rows = new Map<string, { readonly row: StoredRow; readonly bytes: number }>();
  private bytes = 0;
  /** The key columns rows of each table are cached under, to find them from a row image. */
  private readonly keyColumns = new Map<string, Set<string>>();
  private generation = 0;
  private active = false;

  constructor(private readonly maxBytes: number) {}

  /** Rows held. */
  get size(): number {
    return this.rows.size;
  }

  /** Their estimated size: what maxBytes bounds. */
  get sizeBytes(): number {
    return this.bytes;
  }

  /** Starts serving, empty: the node became the source. */
  open(): void {
    this.clear();
    this.active = this.maxBytes > 0;
  }

  /** Stops serving: the node is no longer the source. */
  close(): void {
    this.active = false;
    this.clear();
  }

  get(address: RowAddress): StoredRow | undefined {
    if (!this.active) return undefined;
    const name = nameOf(address);
    const entry = this.rows.get(name);
    if (!entry) return undefined;
    // Map order is the recency order: a hit moves to the end.
    this.rows.delete(name);
    this.rows.set(name, entry);
    return entry.row;
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
    const name = nameOf(address);
    this.remove(name);
    const bytes = sizeOf(name, row);
    if (bytes > this.maxBytes) return;
    this.rows.set(name, { row, bytes });
    this.bytes += bytes;
    for (const [oldest] of this.rows) {
      if (this.bytes <= this.maxBytes) break;
      this.remove(oldest);
    }
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
      if (key !== null && key !== undefined) this.remove(nameOf({ schema, table, keyColumn, key }));
    }
  }

  private remove(name: string): void {
    const entry = this.rows.get(name);
    if (!entry) return;
    this.rows.delete(name);
    this.bytes -= entry.bytes;
  }

  private clear(): void {
    this.generation++;
    this.rows.clear();
    this.bytes = 0;
    this.keyColumns.clear();
  }
}

/** Bytes a cached row takes, roughly: its strings (two bytes a character) and a fixed overhead for the objects. */
function sizeOf(name: string, row: StoredRow): number {
  let characters = name.length + row.item.value.length;
  for (const [column, value] of Object.entries(row.image)) characters += column.length + (value?.length ?? 0);
  return 2 * characters + 256;
}

function tableOf(schema: string, table: string): string {
  return `${schema}\0${table}`;
}

function nameOf(address: RowAddress): string {
  return `${address.schema}\0${address.table}\0${address.keyColumn}\0${address.key}`;
}
