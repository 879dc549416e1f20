import { join, resolve } from 'node:path';

/**
 * Where the bench's own cluster lives: its own state directory and ports, away from the
 * defaults (9092, 3307, 3316…, 8080…, 11211) and from the ports CI and test runs use
 * (19092/20092, 13307-13312, 23307-23309, 24092-24093, 24307-24312, 25xxx, 29092/30092).
 * Kafka's controller takes the bootstrap port + 1000 (27092).
 */
export interface BenchLayout {
  readonly root: string;
  /** KBINLOG_STATE_DIR of the bench's stack: wiped at the start of each run. */
  readonly stateDir: string;
  readonly resultsDir: string;
  readonly cluster: string;
  readonly kafkaPort: number;
  readonly mariadbBasePort: number;
  readonly httpBasePort: number;
  readonly memcachedPort: number;
  readonly mysqlPort: number;
  /** The reference memcached (Debian's package), started by the bench. */
  readonly referenceMemcachedPort: number;
  /** MariaDB's own replication, the reference for writes and delay: its source, then its two replicas. */
  readonly referenceMariadbBasePort: number;
}

export function benchLayout(root = resolve(__dirname, '..', '..', '..')): BenchLayout {
  return {
    root,
    stateDir: join(root, '.kbinlog', 'bench'),
    resultsDir: join(root, 'bench', 'results'),
    cluster: 'bench',
    kafkaPort: 26092,
    mariadbBasePort: 26316,
    httpBasePort: 26080,
    memcachedPort: 26211,
    mysqlPort: 26307,
    referenceMemcachedPort: 26411,
    referenceMariadbBasePort: 26320,
  };
}

export function binlogTopic(layout: BenchLayout): string {
  return `kbinlog.${layout.cluster}.binlog`;
}
