/** A table the write load writes, and the columns that hold its key and value. */
export interface LoadTable {
  readonly schema: string;
  readonly table: string;
  readonly keyColumn: string;
  readonly valueColumn: string;
}

/** memcached `set` lands in the demo container's table (innodb_memcache.containers' default row). */
export const MEMCACHED_TABLE: LoadTable = { schema: 'test', table: 'demo_test', keyColumn: 'c1', valueColumn: 'c2' };
/** SQL writes go to a table the load creates through the source's MySQL port (DDL replicates too). */
export const SQL_TABLE: LoadTable = { schema: 'failover_load', table: 'sql_writes', keyColumn: 'k', valueColumn: 'v' };
export const LOAD_TABLES = [MEMCACHED_TABLE, SQL_TABLE] as const;

export const tableName = (table: LoadTable): string => `${table.schema}.${table.table}`;

export interface AcknowledgedWrite {
  readonly client: number;
  readonly table: LoadTable;
  readonly key: string;
  readonly value: string;
  /** The source the client sent it to. */
  readonly node: string;
  readonly atMs: number;
}

/** What a key must hold on every node: one of `values` (more than one after an unacknowledged update). */
export interface Expectation {
  readonly table: LoadTable;
  readonly key: string;
  readonly values: readonly string[];
}

interface KeyState {
  readonly table: LoadTable;
  readonly key: string;
  acknowledged: string | undefined;
  /** Values of writes sent and never acknowledged: each may or may not have happened. */
  readonly unacknowledged: string[];
}

/**
 * Every write the load sent and what became of it. Only an acknowledged write (STORED, an OK
 * packet) is a promise the cluster must keep; an unacknowledged one may or may not have happened.
 */
export class WriteLedger {
  readonly acknowledged: AcknowledgedWrite[] = [];
  unacknowledgedCount = 0;
  private readonly keys = new Map<string, KeyState>();

  acknowledge(write: AcknowledgedWrite): void {
    this.acknowledged.push(write);
    const state = this.state(write.table, write.key);
    state.acknowledged = write.value;
    state.unacknowledged.length = 0;
  }

  unacknowledged(table: LoadTable, key: string, value: string): void {
    this.unacknowledgedCount += 1;
    this.state(table, key).unacknowledged.push(value);
  }

  /** Keys with an acknowledged write, and the values they may hold. */
  expectations(): Expectation[] {
    return [...this.keys.values()]
      .filter((state) => state.acknowledged !== undefined)
      .map((state) => ({ table: state.table, key: state.key, values: [state.acknowledged as string, ...state.unacknowledged] }));
  }

  /** The first acknowledged write after `afterMs` (optionally from a node other than `exceptNode`). */
  firstAcknowledgedAfter(afterMs: number, exceptNode?: string): AcknowledgedWrite | undefined {
    return this.acknowledged.find((write) => write.atMs > afterMs && write.node !== exceptNode);
  }

  private state(table: LoadTable, key: string): KeyState {
    const id = `${tableName(table)}\u0000${key}`;
    let state = this.keys.get(id);
    if (!state) {
      state = { table, key, acknowledged: undefined, unacknowledged: [] };
      this.keys.set(id, state);
    }
    return state;
  }
}
