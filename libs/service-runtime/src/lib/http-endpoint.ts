/**
 * Where the service's HTTP API listens, known only once it is bound (port 0 picks a port).
 * Nodes put it in their topology reports, so the coordinator can reach them.
 */
export interface BoundHttp {
  readonly host: string;
  readonly port: number;
}

let bind: (bound: BoundHttp) => void = () => undefined;
const bound = new Promise<BoundHttp>((resolve) => (bind = resolve));

/** Resolves once runService's HTTP server listens. */
export function boundHttp(): Promise<BoundHttp> {
  return bound;
}

/** Called by runService after listen. */
export function announceBoundHttp(http: BoundHttp): void {
  bind(http);
}

/** The base URL others reach the service on: the advertised host if given, else the bound one. */
export function httpUrlOf(http: BoundHttp, advertiseHost: string): string {
  const host = advertiseHost || (http.host === '0.0.0.0' || http.host === '::' ? '127.0.0.1' : http.host);
  return `http://${host.includes(':') ? `[${host}]` : host}:${http.port}`;
}
