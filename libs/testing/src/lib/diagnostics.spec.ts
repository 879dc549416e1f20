import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerDiagnostics, reportDiagnostics } from './diagnostics';
import { waitFor, WaitTimeoutError } from './wait-for';

describe('diagnostics of a timed-out wait', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kbinlog-diagnostics-'));
  let stderr: jest.SpyInstance;

  beforeAll(() => {
    process.env['KBINLOG_TEST_DIAGNOSTICS_DIR'] = dir;
  });
  beforeEach(() => {
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => stderr.mockRestore());
  afterAll(() => {
    delete process.env['KBINLOG_TEST_DIAGNOSTICS_DIR'];
  });

  it('writes every registered source to a file the error names, and prints the tail of each', async () => {
    const output = Array.from({ length: 500 }, (_, index) => `line ${index}`);
    const unregister = registerDiagnostics({ label: () => 'node-1 (source, running)', lines: () => output });
    const failing = registerDiagnostics({ label: () => 'topology', lines: () => Promise.reject(new Error('broker gone')) });
    try {
      const error = await waitFor(() => false, { description: 'node-1 to be the writable source', timeoutMs: 20, intervalMs: 5 }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(WaitTimeoutError);
      const file = (error as WaitTimeoutError).diagnosticsFile as string;
      expect((error as Error).message).toContain(`diagnostics: ${file}`);
      const report = readFileSync(file, 'utf8');
      expect(report).toContain('timed out waiting for node-1 to be the writable source');
      expect(report).toContain('===== node-1 (source, running) (last 400 of 500 lines)');
      expect(report).toContain('line 499');
      expect(report).not.toContain('line 99\n');
      expect(report).toContain('===== topology\n(could not gather: broker gone)');
      const printed = stderr.mock.calls.map(([text]) => String(text)).join('');
      expect(printed).toContain(`full report: ${file}`);
      expect(printed).toContain('(last 40 of 500 lines)');
      expect(printed).toContain('line 460');
      expect(printed).not.toContain('line 459');
    } finally {
      unregister();
      failing();
    }
  });

  it('reports nothing when nothing is registered', async () => {
    expect(await reportDiagnostics('nothing')).toBeUndefined();
    expect(stderr).not.toHaveBeenCalled();
  });
});
