/**
 * The replica's filter settings, MySQL's `--replicate-*` options, and how each value is read.
 * MySQL reads them at start and refuses a malformed one; so do we, naming every problem.
 */

/** The options, by their MySQL names; each one is repeatable. */
export const FILTER_OPTIONS = [
  'replicate-do-db',
  'replicate-ignore-db',
  'replicate-do-table',
  'replicate-ignore-table',
  'replicate-wild-do-table',
  'replicate-wild-ignore-table',
  'replicate-rewrite-db',
] as const;

export type FilterOption = (typeof FILTER_OPTIONS)[number];

/** Settings by option name, each a list (`replicate-do-db=a` twice in my.cnf is `['a', 'b']`). */
export type FilterSettings = { readonly [O in FilterOption]?: readonly string[] };

/** `replicate-rewrite-db=from->to`. */
export interface DbRewrite {
  readonly from: string;
  readonly to: string;
}

/** The rules as read: names and patterns exactly as given, in order, duplicates dropped. */
export interface FilterRules {
  readonly doDb: readonly string[];
  readonly ignoreDb: readonly string[];
  /** `db.tbl` as given. */
  readonly doTable: readonly string[];
  readonly ignoreTable: readonly string[];
  /** LIKE patterns over `db.tbl`. */
  readonly wildDoTable: readonly string[];
  readonly wildIgnoreTable: readonly string[];
  readonly rewriteDb: readonly DbRewrite[];
}

/** MySQL's longest database and table name (NAME_CHAR_LEN). */
const MAX_NAME_CHARS = 64;

/**
 * One flag or environment value as a list: comma-separated, blanks around entries ignored, an
 * empty value an empty list. (MySQL repeats the option instead; one flag holds them all here.)
 */
export function splitFilterList(text: string): string[] {
  return text.trim() === '' ? [] : text.split(',').map((entry) => entry.trim());
}

/** What is wrong with the values of one option; empty when they are all usable. */
export function filterSettingProblems(option: FilterOption, values: readonly string[]): string[] {
  return readOption(option, values).problems;
}

/** Reads every option; the problems are prefixed with the option's name. */
export function readFilterRules(settings: FilterSettings): { readonly rules: FilterRules; readonly problems: readonly string[] } {
  const problems: string[] = [];
  const read = <T>(option: FilterOption): T[] => {
    const result = readOption(option, settings[option] ?? []);
    problems.push(...result.problems.map((problem) => `${option}: ${problem}`));
    return result.values as T[];
  };
  const rules: FilterRules = {
    doDb: read('replicate-do-db'),
    ignoreDb: read('replicate-ignore-db'),
    doTable: read('replicate-do-table'),
    ignoreTable: read('replicate-ignore-table'),
    wildDoTable: read('replicate-wild-do-table'),
    wildIgnoreTable: read('replicate-wild-ignore-table'),
    rewriteDb: read('replicate-rewrite-db'),
  };
  return { rules, problems };
}

function readOption(option: FilterOption, values: readonly string[]): { values: (string | DbRewrite)[]; problems: string[] } {
  switch (option) {
    case 'replicate-do-db':
    case 'replicate-ignore-db':
      return readEach(values, readDatabaseName);
    case 'replicate-do-table':
    case 'replicate-ignore-table':
      return readEach(values, readTableName);
    case 'replicate-wild-do-table':
    case 'replicate-wild-ignore-table':
      return readEach(values, readTablePattern);
    case 'replicate-rewrite-db':
      return readRewrites(values);
  }
}

type Read<T> = { readonly value: T } | { readonly problem: string };

function readEach(values: readonly string[], read: (value: string) => Read<string>): { values: string[]; problems: string[] } {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const value of values) {
    const result = read(value);
    if ('problem' in result) problems.push(result.problem);
    else seen.add(result.value);
  }
  return { values: [...seen], problems };
}

function readDatabaseName(value: string): Read<string> {
  if (value === '') return { problem: 'an empty database name (a stray comma?)' };
  if ([...value].length > MAX_NAME_CHARS) return { problem: `${JSON.stringify(value)} is longer than ${MAX_NAME_CHARS} characters, the longest MySQL database name` };
  return { value };
}

/** `db.tbl`, split at the first dot as MySQL does. */
function readTableName(value: string): Read<string> {
  const parts = splitAtDot(value);
  if (!parts) return { problem: `${JSON.stringify(value)} has no ".": expected db.tbl, e.g. sales.orders` };
  const [database, table] = parts;
  if (database === '') return { problem: `${JSON.stringify(value)} has an empty database name: expected db.tbl` };
  if (table === '') return { problem: `${JSON.stringify(value)} has an empty table name: expected db.tbl (replicate-do-db or replicate-wild-do-table=db.% for a whole database)` };
  if ([...database].length > MAX_NAME_CHARS) return { problem: `${JSON.stringify(value)}: the database name is longer than ${MAX_NAME_CHARS} characters` };
  if ([...table].length > MAX_NAME_CHARS) return { problem: `${JSON.stringify(value)}: the table name is longer than ${MAX_NAME_CHARS} characters` };
  return { value };
}

/** `db_pattern.tbl_pattern`: LIKE patterns matched against `db.tbl` as a whole, as MySQL does. */
function readTablePattern(value: string): Read<string> {
  const parts = splitAtDot(value);
  if (!parts) return { problem: `${JSON.stringify(value)} has no ".": expected db_pattern.tbl_pattern, e.g. sales%.%` };
  if (parts[0] === '') return { problem: `${JSON.stringify(value)} has an empty database pattern: expected db_pattern.tbl_pattern (% matches any name)` };
  if (parts[1] === '') return { problem: `${JSON.stringify(value)} has an empty table pattern: expected db_pattern.tbl_pattern (% matches any name)` };
  return { value };
}

function splitAtDot(value: string): [string, string] | undefined {
  const dot = value.indexOf('.');
  return dot < 0 ? undefined : [value.slice(0, dot), value.slice(dot + 1)];
}

/** `from->to`, blanks around the arrow ignored (as mysqld does); one target per database. */
function readRewrites(values: readonly string[]): { values: DbRewrite[]; problems: string[] } {
  const problems: string[] = [];
  const rewrites = new Map<string, string>();
  for (const value of values) {
    const arrow = value.indexOf('->');
    if (arrow < 0) {
      problems.push(`${JSON.stringify(value)} has no "->": expected from_db->to_db`);
      continue;
    }
    const from = value.slice(0, arrow).trim();
    const to = value.slice(arrow + 2).trim();
    if (from === '') {
      problems.push(`${JSON.stringify(value)} has an empty source database: expected from_db->to_db`);
    } else if (to === '') {
      problems.push(`${JSON.stringify(value)} has an empty target database: expected from_db->to_db`);
    } else if ([from, to].some((name) => [...name].length > MAX_NAME_CHARS)) {
      problems.push(`${JSON.stringify(value)}: a database name is longer than ${MAX_NAME_CHARS} characters`);
    } else if (rewrites.has(from) && rewrites.get(from) !== to) {
      problems.push(`${JSON.stringify(value)}: ${from} is already rewritten to ${rewrites.get(from)}; a database can be rewritten to one database only`);
    } else {
      rewrites.set(from, to);
    }
  }
  return { values: [...rewrites].map(([from, to]) => ({ from, to })), problems };
}
