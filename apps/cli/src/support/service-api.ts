import { Option } from 'commander';
import { httpUrl } from './http-url';

const TIMEOUT_MS = 10_000;

/** A service refused a request or could not be asked; the message is what the operator reads. */
export class ServiceApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ServiceApiError';
  }
}

interface ProblemBody {
  readonly title?: unknown;
  readonly detail?: unknown;
}

/** `--url <url>` with the service's environment variable and default, checked like any argument. */
export function serviceUrlOption(env: string, fallback: string): Option {
  return new Option('--url <url>', `base URL of the service (env ${env})`).env(env).default(fallback).argParser(httpUrl);
}

async function failure(response: Response, target: string): Promise<ServiceApiError> {
  const text = await response.text().catch(() => '');
  let reason = text.trim() || response.statusText;
  if (/json/.test(response.headers.get('content-type') ?? '')) {
    try {
      const problem = JSON.parse(text) as ProblemBody;
      // Problem JSON (RFC 9457): "<title>: <detail>"; other JSON errors: their message.
      const detail = problem.detail ?? (problem as { message?: unknown }).message;
      reason = [problem.title, detail].filter((part) => typeof part === 'string' && part !== '').join(': ') || reason;
    } catch {
      // not JSON after all: the raw text says it
    }
  }
  return new ServiceApiError(`${target} answered ${response.status}: ${reason}`, response.status);
}

/**
 * One request to a kbinlog service's HTTP API, returning its JSON answer. Errors come back as
 * ServiceApiError carrying the service's own explanation (problem detail). A request that holds
 * its answer on purpose (SOURCE_POS_WAIT) passes a longer `timeoutMs`.
 */
export async function callService(base: string, method: 'GET' | 'POST', path: string, body?: object, timeoutMs = TIMEOUT_MS): Promise<unknown> {
  const target = `${method} ${base}${path}`;
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new ServiceApiError(`cannot reach ${base}: ${cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error))}`);
  }
  if (!response.ok) throw await failure(response, target);
  try {
    return (await response.json()) as unknown;
  } catch {
    throw new ServiceApiError(`${target} answered ${response.status} without a JSON body`, response.status);
  }
}

/** The answer as a flat record of fields, or an error if the service sent something else. */
export function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ServiceApiError(`${what}: expected a JSON object`);
  return value as Record<string, unknown>;
}
