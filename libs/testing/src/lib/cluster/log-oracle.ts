import { type BinlogGroup, binlogTopic, decodeBinlogGroup, type RowImage } from '@kbinlog/binlog';
import type { Consumer } from 'kafkajs';
import { testKafka, uniqueName } from '../kafka';
import type { TestInfra } from '../test-infra';
import { waitFor } from '../wait-for';
import { type LoadTable, tableName } from './write-ledger';

export type TableRows = Map<string, RowImage>;

export interface OracleSnapshot {
  readonly groupsEnd: bigint;
  readonly tables: ReadonlyMap<LoadTable, TableRows>;
}

/**
 * What the tables must hold according to the binlog alone, kept up to date by reading the
 * cluster's topic read_committed from its beginning (as a replica would, with no database):
 * the oracle every node's tables are compared with. Reading once and following the log keeps a
 * long test's checks cheap, where replaying from offset 0 after every round would not be.
 */
export class LogOracle {
  /** One past the last offset fetched, control records included: the oracle's position. */
  private position = 0n;
  /** One past the last group read: where a node that applied all of them stands at least. */
  private groupsEnd = 0n;
  private readonly tables = new Map<string, { table: LoadTable; rows: TableRows }>();
  private readonly consumer: Consumer;
  private failure: unknown;

  private constructor(infra: TestInfra, readonly topic: string, tables: readonly { table: LoadTable; initial: TableRows }[]) {
    this.consumer = testKafka(infra).consumer({ groupId: uniqueName('kbinlog-test-oracle'), readUncommitted: false, maxWaitTimeInMs: 100 });
    for (const { table, initial } of tables) this.tables.set(tableName(table), { table, rows: new Map(initial) });
  }

  /**
   * Follows `cluster`'s binlog. `initial`: rows a table held before the log began (the demo
   * table's seed row, which every node bootstraps on its own).
   */
  static async follow(infra: TestInfra, cluster: string, tables: readonly { table: LoadTable; initial: TableRows }[]): Promise<LogOracle> {
    const oracle = new LogOracle(infra, binlogTopic(cluster), tables);
    await oracle.start();
    return oracle;
  }

  private async start(): Promise<void> {
    const { consumer, topic } = this;
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    // A batch's last offset counts control records (commit markers) too: offsets are positions (invariant 7).
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      const next = BigInt(payload.lastOffset) + 1n;
      if (payload.topic === topic && next > this.position) this.position = next;
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) this.failure ??= payload.error;
    });
    await consumer.run({
      eachMessage: async ({ message }) => {
        try {
          this.apply(decodeBinlogGroup(message.value, `${topic}-0:${message.offset}`));
          this.groupsEnd = BigInt(message.offset) + 1n;
        } catch (error) {
          this.failure ??= error;
        }
      },
    });
  }

  /**
   * The tables once the oracle has read the log up to `endOffset` (a fetch position such as the
   * high watermark), and one past the last group before it: a trailing commit or abort marker
   * (a fenced writer's open transaction) takes an offset no node's position needs to pass.
   */
  async snapshot(endOffset: bigint, timeoutMs = 30_000): Promise<OracleSnapshot> {
    await waitFor(
      () => {
        if (this.failure) throw this.failure;
        return this.position >= endOffset;
      },
      { description: `the log oracle to read ${this.topic} up to ${endOffset} (at ${this.position})`, timeoutMs },
    );
    const tables = new Map<LoadTable, TableRows>();
    for (const { table, rows } of this.tables.values()) tables.set(table, new Map(rows));
    return { groupsEnd: this.groupsEnd, tables };
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }

  private apply(group: BinlogGroup): void {
    for (const event of group.events) {
      if (event.type === 'statement') {
        // flush_all travels as TRUNCATE TABLE; the DDL that creates a table changes no rows.
        for (const { table, rows } of this.tables.values()) {
          if (event.schema === table.schema && /^TRUNCATE TABLE/i.test(event.sql) && event.sql.includes(`\`${table.table}\``)) rows.clear();
        }
        continue;
      }
      const state = this.tables.get(`${event.schema}.${event.table}`);
      if (!state) continue;
      const key = state.table.keyColumn;
      if (event.type !== 'insert') state.rows.delete(String(event.before[key]));
      if (event.type !== 'delete') state.rows.set(String(event.after[key]), event.after);
    }
  }
}
