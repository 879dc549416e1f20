/** The real servers a test run uses, however they were provided. */
export interface MariaDbServer {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
}

export type InfraProvider = 'external' | 'containers' | 'local';

export interface TestInfra {
  readonly provider: InfraProvider;
  readonly kafka: { readonly brokers: readonly string[] };
  readonly mariadb: readonly MariaDbServer[];
}

/** What was started for a run, and how to end exactly that. */
export interface StartedInfra {
  readonly infra: TestInfra;
  stop(): Promise<void>;
}

export function mariadbUrl(server: MariaDbServer, database = ''): string {
  const auth = `${encodeURIComponent(server.user)}:${encodeURIComponent(server.password)}`;
  return `mysql://${auth}@${server.host}:${server.port}/${database}`;
}

/** Parses `mysql://user:password@host:port/` as given in KBINLOG_TEST_MARIADB_URLS. */
export function parseMariadbUrl(name: string, text: string): MariaDbServer {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`${name}: not a URL: ${JSON.stringify(text)} (expected mysql://user:password@host:port/)`);
  }
  if (url.protocol !== 'mysql:' && url.protocol !== 'mariadb:') {
    throw new Error(`${name}: expected a mysql:// or mariadb:// URL, got ${url.protocol}`);
  }
  if (!url.username) {
    throw new Error(`${name}: the URL needs a user: ${url.protocol}//user:password@${url.host}/`);
  }
  return {
    name,
    host: url.hostname,
    port: url.port ? Number(url.port) : 3306,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
}
