import { Command } from 'commander';
import { httpUrl } from '../support/http-url';

const TIMEOUT_MS = 3000;

interface HealthLine {
  readonly url: string;
  readonly ok: boolean;
  readonly detail: string;
}

async function probe(origin: string): Promise<HealthLine> {
  try {
    const response = await fetch(`${origin}/health`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    const body = (await response.json()) as { status?: string; service?: string; version?: string };
    const ok = response.ok && body.status === 'ok';
    return { url: origin, ok, detail: `${body.service ?? '?'} ${body.version ?? '?'} ${body.status ?? response.status}` };
  } catch (error) {
    return { url: origin, ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}

/** `kbinlog health <url...>`: asks each service's GET /health; exits 1 if any is not ok. */
export function healthCommand(): Command {
  return new Command('health')
    .description("check services' GET /health (exit status 1 if any is unhealthy)")
    .argument('<url...>', 'base URL of a service, e.g. http://127.0.0.1:8081', (value: string, previous: string[] = []) => [
      ...previous,
      httpUrl(value),
    ])
    .option('--json', 'print one JSON object per service')
    .action(async (urls: string[], options: { json?: boolean }) => {
      const lines = await Promise.all(urls.map(probe));
      for (const line of lines) {
        process.stdout.write(
          options.json ? `${JSON.stringify(line)}\n` : `${line.ok ? 'ok  ' : 'FAIL'}  ${line.url}  ${line.detail}\n`,
        );
      }
      if (lines.some((line) => !line.ok)) process.exitCode = 1;
    });
}
