/**
 * The binlog group: all row and statement events of one committed transaction, one Kafka record.
 *
 * Column values travel in MySQL's text form (what `SELECT` prints): a string, or null for SQL
 * NULL. That keeps 64-bit integers, decimals and dates exact in JSON.
 */
export type ColumnValue = string | null;

/** Every column of a row (binlog_row_image=FULL), by column name. */
export type RowImage = Readonly<Record<string, ColumnValue>>;

export interface InsertRowEvent {
  readonly type: 'insert';
  readonly schema: string;
  readonly table: string;
  readonly after: RowImage;
}

export interface UpdateRowEvent {
  readonly type: 'update';
  readonly schema: string;
  readonly table: string;
  readonly before: RowImage;
  readonly after: RowImage;
}

export interface DeleteRowEvent {
  readonly type: 'delete';
  readonly schema: string;
  readonly table: string;
  readonly before: RowImage;
}

export type RowEvent = InsertRowEvent | UpdateRowEvent | DeleteRowEvent;

/** A table a statement changes. */
export interface TableName {
  readonly schema: string;
  readonly table: string;
}

/** DDL and memcached flush_all (TRUNCATE TABLE): run as written, with `schema` as the default database. */
export interface StatementEvent {
  readonly type: 'statement';
  readonly schema: string;
  readonly sql: string;
  /**
   * The tables the statement changes, names resolved against `schema`; what replication
   * filters match (the SQL text is not parsed on replicas). Absent: the statement names none
   * (CREATE/DROP DATABASE), or it predates the field.
   */
  readonly tables?: readonly TableName[];
}

export type BinlogEvent = RowEvent | StatementEvent;

export interface BinlogGroup {
  /** `<source server_uuid>:<n>`. */
  readonly gtid: string;
  readonly serverId: number;
  /** When the source committed the group, microseconds since the Unix epoch. */
  readonly commitTimeUs: number;
  readonly events: readonly BinlogEvent[];
}
