import { DEFAULT_STACK_OPTIONS, nodeArguments, stackLayout } from './stack-layout';

describe('cli > stack > layout', () => {
  it('lays out three node-service processes (node-1 starts as source) and the coordinator, each node with its own MariaDB and ports', () => {
    const layout = stackLayout(DEFAULT_STACK_OPTIONS);
    expect(
      layout.nodes.map((node) => [node.name, node.app, node.role, node.serverId, node.httpPort, node.memcachedPort, node.mysqlPort, node.database?.store === 'mariadb' ? node.database.port : null]),
    ).toEqual([
      ['node-1', 'source', 'source', 1, 8081, 11211, 3307, 3316],
      ['node-2', 'source', 'replica', 2, 8082, 11212, 3308, 3317],
      ['node-3', 'source', 'replica', 3, 8083, 11213, 3309, 3318],
      ['coordinator', 'coordinator', 'coordinator', null, 8080, null, null, null],
    ]);
    expect(layout.kafka.brokers).toBe('127.0.0.1:9092');
    expect(new Set(layout.nodes.map((node) => node.httpPort)).size).toBe(layout.nodes.length);
  });

  it('scales the nodes and keeps every port distinct', () => {
    const layout = stackLayout({ ...DEFAULT_STACK_OPTIONS, replicas: 5 });
    expect(layout.nodes.filter((node) => node.role === 'replica')).toHaveLength(5);
    const ports = layout.nodes.flatMap((node) => [node.httpPort, node.memcachedPort, node.mysqlPort, node.database?.store === 'mariadb' ? node.database.port : null].filter((port) => port !== null));
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('gives each node its own SQLite file with --store sqlite, no MySQL port and starts no MariaDB', () => {
    const layout = stackLayout({ ...DEFAULT_STACK_OPTIONS, store: 'sqlite', dataDir: '/srv/kbinlog/data' });
    expect(layout.nodes.map((node) => node.database?.url ?? null)).toEqual([
      'sqlite:///srv/kbinlog/data/node-1.db',
      'sqlite:///srv/kbinlog/data/node-2.db',
      'sqlite:///srv/kbinlog/data/node-3.db',
      null,
    ]);
    expect(layout.nodes.every((node) => node.database === null || node.database.store === 'sqlite')).toBe(true);
    expect(nodeArguments(layout, layout.nodes[1])).toEqual(expect.arrayContaining(['--database-url', 'sqlite:///srv/kbinlog/data/node-2.db']));
    // SQL runs on the node's database as written: no MySQL port on a SQLite store.
    expect(layout.nodes.map((node) => node.mysqlPort)).toEqual([null, null, null, null]);
    expect(nodeArguments(layout, layout.nodes[0])).not.toContain('--mysql-port');
    expect(() => stackLayout({ ...DEFAULT_STACK_OPTIONS, store: 'sqlite', dataDir: 'relative/data' })).toThrow(/must be absolute/);
  });

  it.each([-1, 10, 1.5, Number.NaN])('refuses --replicas %p', (replicas) => {
    expect(() => stackLayout({ ...DEFAULT_STACK_OPTIONS, replicas })).toThrow(/--replicas must be an integer 0..9/);
  });

  it("builds each node's command line: its starting role, and the coordinator's cluster and Kafka", () => {
    const layout = stackLayout(DEFAULT_STACK_OPTIONS);
    const [first, second, , coordinator] = layout.nodes;
    expect(nodeArguments(layout, first)).toEqual([
      '--http-port', '8081', '--cluster', 'local', '--kafka-brokers', '127.0.0.1:9092',
      '--database-url', 'mysql://kbinlog:kbinlog@127.0.0.1:3316/', '--node-name', 'node-1', '--server-id', '1', '--role', 'source', '--memcached-port', '11211', '--mysql-port', '3307',
    ]);
    expect(nodeArguments(layout, second)).toEqual(expect.arrayContaining(['--node-name', 'node-2', '--role', 'replica', '--memcached-port', '11212', '--mysql-port', '3308']));
    expect(nodeArguments(layout, coordinator)).toEqual(['--http-port', '8080', '--cluster', 'local', '--kafka-brokers', '127.0.0.1:9092']);
  });
});
