import type { BinlogEvent, StatementEvent, TableName } from '@kbinlog/binlog';
import { type FilterRules, type FilterSettings, readFilterRules } from './filter-settings';
import { LikePattern } from './like-pattern';

/** The filter fields of SHOW REPLICA STATUS (MySQL 8 formats; '' when a rule list is empty). */
export interface ReplicationFilterStatus {
  readonly Replicate_Do_DB: string;
  readonly Replicate_Ignore_DB: string;
  readonly Replicate_Do_Table: string;
  readonly Replicate_Ignore_Table: string;
  readonly Replicate_Wild_Do_Table: string;
  readonly Replicate_Wild_Ignore_Table: string;
  /** `(from,to)` pairs, comma-joined: `(sales,sales_copy),(hr,hr_copy)`. */
  readonly Replicate_Rewrite_DB: string;
}

export type ParsedFilter = { readonly ok: true; readonly filter: ReplicationFilter } | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Reads the replica's `--replicate-*` settings into a filter, or lists every problem
 * (`replicate-do-table: "orders" has no ".": expected db.tbl, e.g. sales.orders`).
 */
export function parseFilterRules(settings: FilterSettings): ParsedFilter {
  const { rules, problems } = readFilterRules(settings);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, filter: new ReplicationFilter(rules) };
}

/**
 * MySQL's replica-side replication filters with row-based semantics ("How Servers Evaluate
 * Replication Filtering Rules"): a change is checked against the database and table it
 * actually changes, never against the default database.
 *
 * 1. `replicate-rewrite-db` renames the database first; every other rule sees the new name.
 * 2. Database level: with any `replicate-do-db`, the database must be one of them (and
 *    `replicate-ignore-db` is then not consulted); else it must not be a `replicate-ignore-db`.
 * 3. Table level, only for what passed step 2 and only if table rules exist, on `db.tbl`:
 *    `replicate-do-table` match → apply; `replicate-ignore-table` match → skip;
 *    `replicate-wild-do-table` match → apply; `replicate-wild-ignore-table` match → skip;
 *    no match → skip if any do-table or wild-do-table rule exists, else apply.
 *
 * Statement events (DDL, TRUNCATE) carry the tables they change, each checked by steps 2 and 3:
 * the statement is skipped if an ignore rule skips any of its tables (`replicate-ignore-db`,
 * `replicate-ignore-table`, `replicate-wild-ignore-table`: MySQL's "not … any statement that
 * updates the specified table, even if any other tables might be updated by the same
 * statement"), else applied if any of its tables passes. One that names no table (CREATE/DROP
 * DATABASE) is checked on the database it names, as MySQL's `db_stmt_db_ok` does: by the
 * database rules if there are any, else by the wild table rules on `db.` (so
 * `replicate-wild-ignore-table=db1.%` also skips `DROP DATABASE db1`).
 *
 * Names compare case-sensitively, as MySQL's on Linux (`lower_case_table_names=0`).
 */
export class ReplicationFilter {
  private readonly doDb: ReadonlySet<string>;
  private readonly ignoreDb: ReadonlySet<string>;
  private readonly doTable: ReadonlySet<string>;
  private readonly ignoreTable: ReadonlySet<string>;
  private readonly wildDoTable: readonly LikePattern[];
  private readonly wildIgnoreTable: readonly LikePattern[];
  private readonly rewrites: ReadonlyMap<string, string>;

  /** Rules as `readFilterRules` returns them; `parseFilterRules` validates settings first. */
  constructor(readonly rules: FilterRules) {
    this.doDb = new Set(rules.doDb);
    this.ignoreDb = new Set(rules.ignoreDb);
    this.doTable = new Set(rules.doTable);
    this.ignoreTable = new Set(rules.ignoreTable);
    this.wildDoTable = rules.wildDoTable.map((pattern) => new LikePattern(pattern));
    this.wildIgnoreTable = rules.wildIgnoreTable.map((pattern) => new LikePattern(pattern));
    this.rewrites = new Map(rules.rewriteDb.map(({ from, to }) => [from, to]));
  }

  /** True when no rule is set: every event passes unchanged. */
  get isEmpty(): boolean {
    return Object.values(this.rules).every((list: readonly unknown[]) => list.length === 0);
  }

  /** `replicate-rewrite-db`: the database a source database is applied to here (one lookup, no chains). */
  rewriteDb(schema: string): string {
    return this.rewrites.get(schema) ?? schema;
  }

  /** Step 2 alone (MySQL's `db_ok`), on a name already rewritten. */
  passesDatabase(schema: string): boolean {
    return this.databaseVerdict(schema) === 'apply';
  }

  /** Steps 2 and 3: would a change to this table (name already rewritten) be applied? */
  passesTable(schema: string, table: string): boolean {
    return this.tableVerdict(schema, table) === 'apply';
  }

  /** A statement that names no table but a database (CREATE/DROP DATABASE), name already rewritten. */
  passesDatabaseStatement(schema: string): boolean {
    // MySQL: no database, no database rule to apply.
    if (schema === '') return true;
    if (this.doDb.size > 0 || this.ignoreDb.size > 0) return this.passesDatabase(schema);
    const key = `${schema}.`;
    if (this.wildDoTable.some((pattern) => pattern.matches(key))) return true;
    if (this.wildIgnoreTable.some((pattern) => pattern.matches(key))) return false;
    return this.wildDoTable.length === 0;
  }

  /**
   * The event as this replica applies it (its database rewritten), or null when the rules skip
   * it. An event nothing rewrites comes back as the same object.
   */
  apply(event: BinlogEvent): BinlogEvent | null {
    if (event.type !== 'statement') {
      const schema = this.rewriteDb(event.schema);
      if (!this.passesTable(schema, event.table)) return null;
      return schema === event.schema ? event : { ...event, schema };
    }
    return this.applyStatement(event);
  }

  /** SHOW REPLICA STATUS's Replicate_* fields. */
  status(): ReplicationFilterStatus {
    const { rules } = this;
    return {
      Replicate_Do_DB: rules.doDb.join(','),
      Replicate_Ignore_DB: rules.ignoreDb.join(','),
      Replicate_Do_Table: rules.doTable.join(','),
      Replicate_Ignore_Table: rules.ignoreTable.join(','),
      Replicate_Wild_Do_Table: rules.wildDoTable.join(','),
      Replicate_Wild_Ignore_Table: rules.wildIgnoreTable.join(','),
      Replicate_Rewrite_DB: rules.rewriteDb.map(({ from, to }) => `(${from},${to})`).join(','),
    };
  }

  /**
   * The default database and the tables are rewritten; the SQL text is not (MySQL does not
   * rewrite qualified names inside a statement either).
   */
  private applyStatement(event: StatementEvent): StatementEvent | null {
    const schema = this.rewriteDb(event.schema);
    const tables = event.tables?.map((name) => this.rewriteTable(name));
    if (!(tables && tables.length > 0 ? this.passesTables(tables) : this.passesDatabaseStatement(schema))) return null;
    const tablesChanged = tables !== undefined && tables.some((name, index) => name !== event.tables?.[index]);
    if (schema === event.schema && !tablesChanged) return event;
    return { ...event, schema, ...(tables ? { tables } : {}) };
  }

  private rewriteTable(name: TableName): TableName {
    const schema = this.rewriteDb(name.schema);
    return schema === name.schema ? name : { schema, table: name.table };
  }

  /** A statement's tables: none ignored, and at least one applied (order plays no part). */
  private passesTables(tables: readonly TableName[]): boolean {
    const verdicts = tables.map((name) => this.tableVerdict(name.schema, name.table));
    return !verdicts.includes('ignored') && verdicts.includes('apply');
  }

  private tableVerdict(schema: string, table: string): Verdict {
    const verdict = this.databaseVerdict(schema);
    return verdict === 'apply' ? this.tableRulesVerdict(`${schema}.${table}`) : verdict;
  }

  /** Step 2 (MySQL's `db_ok`): a do list, if any, decides alone; else the ignore list. */
  private databaseVerdict(schema: string): Verdict {
    if (this.doDb.size > 0) return this.doDb.has(schema) ? 'apply' : 'not-wanted';
    return this.ignoreDb.has(schema) ? 'ignored' : 'apply';
  }

  /** Step 3 (MySQL's `tables_ok` for one table) on `db.tbl`, compared as one string as MySQL does. */
  private tableRulesVerdict(key: string): Verdict {
    if (this.doTable.has(key)) return 'apply';
    if (this.ignoreTable.has(key)) return 'ignored';
    if (this.wildDoTable.some((pattern) => pattern.matches(key))) return 'apply';
    if (this.wildIgnoreTable.some((pattern) => pattern.matches(key))) return 'ignored';
    // No rule matched: with a do list, only what it names; without one, everything else.
    return this.doTable.size === 0 && this.wildDoTable.length === 0 ? 'apply' : 'not-wanted';
  }
}

/**
 * Why a change to one table is applied or not: an ignore rule matched it, or do rules exist
 * and none named it. Rows need only apply/skip; statements over several tables need the reason.
 */
type Verdict = 'apply' | 'ignored' | 'not-wanted';
