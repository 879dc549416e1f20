import { Option } from 'commander';
import { httpUrl } from './http-url';
import { callService, ServiceApiError } from './service-api';

export const COORDINATOR_URL_ENV = 'KBINLOG_COORDINATOR_URL';
export const DEFAULT_COORDINATOR_URL = 'http://127.0.0.1:8080';
/** A switchover waits for the target to apply the log to its end. */
const OPERATION_TIMEOUT_MS = 120_000;

/** `--coordinator <url>[,<url>…]`: every coordinator instance the command may ask. */
export function coordinatorOption(): Option {
  return new Option('--coordinator <urls>', `coordinator base URLs, comma-separated (env ${COORDINATOR_URL_ENV})`)
    .env(COORDINATOR_URL_ENV)
    .default([DEFAULT_COORDINATOR_URL], DEFAULT_COORDINATOR_URL)
    .argParser((value: string) => value.split(',').map((url) => httpUrl(url.trim())));
}

/** Reads from the first coordinator that answers: every instance answers from its own view. */
export async function askCoordinator(urls: readonly string[], path: string): Promise<unknown> {
  const failures: string[] = [];
  for (const url of urls) {
    try {
      return await callService(url, 'GET', path);
    } catch (error) {
      // A 404 (no source yet) is the cluster's answer, not this instance's failure.
      if (error instanceof ServiceApiError && error.status !== undefined && error.status < 500) throw error;
      failures.push(error instanceof Error ? error.message : String(error));
    }
  }
  throw new ServiceApiError(failures.join('; '));
}

/** Sends an operation to the leader: instances that are not (503) or cannot be reached are skipped. */
export async function askLeader(urls: readonly string[], path: string, body: object = {}): Promise<unknown> {
  const failures: string[] = [];
  for (const url of urls) {
    try {
      return await callService(url, 'POST', path, body, OPERATION_TIMEOUT_MS);
    } catch (error) {
      if (error instanceof ServiceApiError && error.status !== undefined && error.status !== 503) throw error;
      failures.push(error instanceof Error ? error.message : String(error));
    }
  }
  throw new ServiceApiError(`no coordinator answered as leader: ${failures.join('; ')}`);
}
