import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { type SqlEndpoint, withConnection } from '../clients/mariadb';
import { sleep } from '../measure/clock';
import type { BenchLayout } from './layout';
import { progress } from './progress';

/** The instances, as infra/local/mariadb.sh names them (under the bench's state directory). */
const SOURCE = 'ref-source';
const REPLICAS = ['ref-replica-1', 'ref-replica-2'] as const;
const ACCOUNT = { user: 'kbinlog', password: 'kbinlog' };
const ATTACH_TIMEOUT_MS = 30_000;

/** The schema the reference's rows live in: created on the source, replicated to both replicas. */
export const REFERENCE_SCHEMA = 'bench_ref';
/** The memcached demo container's table (c1 key, c2 value, c3 flags, c4 cas, c5 expiry), plus the source's stamp. */
export const REFERENCE_TABLE = `${REFERENCE_SCHEMA}.demo_test`;
const REFERENCE_TABLE_DDL = `CREATE TABLE IF NOT EXISTS ${REFERENCE_TABLE} (
  c1 VARCHAR(32) NOT NULL PRIMARY KEY, c2 VARCHAR(1024), c3 INT, c4 BIGINT UNSIGNED, c5 INT,
  stamp_us BIGINT UNSIGNED NOT NULL DEFAULT 0) ENGINE=InnoDB`;

/**
 * How the source makes a commit durable. `fsync`: what the issue asks and a careful MySQL
 * operator runs (sync_binlog=1, innodb_flush_log_at_trx_commit=1: the binary log and the redo
 * log reach the disk before COMMIT returns, many commits per fsync through group commit).
 * `none`: neither is flushed at commit (sync_binlog=0, innodb_flush_log_at_trx_commit=2), the
 * policy of a Kafka broker with its defaults (the page cache; durability from replication).
 */
export type Durability = 'fsync' | 'none';

/**
 * MariaDB's own replication, the system a user would pick instead of kbinlog: one source with
 * its binary log (ROW, GTID) and two replicas attached with CHANGE MASTER TO …
 * MASTER_USE_GTID=slave_pos, each its own mariadbd from Debian's package on this machine,
 * started by infra/local/mariadb.sh exactly as kbinlog's nodes' servers are (same buffer pool,
 * same redo log, binary log on). Replicas run their triggers for row events
 * (slave_run_triggers_for_rbr), so the bench can stamp each applied row as it stamps kbinlog's.
 */
export class MariadbReplication {
  private constructor(
    readonly source: SqlEndpoint,
    readonly replicas: readonly SqlEndpoint[],
  ) {}

  static async start(layout: BenchLayout): Promise<MariadbReplication> {
    const port = (index: number): number => layout.referenceMariadbBasePort + index;
    const names = [SOURCE, ...REPLICAS];
    progress(`MariaDB replication reference: ${names.map((name, index) => `${name} on ${port(index)}`).join(', ')}…`);
    await Promise.all(names.map((name, index) => runMariadbScript(layout, ['start', '--name', name, '--port', String(port(index))])));
    const reference = new MariadbReplication(
      { host: '127.0.0.1', port: port(0), ...ACCOUNT },
      REPLICAS.map((_, index) => ({ host: '127.0.0.1', port: port(index + 1), ...ACCOUNT })),
    );
    await reference.setDurability('fsync');
    await reference.attachReplicas();
    return reference;
  }

  async setDurability(durability: Durability): Promise<void> {
    const [syncBinlog, flushAtCommit] = durability === 'fsync' ? [1, 1] : [0, 2];
    await withConnection(this.source, async (connection) => {
      await connection.query(`SET GLOBAL sync_binlog = ${syncBinlog}`);
      await connection.query(`SET GLOBAL innodb_flush_log_at_trx_commit = ${flushAtCommit}`);
    });
  }

  /** CHANGE MASTER TO … MASTER_USE_GTID=slave_pos and START SLAVE on each replica; waits for both threads. */
  private async attachReplicas(): Promise<void> {
    await withConnection(this.source, async (connection) => {
      await connection.query(`CREATE DATABASE IF NOT EXISTS ${REFERENCE_SCHEMA}`);
      await connection.query(REFERENCE_TABLE_DDL);
    });
    await Promise.all(
      this.replicas.map((replica) =>
        withConnection(replica, async (connection) => {
          await connection.query('SET GLOBAL slave_run_triggers_for_rbr = YES');
          // A kept state directory (--keep-stack) holds a replica attached by an earlier run.
          await connection.query('STOP SLAVE');
          await connection.query(
            `CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = ${this.source.port}, MASTER_USER = '${ACCOUNT.user}', MASTER_PASSWORD = '${ACCOUNT.password}', MASTER_USE_GTID = slave_pos`,
          );
          await connection.query('START SLAVE');
          const deadline = Date.now() + ATTACH_TIMEOUT_MS;
          for (;;) {
            const [rows] = await connection.query('SHOW SLAVE STATUS');
            const status = (rows as Record<string, unknown>[])[0];
            if (status?.['Slave_IO_Running'] === 'Yes' && status['Slave_SQL_Running'] === 'Yes') break;
            if (Date.now() > deadline) throw new Error(`replica on ${replica.port} did not start replicating: ${String(status?.['Last_IO_Error'] ?? '')} ${String(status?.['Last_SQL_Error'] ?? '')}`);
            await sleep(100);
          }
        }),
      ),
    );
    progress('MariaDB replication reference: both replicas replicating (MASTER_USE_GTID=slave_pos)');
  }

  /** Until every replica executed everything the source logged so far (MASTER_GTID_WAIT on the source's gtid_binlog_pos). */
  async waitForReplicas(timeoutS: number): Promise<boolean> {
    const position = await withConnection(this.source, async (connection) => {
      const [rows] = await connection.query('SELECT @@gtid_binlog_pos AS pos');
      return String((rows as { pos: string }[])[0].pos);
    });
    const outcomes = await Promise.all(
      this.replicas.map((replica) =>
        withConnection(replica, async (connection) => {
          const [rows] = await connection.query('SELECT MASTER_GTID_WAIT(?, ?) AS waited', [position, timeoutS]);
          return Number((rows as { waited: number }[])[0].waited) === 0;
        }),
      ),
    );
    return outcomes.every(Boolean);
  }

  /** Stops whichever of the three instances runs (also after a start that failed half-way). */
  static async stopAll(layout: BenchLayout): Promise<void> {
    await Promise.allSettled([SOURCE, ...REPLICAS].map((name) => runMariadbScript(layout, ['stop', '--name', name])));
  }
}

/** infra/local/mariadb.sh with the bench's state directory; its output goes to stderr with the bench's progress. */
function runMariadbScript(layout: BenchLayout, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(layout.root, 'infra', 'local', 'mariadb.sh'), ...args], { env: { ...process.env, KBINLOG_STATE_DIR: layout.stateDir }, stdio: ['ignore', 2, 2] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`infra/local/mariadb.sh ${args.join(' ')} exited with ${code}`))));
  });
}
