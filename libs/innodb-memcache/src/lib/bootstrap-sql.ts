/**
 * What `innodb_memcached_config.sql` does [S], as data: statements a node runs at every start
 * on MariaDB or MySQL. This module only describes them; the caller runs them, in order.
 *
 * Idempotence:
 * - databases and tables: `CREATE ... IF NOT EXISTS`, never altered once there;
 * - configuration rows: `INSERT IGNORE`, so a row an operator changed is kept as it is, and a
 *   row an operator deleted comes back at the next start (as with re-running the plugin script);
 * - the demo row `AA` of test.demo_test is NOT re-inserted: a client may delete it through
 *   memcached, and a restart must not resurrect data. It is inserted only right after the
 *   statement that created the table, under the contract of `DEMO_TABLE` below.
 *
 * Differences from the plugin script, on purpose:
 * - `ENGINE=InnoDB` and `utf8mb4` everywhere (the script leaves the server's default charset);
 * - collation `utf8mb4_bin` for the configuration tables, so container and policy names compare
 *   and sort by bytes, as the plugin's strcmp does and as defaultContainer orders them;
 * - collation `utf8mb4_bin` for test.demo_test too, so keys are case-sensitive as in memcached
 *   (under a `_ci` collation `get aa` would find `AA`);
 * - the `table_map_delimiter` row is inserted (the script relies on the built-in default `.`).
 */
import { DEFAULT_CACHE_POLICIES } from './cache-policy';
import type { ConfigOptionRow } from './config-options';
import { DEFAULT_CONFIG_OPTIONS } from './config-options';
import type { ContainerRow } from './container';
import { quoteIdentifier, quoteQualifiedName } from './identifier';

export interface SqlStatement {
  /** One line for logs: what the statement is for. */
  readonly description: string;
  readonly sql: string;
}

export const CONFIG_SCHEMA = 'innodb_memcache';
export const CONTAINERS_TABLE = 'containers';
export const CACHE_POLICIES_TABLE = 'cache_policies';
export const CONFIG_OPTIONS_TABLE = 'config_options';

/** The container the script registers: key c1, value c2, flags c3, cas c4, expiry c5 [S]. */
export const DEMO_CONTAINER_ROW: ContainerRow = {
  name: 'aaa',
  db_schema: 'test',
  db_table: 'demo_test',
  key_columns: 'c1',
  value_columns: 'c2',
  flags: 'c3',
  cas_column: 'c4',
  expire_time_column: 'c5',
  unique_idx_name_on_key: 'PRIMARY',
};

export const DEFAULT_CONFIG_OPTION_ROWS: readonly ConfigOptionRow[] = [
  { name: 'separator', value: DEFAULT_CONFIG_OPTIONS.separator },
  { name: 'table_map_delimiter', value: DEFAULT_CONFIG_OPTIONS.tableMapDelimiter },
];

/** The demo row: key, value, flags, cas, expiry [S]. */
export const DEMO_ROW = { c1: 'AA', c2: 'HELLO, HELLO', c3: 8, c4: 0, c5: 0 } as const;

const TABLE_OPTIONS_BIN = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin';
const POLICY_ENUM = "ENUM('innodb_only','cache_only','caching','disabled')";

const config = (table: string): string => quoteQualifiedName(CONFIG_SCHEMA, table);

/** Our own constants only; values from anywhere else go through placeholders. */
function literal(value: string | number): string {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`not an integer literal: ${value}`);
    return String(value);
  }
  // A backslash means different things with and without NO_BACKSLASH_ESCAPES: keep it out.
  if (value.includes('\\') || hasControlCharacter(value)) throw new RangeError(`not a plain string literal: ${JSON.stringify(value)}`);
  return `'${value.replace(/'/g, "''")}'`;
}

function hasControlCharacter(text: string): boolean {
  return [...text].some((character) => character.charCodeAt(0) < 0x20 || character.charCodeAt(0) === 0x7f);
}

function insertIgnore(table: string, row: Readonly<Record<string, string | number | null>>): string {
  const columns = Object.keys(row);
  const values = columns.map((column) => {
    const value = row[column];
    return value === null ? 'NULL' : literal(value);
  });
  return `INSERT IGNORE INTO ${config(table)} (${columns.map((column) => quoteIdentifier(column)).join(', ')}) VALUES (${values.join(', ')})`;
}

/** Run at every start, in this order. */
export const CONFIG_BOOTSTRAP: readonly SqlStatement[] = [
  {
    description: 'create the configuration database innodb_memcache',
    sql: `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(CONFIG_SCHEMA)} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`,
  },
  {
    description: 'create innodb_memcache.cache_policies',
    sql: [
      `CREATE TABLE IF NOT EXISTS ${config(CACHE_POLICIES_TABLE)} (`,
      '  `policy_name` VARCHAR(40) NOT NULL,',
      `  \`get_policy\` ${POLICY_ENUM} NOT NULL,`,
      `  \`set_policy\` ${POLICY_ENUM} NOT NULL,`,
      `  \`delete_policy\` ${POLICY_ENUM} NOT NULL,`,
      `  \`flush_policy\` ${POLICY_ENUM} NOT NULL,`,
      '  PRIMARY KEY (`policy_name`)',
      `) ${TABLE_OPTIONS_BIN}`,
    ].join('\n'),
  },
  {
    description: 'create innodb_memcache.containers',
    sql: [
      `CREATE TABLE IF NOT EXISTS ${config(CONTAINERS_TABLE)} (`,
      '  `name` VARCHAR(50) NOT NULL,',
      '  `db_schema` VARCHAR(250) NOT NULL,',
      '  `db_table` VARCHAR(250) NOT NULL,',
      '  `key_columns` VARCHAR(250) NOT NULL,',
      '  `value_columns` VARCHAR(250),',
      "  `flags` VARCHAR(250) NOT NULL DEFAULT '0',",
      '  `cas_column` VARCHAR(250),',
      '  `expire_time_column` VARCHAR(250),',
      '  `unique_idx_name_on_key` VARCHAR(250) NOT NULL,',
      '  PRIMARY KEY (`name`)',
      `) ${TABLE_OPTIONS_BIN}`,
    ].join('\n'),
  },
  {
    description: 'create innodb_memcache.config_options',
    sql: [
      `CREATE TABLE IF NOT EXISTS ${config(CONFIG_OPTIONS_TABLE)} (`,
      '  `name` VARCHAR(50) NOT NULL,',
      '  `value` VARCHAR(50),',
      '  PRIMARY KEY (`name`)',
      `) ${TABLE_OPTIONS_BIN}`,
    ].join('\n'),
  },
  {
    description: 'register the default cache policy (innodb_only for every operation) unless present',
    sql: insertIgnore(CACHE_POLICIES_TABLE, {
      policy_name: DEFAULT_CACHE_POLICIES.name,
      get_policy: DEFAULT_CACHE_POLICIES.get,
      set_policy: DEFAULT_CACHE_POLICIES.set,
      delete_policy: DEFAULT_CACHE_POLICIES.delete,
      flush_policy: DEFAULT_CACHE_POLICIES.flush,
    }),
  },
  {
    description: 'register container aaa -> test.demo_test unless present',
    sql: insertIgnore(CONTAINERS_TABLE, { ...DEMO_CONTAINER_ROW }),
  },
  ...DEFAULT_CONFIG_OPTION_ROWS.map((row) => ({
    description: `set config option ${row.name} unless present`,
    sql: insertIgnore(CONFIG_OPTIONS_TABLE, { name: row.name, value: row.value }),
  })),
  {
    description: 'create the demo database test',
    sql: `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier('test')}`,
  },
];

/** MySQL and MariaDB raise this as a Note when CREATE TABLE IF NOT EXISTS finds the table there. */
export const ER_TABLE_EXISTS_ERROR = 1050;

/**
 * The demo table and its one row, kept apart so the row is inserted once in the table's life.
 *
 * Contract for the caller, after CONFIG_BOOTSTRAP:
 * 1. run `create` (CREATE TABLE IF NOT EXISTS);
 * 2. on the same connection, read `SHOW WARNINGS` and pass the rows to `tableWasCreated`
 *    (with mysql2, `ResultSetHeader.warningStatus === 0` says the same for this statement);
 * 3. only if it returns true, run `seed`.
 * Two nodes starting together are safe: the server lets only one CREATE create the table; the
 * other gets the 1050 note and seeds nothing. A node that dies between steps 1 and 3 leaves the
 * table without `AA`, as if a client had deleted it; nothing re-inserts it later.
 */
export const DEMO_TABLE = {
  schema: DEMO_CONTAINER_ROW.db_schema as string,
  table: DEMO_CONTAINER_ROW.db_table as string,
  create: {
    description: 'create the demo table test.demo_test',
    sql: [
      `CREATE TABLE IF NOT EXISTS ${quoteQualifiedName('test', 'demo_test')} (`,
      '  `c1` VARCHAR(32) NOT NULL,',
      '  `c2` VARCHAR(1024),',
      '  `c3` INT,',
      '  `c4` BIGINT UNSIGNED,',
      '  `c5` INT,',
      '  PRIMARY KEY (`c1`)',
      `) ${TABLE_OPTIONS_BIN}`,
    ].join('\n'),
  } satisfies SqlStatement,
  seed: {
    description: "insert the demo row ('AA', 'HELLO, HELLO', 8, 0, 0): only right after `create` created the table",
    sql: `INSERT IGNORE INTO ${quoteQualifiedName('test', 'demo_test')} (\`c1\`, \`c2\`, \`c3\`, \`c4\`, \`c5\`) VALUES (${[
      DEMO_ROW.c1,
      DEMO_ROW.c2,
      DEMO_ROW.c3,
      DEMO_ROW.c4,
      DEMO_ROW.c5,
    ]
      .map(literal)
      .join(', ')})`,
  } satisfies SqlStatement,
} as const;

/** One row of `SHOW WARNINGS` (Level, Code, Message); drivers may give Code as a string. */
export interface WarningRow {
  readonly Level?: string;
  readonly Code: number | string;
  readonly Message?: string;
}

/** True when the CREATE TABLE IF NOT EXISTS that produced these warnings created the table. */
export function tableWasCreated(warnings: readonly WarningRow[]): boolean {
  return !warnings.some((warning) => Number(warning.Code) === ER_TABLE_EXISTS_ERROR);
}

/** Everything, for a caller that wants one description: run `always`, then `demoTable` per its contract. */
export const INNODB_MEMCACHE_BOOTSTRAP = {
  description:
    'innodb_memcached_config.sql for MariaDB/MySQL, idempotent: configuration database, tables and default rows, then test.demo_test seeded only when created',
  always: CONFIG_BOOTSTRAP,
  demoTable: DEMO_TABLE,
} as const;
