import { Command, InvalidArgumentError, Option } from 'commander';
import { join } from 'node:path';
import { DEFAULT_STACK_OPTIONS, MAX_REPLICAS, type NodeDatabaseLayout, stackLayout, type StoreKind } from '../stack/stack-layout';
import { stackDown, stackPaths, stackStatus, stackUp, type NodeState } from '../stack/stack-runner';
import type { CliIo } from '../support/cli-io';

function port(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > 65535) throw new InvalidArgumentError('expected a TCP port 1..65535');
  return Number(value);
}

function replicaCount(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > MAX_REPLICAS) throw new InvalidArgumentError(`expected 0..${MAX_REPLICAS}`);
  return Number(value);
}

function table(nodes: readonly NodeState[]): string {
  const rows = [
    ['NAME', 'ROLE', 'STATE', 'HTTP', 'MEMCACHED', 'MYSQL', 'DATABASE'],
    ...nodes.map((node) => [node.name, node.role, node.state, node.http, node.memcached ?? '-', node.mysql ?? '-', node.database ?? '-']),
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd()).join('\n');
}

/** How to read a node's own database with its store's own client. */
function sqlCommand(database: NodeDatabaseLayout | null): string {
  if (database?.store === 'sqlite') return `sqlite3 ${database.file} 'SELECT * FROM "test.demo_test"'`;
  return `mariadb -h127.0.0.1 -P${database?.port} -uapp -papp test`;
}

async function printStatus(io: CliIo, json: boolean): Promise<boolean> {
  const status = await stackStatus(stackPaths());
  if (!status) {
    io.err('no local stack: start one with `kbinlog stack up`\n');
    return false;
  }
  if (json) io.out(`${JSON.stringify(status, null, 2)}\n`);
  else io.out(`cluster ${status.cluster}, Kafka ${status.kafka}\n\n${table(status.nodes)}\n`);
  return status.nodes.every((node) => node.state === 'running');
}

/** `kbinlog stack up|down|status`: a local cluster on this machine, each node its own process and MariaDB. */
export function stackCommand(io: CliIo): Command {
  const stack = new Command('stack').description('run a local cluster: Kafka, a source, replicas and the coordinator, each node with its own database');

  stack
    .command('up')
    .description('start the local cluster (installs Kafka and MariaDB on first use) and print how to connect')
    .option('--replicas <n>', `number of nodes besides node-1, which starts as source (0..${MAX_REPLICAS})`, replicaCount, DEFAULT_STACK_OPTIONS.replicas)
    .addOption(new Option('--store <kind>', "each node's own database: a local MariaDB server, or a SQLite file (memcached writes only)").choices(['mariadb', 'sqlite']).default(DEFAULT_STACK_OPTIONS.store))
    .option('--cluster <name>', 'cluster name', DEFAULT_STACK_OPTIONS.cluster)
    .option('--detach', 'return once everything runs (default: stay in the foreground; Ctrl-C stops the cluster)')
    .option('--kafka-port <port>', 'Kafka bootstrap port', port, DEFAULT_STACK_OPTIONS.kafkaPort)
    .option('--mariadb-base-port <port>', "node-1's MariaDB port; node N uses base + N - 1", port, DEFAULT_STACK_OPTIONS.mariadbBasePort)
    .option('--http-base-port <port>', "the coordinator's HTTP port; node N uses base + N", port, DEFAULT_STACK_OPTIONS.httpBasePort)
    .option('--memcached-port <port>', "node-1's memcached port; node N uses port + N - 1", port, DEFAULT_STACK_OPTIONS.memcachedPort)
    .option('--mysql-port <port>', "node-1's MySQL-protocol port (SQL writes; MariaDB stores); node N uses port + N - 1", port, DEFAULT_STACK_OPTIONS.mysqlPort)
    .action(async (options: { replicas: number; store: string; cluster: string; detach?: boolean; kafkaPort: number; mariadbBasePort: number; httpBasePort: number; memcachedPort: number; mysqlPort: number }) => {
      const paths = stackPaths();
      const layout = stackLayout({
        cluster: options.cluster,
        replicas: options.replicas,
        store: options.store as StoreKind,
        dataDir: join(paths.stateDir, 'data'),
        kafkaPort: options.kafkaPort,
        mariadbBasePort: options.mariadbBasePort,
        httpBasePort: options.httpBasePort,
        memcachedPort: options.memcachedPort,
        mysqlPort: options.mysqlPort,
      });
      try {
        await stackUp(paths, layout, (line) => io.err(`${line}\n`));
      } catch (error) {
        io.err(`kbinlog: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
        return;
      }
      await printStatus(io, false);
      const source = layout.nodes[0];
      const replica = layout.nodes[1]?.database ? layout.nodes[1] : source;
      const coordinator = `http://127.0.0.1:${options.httpBasePort}`;
      io.out(
        [
          '',
          `Connect (${source.name} starts as source; after a switchover or failover \`bin/kbinlog source --coordinator ${coordinator}\` tells where to write):`,
          `  memcached   telnet 127.0.0.1 ${source.memcachedPort}            (writes: the source)`,
          ...(source.mysqlPort !== null ? [`  SQL writes  mariadb -h127.0.0.1 -P${source.mysqlPort} -ukbinlog -pkbinlog   (the source's MySQL port)`] : []),
          `  SQL reads   ${sqlCommand(replica.database)}   (${replica.name}'s own database${replica.database?.store === 'mariadb' && replica !== source ? ', read_only' : ''})`,
          `  binlog      kcat -C -b ${layout.kafka.brokers} -t kbinlog.${layout.cluster}.binlog -f '%o %k %h %s\\n'`,
          `  topology    bin/kbinlog topology --coordinator ${coordinator}; bin/kbinlog switchover --to ${layout.nodes[1]?.name ?? source.name}`,
          `  status      bin/kbinlog status --url http://127.0.0.1:${source.httpPort}; bin/kbinlog replica status --url http://127.0.0.1:${layout.nodes[1]?.httpPort ?? 8082}`,
          '  stop        bin/kbinlog stack down',
          '',
        ].join('\n'),
      );
      if (options.detach) return;
      io.err('running in the foreground; Ctrl-C stops the cluster\n');
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await stackDown(paths, (line) => io.err(`${line}\n`));
    });

  stack
    .command('down')
    .description('stop the local cluster: nodes, then MariaDB and Kafka (data is kept)')
    .action(async () => {
      await stackDown(stackPaths(), (line) => io.err(`${line}\n`));
    });

  stack
    .command('status')
    .description("list every node: name, its live role, state, endpoints and its database URL (exit 1 unless all run)")
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      if (!(await printStatus(io, options.json === true))) process.exitCode = 1;
    });

  return stack;
}
