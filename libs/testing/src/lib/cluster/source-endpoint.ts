import type { RunningService } from '../service-process';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** Where a client sends writes: the source node's front doors. */
export interface SourceEndpoint {
  readonly node: string;
  readonly memcached: HostPort;
  readonly mysql: HostPort | null;
}

/** Finds the current source; rejects while there is none that takes writes. */
export type SourceResolver = () => Promise<SourceEndpoint>;

/** GET /source on a coordinator (docs/coordinator.md). */
export interface CoordinatorSource {
  readonly node: string;
  readonly generation: number;
  readonly httpUrl: string;
  readonly memcached: string | null;
  readonly mysql: string | null;
  readonly writable: boolean;
}

const RESOLVE_TIMEOUT_MS = 2_000;

export function parseHostPort(text: string): HostPort {
  const colon = text.lastIndexOf(':');
  const port = Number(text.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port) || port <= 0) throw new Error(`not host:port: ${JSON.stringify(text)}`);
  return { host: text.slice(0, colon).replace(/^\[|\]$/g, ''), port };
}

/** A source at a fixed address (a cluster without a coordinator): its ports from GET /status. */
export function fixedSource(node: string, current: () => RunningService): SourceResolver {
  return async () => {
    const service = current();
    const response = await fetch(`${service.httpUrl}/status`, { signal: AbortSignal.timeout(RESOLVE_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`${node} GET /status answered ${response.status}`);
    const status = (await response.json()) as { Memcached_Port: number; Mysql_Port: number | null };
    return {
      node,
      memcached: { host: '127.0.0.1', port: status.Memcached_Port },
      mysql: status.Mysql_Port === null ? null : { host: '127.0.0.1', port: status.Mysql_Port },
    };
  };
}

/** GET /source on the first coordinator that answers with a writable source, as clients do. */
export function coordinatorSource(coordinatorUrls: () => readonly string[]): SourceResolver {
  return async () => {
    const reasons: string[] = [];
    for (const url of coordinatorUrls()) {
      try {
        const response = await fetch(`${url}/source`, { signal: AbortSignal.timeout(RESOLVE_TIMEOUT_MS) });
        if (!response.ok) {
          reasons.push(`${url}: ${response.status}`);
          continue;
        }
        const source = (await response.json()) as CoordinatorSource;
        if (!source.writable || source.memcached === null) {
          reasons.push(`${url}: ${source.node} not writable`);
          continue;
        }
        return { node: source.node, memcached: parseHostPort(source.memcached), mysql: source.mysql === null ? null : parseHostPort(source.mysql) };
      } catch (error) {
        reasons.push(`${url}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    throw new Error(`no writable source: ${reasons.join('; ') || 'no coordinator'}`);
  };
}
