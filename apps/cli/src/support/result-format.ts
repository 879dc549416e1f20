/**
 * The mysql client's two result layouts, so kbinlog's output reads like the statements it
 * mirrors: vertical (`\G`, for SHOW REPLICA STATUS) and the boxed table (SHOW MASTER STATUS).
 * SQL NULL prints as NULL; objects as JSON.
 */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** `\G`: one field per line, names right-aligned to the longest, under a row banner. */
export function formatVertical(row: Readonly<Record<string, unknown>>, rowNumber = 1): string {
  const names = Object.keys(row);
  const width = Math.max(0, ...names.map((name) => name.length));
  const banner = `${'*'.repeat(27)} ${rowNumber}. row ${'*'.repeat(27)}`;
  return [banner, ...names.map((name) => `${name.padStart(width)}: ${cellText(row[name])}`)].join('\n') + '\n';
}

/** The boxed table; numbers are right-aligned as mysql does. */
export function formatTable(columns: readonly string[], rows: readonly Readonly<Record<string, unknown>>[]): string {
  const cells = rows.map((row) => columns.map((column) => cellText(row[column])));
  const widths = columns.map((column, index) => Math.max(column.length, ...cells.map((line) => line[index].length)));
  const numeric = columns.map((column) => rows.length > 0 && rows.every((row) => typeof row[column] === 'number' || /^\d+$/.test(String(row[column] ?? ''))));
  const rule = `+${widths.map((width) => '-'.repeat(width + 2)).join('+')}+`;
  const line = (values: readonly string[], alignRight: readonly boolean[]) =>
    `| ${values.map((value, index) => (alignRight[index] ? value.padStart(widths[index]) : value.padEnd(widths[index]))).join(' | ')} |`;
  return [rule, line(columns, columns.map(() => false)), rule, ...cells.map((values) => line(values, numeric)), rule].join('\n') + '\n';
}
