import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What a failed end-to-end wait prints so that a failure in CI explains itself: every source of
 * diagnostics registered in this test file (each service process's recent output, each cluster's
 * topology records), gathered when a `waitFor` times out. Jest gives each test file its own
 * module registry, so the registry below is per file.
 */
export interface DiagnosticsSource {
  /** Heading of its section: "node-1 (source, pid 123, running)". */
  readonly label: () => string;
  /** The section's lines, most recent last; may read Kafka or a database (bounded by GATHER_TIMEOUT_MS). */
  readonly lines: () => Promise<readonly string[]> | readonly string[];
}

/** Lines of each section printed to stderr; the file holds up to FILE_LINES. */
const PRINTED_LINES = 40;
const FILE_LINES = 400;
const GATHER_TIMEOUT_MS = 8_000;

const sources = new Set<DiagnosticsSource>();
let reports = 0;

/** Adds a source; returns the function that removes it. */
export function registerDiagnostics(source: DiagnosticsSource): () => void {
  sources.add(source);
  return () => sources.delete(source);
}

export function diagnosticsDir(): string {
  return process.env['KBINLOG_TEST_DIAGNOSTICS_DIR'] ?? join(process.cwd(), 'tmp', 'e2e-diagnostics');
}

/**
 * Gathers every registered source, writes the whole report to a file and prints its tail of
 * each section to stderr; resolves with the file's path (undefined when nothing is registered).
 * Never throws: a diagnostics failure must not hide the failure it explains.
 */
export async function reportDiagnostics(what: string): Promise<string | undefined> {
  if (sources.size === 0) return undefined;
  const sections = await Promise.all(
    [...sources].map(async (source) => {
      const label = safeLabel(source);
      try {
        const lines = await withTimeout(Promise.resolve(source.lines()), GATHER_TIMEOUT_MS);
        return { label, lines };
      } catch (error) {
        return { label, lines: [`(could not gather: ${error instanceof Error ? error.message : String(error)})`] };
      }
    }),
  );
  const render = (limit: number) =>
    sections
      .map(({ label, lines }) => {
        const shown = lines.slice(-limit);
        const skipped = lines.length - shown.length;
        return [`===== ${label}${skipped > 0 ? ` (last ${shown.length} of ${lines.length} lines)` : ''}`, ...shown].join('\n');
      })
      .join('\n');
  let file: string | undefined;
  try {
    const dir = diagnosticsDir();
    mkdirSync(dir, { recursive: true });
    const slug = what.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 60);
    file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}-${++reports}-${slug}.log`);
    writeFileSync(file, `timed out waiting for ${what}\n${render(FILE_LINES)}\n`);
  } catch {
    file = undefined;
  }
  process.stderr.write(`\n[kbinlog diagnostics] timed out waiting for ${what}; ${file ? `full report: ${file}` : 'no report file'}\n${render(PRINTED_LINES)}\n[kbinlog diagnostics] end\n`);
  return file;
}

function safeLabel(source: DiagnosticsSource): string {
  try {
    return source.label();
  } catch (error) {
    return `(label failed: ${String(error)})`;
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
