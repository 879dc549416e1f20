import { ratio, type ResultRow } from './result';

/** A number as a table shows it: grouped thousands from 100 up, three significant digits below. */
export function formatValue(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '-';
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  if (value === 0) return '0';
  return Number(value.toPrecision(3)).toString();
}

function formatRatio(value: number | null): string {
  if (value === null) return '-';
  return value >= 100 ? `${Math.round(value)}×` : `${Number(value.toPrecision(2))}×`;
}

const HEADER = ['scenario', 'figure', 'unit', 'kbinlog', 'reference', 'ratio'];
/** Text columns are left-aligned, numbers right-aligned. */
const RIGHT = [false, false, false, true, true, true];

/** The results as one aligned text table (scenario, figure, unit, kbinlog, reference, ratio). */
export function resultsTable(rows: readonly ResultRow[]): string {
  const cells = [
    HEADER,
    ...rows.map((row) => [row.scenario, row.figure, row.unit, row.note && row.kbinlog === null ? `- (${row.note})` : formatValue(row.kbinlog), formatValue(row.reference), formatRatio(ratio(row))]),
  ];
  const widths = HEADER.map((_, column) => Math.max(...cells.map((line) => line[column].length)));
  return cells
    .map((line) => line.map((cell, column) => (RIGHT[column] ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))).join('  ').trimEnd())
    .join('\n');
}

/** The references behind the ratios, one line each, under the table. */
export function referenceLegend(rows: readonly ResultRow[]): string {
  const names = [...new Set(rows.flatMap((row) => (row.referenceName && row.reference !== null ? [`  ${row.scenario}: ${row.referenceName}`] : [])))];
  return names.length > 0 ? ['references:', ...names].join('\n') : '';
}
