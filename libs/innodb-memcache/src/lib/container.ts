/**
 * Containers: the rows of `innodb_memcache.containers` that map memcached keys, values, flags,
 * cas and expiry onto the columns of one table, and the checks the plugin makes before it will
 * serve a container ([D] 14.21.7 "containers Table Column Constraints"; [S] innodb_config.cc).
 *
 * The checks run against metadata the caller reads from information_schema (COLUMNS and
 * STATISTICS); this module does no I/O. Where the plugin is laxer than its manual (it accepts
 * INT key and value columns, and silently ignores a flags/cas/expiry column it cannot find) we
 * follow the manual and refuse, with a message naming the container, the table and the column.
 */
import { describeUntrusted, isSafeIdentifier, unsafeIdentifierReason } from './identifier';

/** One row of `innodb_memcache.containers`, as a driver returns it. */
export interface ContainerRow {
  readonly name: string | null;
  readonly db_schema: string | null;
  readonly db_table: string | null;
  readonly key_columns: string | null;
  readonly value_columns: string | null;
  readonly flags: string | null;
  readonly cas_column: string | null;
  readonly expire_time_column: string | null;
  readonly unique_idx_name_on_key: string | null;
}

/**
 * One row of information_schema.COLUMNS for the mapped table:
 * `SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, CHARACTER_MAXIMUM_LENGTH, EXTRA
 *  FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?`
 */
export interface ColumnMetadata {
  readonly COLUMN_NAME: string;
  /** `varchar`, `int`, `bigint`, `text`, ... (lower-case on MySQL and MariaDB; compared case-insensitively). */
  readonly DATA_TYPE: string;
  /** The full type, e.g. `bigint(20) unsigned`: the only place `unsigned` shows. */
  readonly COLUMN_TYPE: string;
  readonly IS_NULLABLE: string;
  /** Characters for CHAR/VARCHAR/TEXT, bytes for BLOB; NULL for numbers. Drivers may give a string or bigint. */
  readonly CHARACTER_MAXIMUM_LENGTH: number | string | bigint | null;
  /** e.g. `VIRTUAL GENERATED`; optional. A generated column cannot be written, so it cannot be mapped. */
  readonly EXTRA?: string | null;
}

/** One index of the mapped table, columns in index order. */
export interface IndexMetadata {
  readonly name: string;
  readonly columns: readonly string[];
  readonly unique: boolean;
}

/**
 * One row of information_schema.STATISTICS:
 * `SELECT INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME FROM information_schema.STATISTICS
 *  WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?`
 */
export interface StatisticsRow {
  readonly INDEX_NAME: string;
  readonly NON_UNIQUE: number | string | bigint | boolean;
  readonly SEQ_IN_INDEX: number | string | bigint;
  /** NULL for a functional key part (MySQL 8). */
  readonly COLUMN_NAME: string | null;
}

/** What the caller knows about the table a container names; `null` when the table does not exist. */
export interface TableMetadata {
  readonly schema: string;
  readonly table: string;
  readonly columns: readonly ColumnMetadata[];
  readonly indexes: readonly IndexMetadata[];
}

export type KeyColumnType = 'char' | 'varchar';
export type ValueColumnType =
  | 'char'
  | 'varchar'
  | 'tinytext'
  | 'text'
  | 'mediumtext'
  | 'longtext'
  | 'tinyblob'
  | 'blob'
  | 'mediumblob'
  | 'longblob';
export type IntegerColumnType = 'int' | 'bigint';

export interface KeyColumn {
  /** As the table spells it (column names are case-insensitive in MySQL). */
  readonly name: string;
  readonly dataType: KeyColumnType;
  /** Longest key the column holds, in characters; memcached itself allows 250 bytes. */
  readonly maxLength: number | null;
}

export interface ValueColumn {
  readonly name: string;
  readonly dataType: ValueColumnType;
  /** A missing part of a split value is NULL; a NOT NULL column then makes the write fail [D]. */
  readonly nullable: boolean;
  readonly maxLength: number | null;
}

export interface IntegerColumn {
  readonly name: string;
  readonly dataType: IntegerColumnType;
  readonly unsigned: boolean;
  readonly nullable: boolean;
  /** The range the column holds, so a writer can check before it writes. */
  readonly min: bigint;
  readonly max: bigint;
}

/** A container that passed every check: what the storage module needs to build its SQL. */
export interface Container {
  readonly name: string;
  /** Schema and table as the metadata spells them. */
  readonly schema: string;
  readonly table: string;
  readonly key: KeyColumn;
  /** One or more, in `value_columns` order. */
  readonly values: readonly ValueColumn[];
  /** null when unused (`0`, empty or NULL in the row). */
  readonly flags: IntegerColumn | null;
  readonly cas: IntegerColumn | null;
  readonly expiry: IntegerColumn | null;
  /** Name of the unique index on the key column, as the table spells it (`PRIMARY` for the primary key). */
  readonly uniqueIndex: string;
}

export type ContainerIssueCode =
  | 'missing-value'
  | 'unsafe-identifier'
  | 'several-key-columns'
  | 'no-value-columns'
  | 'duplicate-column'
  | 'table-not-found'
  | 'metadata-mismatch'
  | 'column-not-found'
  | 'wrong-column-type'
  | 'nullable-key'
  | 'generated-column'
  | 'index-not-found'
  | 'index-not-unique'
  | 'index-not-on-key';

export type ContainerField = keyof ContainerRow | 'table';

export interface ContainerIssue {
  readonly code: ContainerIssueCode;
  readonly field: ContainerField;
  readonly message: string;
}

export type ContainerValidation =
  | { readonly ok: true; readonly container: Container }
  | { readonly ok: false; readonly errors: readonly string[]; readonly issues: readonly ContainerIssue[] };

/** Separators between names in `value_columns` [S]: innodb_config.cc splits on ` ;,|\n`. */
const VALUE_COLUMN_SEPARATORS = /[ ;,|\n]+/;

/**
 * Names listed in `value_columns`. Separators are `,` `;` space `|` and newline, in any mix;
 * empty entries (`c2,,c3`, a leading or trailing separator) are skipped, as the plugin's strtok
 * does. The names are not checked here; validateContainer does that.
 */
export function parseValueColumns(text: string): string[] {
  return text.split(VALUE_COLUMN_SEPARATORS).filter((name) => name.length > 0);
}

/** `0`, empty or NULL: the flags, cas or expiry column is not used [D]. */
export function isUnusedColumn(value: string | null | undefined): boolean {
  return value === null || value === undefined || value === '' || value === '0';
}

/** Groups STATISTICS rows into indexes, columns in SEQ_IN_INDEX order. */
export function indexesFromStatistics(rows: readonly StatisticsRow[]): IndexMetadata[] {
  const byName = new Map<string, { unique: boolean; parts: { seq: number; column: string | null }[] }>();
  for (const row of rows) {
    const entry = byName.get(row.INDEX_NAME) ?? { unique: !isTruthy(row.NON_UNIQUE), parts: [] };
    entry.parts.push({ seq: Number(row.SEQ_IN_INDEX), column: row.COLUMN_NAME });
    byName.set(row.INDEX_NAME, entry);
  }
  return [...byName].map(([name, { unique, parts }]) => ({
    name,
    unique,
    // A functional key part (NULL column) never equals a key column, so it keeps the index off the key.
    columns: parts.sort((a, b) => a.seq - b.seq).map((part) => part.column ?? '(expression)'),
  }));
}

function isTruthy(value: number | string | bigint | boolean): boolean {
  return value === true || (typeof value !== 'boolean' && Number(value) !== 0);
}

const KEY_TYPES: readonly KeyColumnType[] = ['char', 'varchar'];
const VALUE_TYPES: readonly ValueColumnType[] = [
  'char',
  'varchar',
  'tinytext',
  'text',
  'mediumtext',
  'longtext',
  'tinyblob',
  'blob',
  'mediumblob',
  'longblob',
];
/** Flags need 32 bits, expiry 4 bytes [D]: INT or BIGINT. */
const WIDE_INTEGER_TYPES: readonly IntegerColumnType[] = ['int', 'bigint'];
/** cas is 64 bits [D]: BIGINT, signed or unsigned. */
const CAS_TYPES: readonly IntegerColumnType[] = ['bigint'];

const INTEGER_RANGES: Record<IntegerColumnType, { signed: [bigint, bigint]; unsigned: [bigint, bigint] }> = {
  int: { signed: [-(2n ** 31n), 2n ** 31n - 1n], unsigned: [0n, 2n ** 32n - 1n] },
  bigint: { signed: [-(2n ** 63n), 2n ** 63n - 1n], unsigned: [0n, 2n ** 64n - 1n] },
};

type Role = 'key' | 'value' | 'flags' | 'cas' | 'expiry';
const ROLE_FIELD: Record<Role, keyof ContainerRow> = {
  key: 'key_columns',
  value: 'value_columns',
  flags: 'flags',
  cas: 'cas_column',
  expiry: 'expire_time_column',
};
const ROLE_LABEL: Record<Role, string> = {
  key: 'key column',
  value: 'value column',
  flags: 'flags column',
  cas: 'cas column',
  expiry: 'expiry column',
};

/**
 * Checks one containers row against its table and resolves it, or lists every problem found.
 * `table` is null or undefined when the table does not exist.
 *
 * Rules, from the manual [D] unless marked:
 * - name, db_schema, db_table, key_columns, value_columns, unique_idx_name_on_key are required;
 *   every name must be a safe identifier (see identifier.ts), because other modules put them into SQL.
 * - key: one CHAR or VARCHAR column, NOT NULL.
 * - values: CHAR, VARCHAR, TEXT or BLOB types (any size), NULL allowed.
 * - flags: INT or BIGINT (at least 32 bits), signed or unsigned, NULL allowed.
 * - cas: BIGINT (64 bits), signed or unsigned (BIGINT UNSIGNED holds the whole cas range;
 *   a signed column caps the counter at 2^63 - 1: see `Container.cas.max`).
 * - expiry: INT or BIGINT (at least 4 bytes), signed or unsigned.
 * - flags, cas, expiry are unused when `0`, empty or NULL; otherwise the column must exist.
 * - the named index must exist, be unique, and cover exactly the key column.
 * - ours: no column may play two roles; mapped columns may not be generated columns.
 * Column and index names match case-insensitively, as MySQL matches them.
 */
export function validateContainer(
  row: ContainerRow,
  table: TableMetadata | null | undefined,
): ContainerValidation {
  const issues: ContainerIssue[] = [];
  const subject = describeSubject(row);
  const fail = (code: ContainerIssueCode, field: ContainerField, detail: string): void => {
    issues.push({ code, field, message: `${subject}: ${detail}` });
  };

  const requireIdentifier = (field: keyof ContainerRow, label: string): string | undefined => {
    const value: unknown = row[field];
    if (value === null || value === undefined || value === '') {
      fail('missing-value', field, `${field} is required (${label})`);
      return undefined;
    }
    const reason = unsafeIdentifierReason(value);
    if (reason !== undefined) {
      fail('unsafe-identifier', field, `${field} ${reason}`);
      return undefined;
    }
    return value as string;
  };

  const name = requireIdentifier('name', 'the container name');
  const schema = requireIdentifier('db_schema', 'the schema of the mapped table');
  const tableName = requireIdentifier('db_table', 'the mapped table');
  const indexName = requireIdentifier('unique_idx_name_on_key', 'the unique index on the key column');

  let keyName: string | undefined;
  const rawKey: unknown = row.key_columns;
  if (typeof rawKey === 'string' && parseValueColumns(rawKey).length > 1) {
    fail('several-key-columns', 'key_columns', `key_columns ${describeUntrusted(rawKey)} names several columns; a container has exactly one key column`);
  } else {
    keyName = requireIdentifier('key_columns', 'the key column');
  }

  const valueNames: string[] = [];
  const rawValues: unknown = row.value_columns;
  if (rawValues === null || rawValues === undefined || rawValues === '') {
    fail('missing-value', 'value_columns', 'value_columns is required (one or more value columns)');
  } else if (typeof rawValues !== 'string') {
    fail('unsafe-identifier', 'value_columns', `value_columns must be text, got ${describeUntrusted(rawValues)}`);
  } else {
    const listed = parseValueColumns(rawValues);
    if (listed.length === 0) {
      fail('no-value-columns', 'value_columns', `value_columns ${describeUntrusted(rawValues)} lists no column`);
    }
    for (const listedName of listed) {
      const reason = unsafeIdentifierReason(listedName);
      if (reason !== undefined) {
        fail('unsafe-identifier', 'value_columns', `value column ${reason}`);
      } else {
        valueNames.push(listedName);
      }
    }
  }

  const optional = (field: 'flags' | 'cas_column' | 'expire_time_column'): string | null | undefined => {
    const value: unknown = row[field];
    if (value === null || value === undefined || (typeof value === 'string' && isUnusedColumn(value))) {
      return null;
    }
    const reason = unsafeIdentifierReason(value);
    if (reason !== undefined) {
      fail('unsafe-identifier', field, `${field} ${reason} (use 0 for an unused column)`);
      return undefined;
    }
    return value as string;
  };
  const flagsName = optional('flags');
  const casName = optional('cas_column');
  const expiryName = optional('expire_time_column');

  // Every mapped column plays one role only.
  const roles: [Role, string][] = [];
  if (keyName !== undefined) roles.push(['key', keyName]);
  for (const valueName of valueNames) roles.push(['value', valueName]);
  if (flagsName) roles.push(['flags', flagsName]);
  if (casName) roles.push(['cas', casName]);
  if (expiryName) roles.push(['expiry', expiryName]);
  const seen = new Map<string, Role>();
  for (const [role, columnName] of roles) {
    const earlier = seen.get(asciiLower(columnName));
    if (earlier !== undefined) {
      const detail =
        earlier === role
          ? `${ROLE_LABEL[role]} "${columnName}" is listed twice`
          : `column "${columnName}" cannot be both the ${ROLE_LABEL[earlier]} and the ${ROLE_LABEL[role]}`;
      fail('duplicate-column', ROLE_FIELD[role], detail);
    } else {
      seen.set(asciiLower(columnName), role);
    }
  }

  // The table checks need a table name we trust.
  if (schema === undefined || tableName === undefined) {
    return failed(issues);
  }
  if (table === null || table === undefined) {
    fail('table-not-found', 'table', `table ${schema}.${tableName} does not exist`);
    return failed(issues);
  }
  if (!sameName(table.schema, schema) || !sameName(table.table, tableName)) {
    fail(
      'metadata-mismatch',
      'table',
      `the metadata given is for table ${describeUntrusted(`${table.schema}.${table.table}`)}, not ${schema}.${tableName}`,
    );
    return failed(issues);
  }

  const where = `${table.schema}.${table.table}`;
  const findColumn = (role: Role, columnName: string): ColumnMetadata | undefined => {
    const column = table.columns.find((candidate) => sameName(candidate.COLUMN_NAME, columnName));
    if (column === undefined) {
      fail('column-not-found', ROLE_FIELD[role], `${ROLE_LABEL[role]} "${columnName}" does not exist in table ${where}`);
      return undefined;
    }
    if (typeof column.EXTRA === 'string' && /GENERATED/i.test(column.EXTRA)) {
      fail('generated-column', ROLE_FIELD[role], `${ROLE_LABEL[role]} "${column.COLUMN_NAME}" of table ${where} is a generated column and cannot be written`);
      return undefined;
    }
    return column;
  };
  const wrongType = (role: Role, column: ColumnMetadata, expected: string): void => {
    fail(
      'wrong-column-type',
      ROLE_FIELD[role],
      `${ROLE_LABEL[role]} "${column.COLUMN_NAME}" of table ${where} is ${column.COLUMN_TYPE}; it must be ${expected}`,
    );
  };

  let key: KeyColumn | undefined;
  if (keyName !== undefined) {
    const column = findColumn('key', keyName);
    if (column !== undefined) {
      const dataType = String(column.DATA_TYPE).toLowerCase();
      if (!isOneOf(dataType, KEY_TYPES)) {
        wrongType('key', column, 'CHAR or VARCHAR');
      } else if (isNullable(column)) {
        fail('nullable-key', 'key_columns', `key column "${column.COLUMN_NAME}" of table ${where} allows NULL; it must be NOT NULL`);
      } else {
        key = { name: column.COLUMN_NAME, dataType, maxLength: lengthOf(column) };
      }
    }
  }

  const values: ValueColumn[] = [];
  for (const valueName of valueNames) {
    const column = findColumn('value', valueName);
    if (column === undefined) continue;
    const dataType = String(column.DATA_TYPE).toLowerCase();
    if (!isOneOf(dataType, VALUE_TYPES)) {
      wrongType('value', column, 'CHAR, VARCHAR, TEXT or BLOB');
      continue;
    }
    values.push({ name: column.COLUMN_NAME, dataType, nullable: isNullable(column), maxLength: lengthOf(column) });
  }

  const integer = (
    role: 'flags' | 'cas' | 'expiry',
    columnName: string | null | undefined,
    accepted: readonly IntegerColumnType[],
    expected: string,
  ): IntegerColumn | null | undefined => {
    if (columnName === null) return null;
    if (columnName === undefined) return undefined;
    const column = findColumn(role, columnName);
    if (column === undefined) return undefined;
    const dataType = String(column.DATA_TYPE).toLowerCase();
    if (!isOneOf(dataType, accepted)) {
      wrongType(role, column, expected);
      return undefined;
    }
    const unsigned = /\bunsigned\b/i.test(String(column.COLUMN_TYPE));
    const [min, max] = INTEGER_RANGES[dataType][unsigned ? 'unsigned' : 'signed'];
    return { name: column.COLUMN_NAME, dataType, unsigned, nullable: isNullable(column), min, max };
  };
  const flags = integer('flags', flagsName, WIDE_INTEGER_TYPES, 'INT or BIGINT (an integer of at least 32 bits)');
  const cas = integer('cas', casName, CAS_TYPES, 'BIGINT or BIGINT UNSIGNED (64 bits)');
  const expiry = integer('expiry', expiryName, WIDE_INTEGER_TYPES, 'INT or BIGINT (an integer of at least 4 bytes)');

  let uniqueIndex: string | undefined;
  if (indexName !== undefined) {
    const index = table.indexes.find((candidate) => sameName(candidate.name, indexName));
    if (index === undefined) {
      fail('index-not-found', 'unique_idx_name_on_key', `index "${indexName}" does not exist on table ${where}`);
    } else if (!index.unique) {
      fail('index-not-unique', 'unique_idx_name_on_key', `index "${index.name}" on table ${where} is not unique; the key index must be unique`);
    } else if (key !== undefined && (index.columns.length !== 1 || !sameName(index.columns[0], key.name))) {
      // Only checked against a key column that resolved: a missing key column is reported once.
      fail(
        'index-not-on-key',
        'unique_idx_name_on_key',
        `index "${index.name}" on table ${where} covers (${index.columns.join(', ')}); it must cover exactly the key column "${key.name}"`,
      );
    } else {
      uniqueIndex = index.name;
    }
  }

  if (
    issues.length > 0 ||
    name === undefined ||
    key === undefined ||
    uniqueIndex === undefined ||
    values.length === 0 ||
    flags === undefined ||
    cas === undefined ||
    expiry === undefined
  ) {
    return failed(issues);
  }
  return {
    ok: true,
    container: { name, schema: table.schema, table: table.table, key, values, flags, cas, expiry, uniqueIndex },
  };
}

export type ContainersResolution =
  | {
      readonly ok: true;
      /** Every container, by name. */
      readonly containers: ReadonlyMap<string, Container>;
      /** The one used until a client switches with `@@name` (see defaultContainer). */
      readonly defaultContainer: Container;
    }
  | { readonly ok: false; readonly errors: readonly string[] };

/**
 * Validates every row of `innodb_memcache.containers`. One bad row fails the whole set: the
 * plugin refuses to load on a mismatch [D], and a node that serves some containers and not
 * others would answer the same key differently from its peers.
 */
export function resolveContainers(
  rows: readonly ContainerRow[],
  lookupTable: (schema: string, table: string) => TableMetadata | null | undefined,
): ContainersResolution {
  if (rows.length === 0) {
    return { ok: false, errors: ['innodb_memcache.containers has no rows: at least one container is needed'] };
  }
  const errors: string[] = [];
  const containers = new Map<string, Container>();
  for (const row of rows) {
    const table =
      isSafeIdentifier(row.db_schema) && isSafeIdentifier(row.db_table) ? lookupTable(row.db_schema, row.db_table) : null;
    const result = validateContainer(row, table);
    if (!result.ok) {
      errors.push(...result.errors);
    } else if (containers.has(result.container.name)) {
      errors.push(`${describeSubject(row)}: the name is used by more than one row`);
    } else {
      containers.set(result.container.name, result.container);
    }
  }
  if (errors.length > 0) {
    return { ok: false, errors };
  }
  const chosen = defaultContainer([...containers.values()]);
  if (chosen === undefined) {
    return { ok: false, errors: ['no valid container'] };
  }
  return { ok: true, containers, defaultContainer: chosen };
}

/**
 * The container used when a request names none [D]: the one named `default` (exact, case-sensitive
 * match, as the plugin's strcmp), else the first by name ascending. Names compare by UTF-16 code
 * unit, which for our ASCII-only names is byte order: the order of `containers.name` under the
 * utf8mb4_bin collation our bootstrap gives it. Entries without a name are skipped.
 */
export function defaultContainer<T extends { readonly name: string | null }>(containers: readonly T[]): T | undefined {
  let first: T | undefined;
  for (const container of containers) {
    if (typeof container.name !== 'string') continue;
    if (container.name === 'default') return container;
    if (first === undefined || container.name < (first.name as string)) first = container;
  }
  return first;
}

function failed(issues: readonly ContainerIssue[]): ContainerValidation {
  return { ok: false, issues, errors: issues.map((issue) => issue.message) };
}

function describeSubject(row: ContainerRow): string {
  const name: unknown = row.name;
  const label = typeof name === 'string' && name !== '' ? describeUntrusted(name) : '(unnamed)';
  const target =
    isSafeIdentifier(row.db_schema) && isSafeIdentifier(row.db_table) ? ` (${row.db_schema}.${row.db_table})` : '';
  return `container ${label}${target}`;
}

/** MySQL column, index and (with lower_case_table_names) table names are case-insensitive. */
function sameName(a: string, b: string): boolean {
  return asciiLower(String(a)) === asciiLower(String(b));
}

/** ASCII-only folding: Unicode folding would let `\u212A` (Kelvin sign) match `k`. */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

function isOneOf<T extends string>(value: string, allowed: readonly T[]): value is T {
  return (allowed as readonly string[]).includes(value);
}

function isNullable(column: ColumnMetadata): boolean {
  return String(column.IS_NULLABLE).toUpperCase() === 'YES';
}

function lengthOf(column: ColumnMetadata): number | null {
  const length = column.CHARACTER_MAXIMUM_LENGTH;
  if (length === null || length === undefined) return null;
  const value = Number(length);
  return Number.isFinite(value) ? value : null;
}
