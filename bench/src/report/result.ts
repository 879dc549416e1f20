/** One line of the results table. */
export interface ResultRow {
  readonly scenario: string;
  readonly figure: string;
  readonly unit: string;
  /** null when it could not be measured (see `note`). */
  readonly kbinlog: number | null;
  /** The reference system's value, null when the figure has none. */
  readonly reference: number | null;
  /** What the reference is, e.g. "MariaDB autocommit SQL". */
  readonly referenceName?: string;
  readonly note?: string;
}

/** What a scenario hands back: its table rows and every detail worth keeping in the JSON. */
export interface ScenarioResult {
  readonly scenario: string;
  readonly rows: ResultRow[];
  readonly details: Record<string, unknown>;
}

export function ratio(row: ResultRow): number | null {
  if (row.kbinlog === null || row.reference === null || row.reference === 0) return null;
  return row.kbinlog / row.reference;
}
