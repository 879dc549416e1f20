import type { ColumnDefinition, TextValue } from '@kbinlog/mysql-protocol';
import { type Connection, createConnection, type FieldPacket, type ResultSetHeader } from 'mysql2';

/** What one statement returned: rows with their columns, or an OK with its counters. */
export type StatementResult =
  | { readonly kind: 'rows'; readonly columns: readonly ColumnDefinition[]; readonly rows: readonly (readonly TextValue[])[] }
  | { readonly kind: 'ok'; readonly affectedRows: number; readonly insertId: number | string; readonly warnings: number; readonly info: string; readonly serverStatus: number };

/** An error the database returned, in MySQL's terms, to pass on to the client as it is. */
export class DatabaseError extends Error {
  constructor(
    readonly errno: number,
    readonly sqlState: string,
    message: string,
  ) {
    super(message);
    this.name = 'DatabaseError';
  }
}

const BINARY_CHARSET = 63;
/** Types whose values are bytes when their charset is binary (BLOB, BINARY, BIT, geometry). */
const BYTE_TYPES = new Set([15, 16, 249, 250, 251, 252, 253, 254, 255]);

/** Bytes stay bytes for binary string columns; everything else is text. */
function valueOf(column: ColumnDefinition, value: Buffer | null): TextValue {
  if (value === null) return null;
  return column.charset === BINARY_CHARSET && BYTE_TYPES.has(column.type) ? value : value.toString('utf8');
}

function columnOf(field: FieldPacket): ColumnDefinition {
  const raw = field as FieldPacket & { characterSet?: number; columnLength?: number; columnType?: number; flags?: number };
  return {
    schema: field.schema ?? '',
    table: field.table ?? '',
    orgTable: field.orgTable ?? '',
    name: field.name,
    orgName: field.orgName ?? '',
    type: raw.columnType ?? 253,
    charset: raw.characterSet ?? BINARY_CHARSET,
    length: raw.columnLength ?? 0,
    flags: typeof raw.flags === 'number' ? raw.flags : 0,
    decimals: field.decimals ?? 0,
  };
}

/**
 * One SQL session's own connection to the source's database: sessions keep server-side state
 * (default database, variables, an open transaction), so each client gets a connection of its
 * own for its whole life. Values stay in MySQL's text form; bytes of binary columns stay bytes.
 */
export class BackendConnection {
  private closed = false;

  private constructor(private readonly connection: Connection) {
    // A dropped server connection surfaces on the next query; keep the process alive meanwhile.
    connection.on('error', () => {
      this.closed = true;
    });
  }

  static open(url: string): Promise<BackendConnection> {
    const parsed = new URL(url);
    const connection = createConnection({
      host: parsed.hostname,
      port: parsed.port ? Number(parsed.port) : 3306,
      user: decodeURIComponent(parsed.username),
      password: decodeURIComponent(parsed.password),
      charset: 'utf8mb4',
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      // Raw bytes; query() decides per column whether they are text.
      typeCast: (field) => field.buffer(),
    });
    return new Promise((resolve, reject) => {
      connection.connect((error) => (error ? reject(error) : resolve(new BackendConnection(connection))));
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get threadId(): number {
    return this.connection.threadId ?? 0;
  }

  /** Runs one statement; `values` fill `?` placeholders, escaped by the driver. */
  query(sql: string, values?: readonly (string | null)[]): Promise<StatementResult> {
    return new Promise((resolve, reject) => {
      this.connection.query({ sql, rowsAsArray: true, ...(values ? { values: [...values] } : {}) }, (error, result, fields) => {
        if (error) {
          const { errno, sqlState, sqlMessage } = error as { errno?: number; sqlState?: string; sqlMessage?: string };
          if (errno === undefined || errno === 0) {
            this.closed = true;
            reject(error);
          } else reject(new DatabaseError(errno, sqlState ?? 'HY000', sqlMessage ?? error.message));
          return;
        }
        if (Array.isArray(fields) && Array.isArray(result)) {
          const columns = fields.map(columnOf);
          const rows = (result as unknown as (Buffer | null)[][]).map((row) => row.map((value, index) => valueOf(columns[index] as ColumnDefinition, value)));
          resolve({ kind: 'rows', columns, rows });
          return;
        }
        const header = result as ResultSetHeader;
        resolve({ kind: 'ok', affectedRows: header.affectedRows, insertId: header.insertId, warnings: header.warningStatus, info: header.info ?? '', serverStatus: header.serverStatus });
      });
    });
  }

  /** Rows of a query as objects, for kbinlog's own reads. */
  async rows<T>(sql: string, values?: readonly (string | null)[]): Promise<T[]> {
    const result = await this.query(sql, values);
    if (result.kind !== 'rows') return [];
    return result.rows.map(
      (row) => Object.fromEntries(result.columns.map((column, index) => { const value = row[index]; return [column.name, Buffer.isBuffer(value) ? value.toString('utf8') : value]; })) as T,
    );
  }

  close(): void {
    this.closed = true;
    this.connection.destroy();
  }
}
