/**
 * One memcached value over one or several value columns [D] 14.21.7 "Multiple Value Column
 * Mapping"; [S] innodb_api.cc (innodb_api_set_multi_cols, innodb_api_link, innodb_api_arithmetic)
 * and innodb_engine.cc (innodb_get).
 *
 * The separator is config_options `separator` (default `|`), matched as a whole string.
 */

function assertSeparator(separator: string): void {
  if (typeof separator !== 'string' || separator.length === 0) {
    throw new RangeError('the value separator must be a non-empty string');
  }
}

function assertColumnCount(columnCount: number): void {
  if (!Number.isSafeInteger(columnCount) || columnCount < 1) {
    throw new RangeError(`a container has at least one value column, got ${columnCount}`);
  }
}

/**
 * The column values a set/add/replace/cas writes.
 * - One value column: the whole value, separators included; nothing is split [S].
 * - Several: split on `separator`; parts beyond `columnCount` are ignored, missing parts are
 *   NULL (a NOT NULL column then makes the write fail) [D].
 * - An empty part (`a||b`, a leading or trailing separator) is an empty string, in its place.
 *   The plugin's strtok collapses runs of separators instead (`a||b` fills two columns, not
 *   three), which shifts later parts into the wrong columns; we keep positions.
 * - The empty value gives `['', null, ...]`: one empty part, the rest missing.
 */
export function splitValue(value: string, separator: string, columnCount: number): (string | null)[] {
  assertSeparator(separator);
  assertColumnCount(columnCount);
  if (columnCount === 1) {
    return [value];
  }
  const columns: (string | null)[] = [];
  let start = 0;
  while (columns.length < columnCount - 1) {
    const at = value.indexOf(separator, start);
    if (at < 0) break;
    columns.push(value.slice(start, at));
    start = at + separator.length;
  }
  // The last column gets the text up to the next separator (anything after it is ignored).
  const end = value.indexOf(separator, start);
  columns.push(end < 0 ? value.slice(start) : value.slice(start, end));
  while (columns.length < columnCount) {
    columns.push(null);
  }
  return columns;
}

/**
 * The value a get returns: the columns joined with `separator`, a NULL column as an empty
 * string [S] (innodb_get writes nothing for a NULL column, separators kept). One column: its
 * value, or empty for NULL.
 */
export function joinValues(columns: readonly (string | null)[], separator: string): string {
  assertSeparator(separator);
  if (columns.length === 0) {
    throw new RangeError('a container has at least one value column, got 0');
  }
  return columns.map((column) => column ?? '').join(separator);
}

/**
 * Which value column append, prepend, incr and decr act on when there are several [D][S]: the
 * flags value is the column's index (0-based); a flags value of `columnCount` or more picks
 * column 0, as the plugin does (it never refuses). With one value column the answer is 0.
 *
 * Which flags: for append/prepend the flags of the request line (which memcached otherwise
 * ignores: the stored flags stay as they were); for incr/decr, which carry no flags, the flags
 * stored in the row [S].
 */
export function valueColumnForFlags(flags: number | bigint, columnCount: number): number {
  assertColumnCount(columnCount);
  const index = typeof flags === 'bigint' ? flags : BigInt(Number.isSafeInteger(flags) ? flags : -1);
  return index >= 0n && index < BigInt(columnCount) ? Number(index) : 0;
}
