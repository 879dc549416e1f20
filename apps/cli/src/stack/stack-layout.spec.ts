import { DEFAULT_STACK_OPTIONS, nodeArguments, stackLayout } from './stack-layout';

describe('cli > stack > layout', () => {
  it('lays out a source, two replicas and the coordinator, each node with its own MariaDB', () => {
    const layout = stackLayout(DEFAULT_STACK_OPTIONS);
    expect(layout.nodes.map((node) => [node.name, node.role, node.serverId, node.httpPort, node.memcachedPort, node.database?.store === 'mariadb' ? node.database.port : null])).toEqual([
      ['source', 'source', 1, 8081, 11211, 3316],
      ['replica-1', 'replica', 2, 8082, null, 3317],
      ['replica-2', 'replica', 3, 8083, null, 3318],
      ['coordinator', 'coordinator', null, 8080, null, null],
    ]);
    expect(layout.kafka.brokers).toBe('127.0.0.1:9092');
    expect(new Set(layout.nodes.map((node) => node.httpPort)).size).toBe(layout.nodes.length);
  });

  it('scales the replicas and keeps every port distinct', () => {
    const layout = stackLayout({ ...DEFAULT_STACK_OPTIONS, replicas: 5 });
    expect(layout.nodes.filter((node) => node.role === 'replica')).toHaveLength(5);
    const databases = layout.nodes.flatMap((node) => (node.database?.store === 'mariadb' ? [node.database.port] : []));
    expect(new Set(databases).size).toBe(6);
  });

  it('gives each node its own SQLite file with --store sqlite, and starts no MariaDB', () => {
    const layout = stackLayout({ ...DEFAULT_STACK_OPTIONS, store: 'sqlite', dataDir: '/srv/kbinlog/data' });
    expect(layout.nodes.map((node) => node.database?.url ?? null)).toEqual([
      'sqlite:///srv/kbinlog/data/source.db',
      'sqlite:///srv/kbinlog/data/replica-1.db',
      'sqlite:///srv/kbinlog/data/replica-2.db',
      null,
    ]);
    expect(layout.nodes.every((node) => node.database === null || node.database.store === 'sqlite')).toBe(true);
    expect(nodeArguments(layout, layout.nodes[1])).toEqual(expect.arrayContaining(['--database-url', 'sqlite:///srv/kbinlog/data/replica-1.db']));
    // SQL runs on the source's database as written: no MySQL port on a SQLite store.
    expect(layout.nodes[0].mysqlPort).toBeNull();
    expect(nodeArguments(layout, layout.nodes[0])).not.toContain('--mysql-port');
    expect(() => stackLayout({ ...DEFAULT_STACK_OPTIONS, store: 'sqlite', dataDir: 'relative/data' })).toThrow(/must be absolute/);
  });

  it.each([-1, 10, 1.5, Number.NaN])('refuses --replicas %p', (replicas) => {
    expect(() => stackLayout({ ...DEFAULT_STACK_OPTIONS, replicas })).toThrow(/--replicas must be an integer 0..9/);
  });

  it('builds each node\'s command line', () => {
    const layout = stackLayout(DEFAULT_STACK_OPTIONS);
    const [source, replica, , coordinator] = layout.nodes;
    expect(nodeArguments(layout, source)).toEqual([
      '--http-port', '8081', '--cluster', 'local', '--kafka-brokers', '127.0.0.1:9092',
      '--database-url', 'mysql://kbinlog:kbinlog@127.0.0.1:3316/', '--node-name', 'source', '--server-id', '1', '--memcached-port', '11211', '--mysql-port', '3307',
    ]);
    expect(nodeArguments(layout, replica)).toContain('replica-1');
    expect(nodeArguments(layout, replica)).not.toContain('--memcached-port');
    expect(nodeArguments(layout, coordinator)).toEqual(['--http-port', '8080']);
  });
});
