import { type FakeService, fakeService, runCli } from '../support/cli.spec-helper';

describe('kbinlog replica start / stop', () => {
  let service: FakeService;

  beforeAll(async () => {
    service = await fakeService(() => ({
      status: 200,
      body: { Replica_IO_Running: 'Yes', Replica_SQL_Running: 'Yes', Last_IO_Error: '', Last_SQL_Error: '', Executed_Gtid_Set: 'x' },
    }));
  });

  afterAll(() => service.close());

  it.each([
    [['start'], 'POST /replica/start', {}],
    [['start', '--io-thread'], 'POST /replica/start', { thread: 'io' }],
    [['stop', '--sql-thread'], 'POST /replica/stop', { thread: 'sql' }],
    [['stop'], 'POST /replica/stop', {}],
  ])('replica %j sends %s with %j and prints whether the threads run', async (args, route, body) => {
    const { code, out } = await runCli(['replica', ...args, '--url', service.url]);
    expect(code).toBe(0);
    const request = service.requests.at(-1);
    expect(`${request?.method} ${request?.url}`).toBe(route);
    expect(request?.contentType).toBe('application/json');
    expect(JSON.parse(request?.body ?? '')).toEqual(body);
    expect(out).toContain(' Replica_IO_Running: Yes\n');
    expect(out).toContain('Replica_SQL_Running: Yes\n');
    expect(out).not.toContain('Executed_Gtid_Set');
  });

  it('sends START REPLICA UNTIL with the coordinates, checked first', async () => {
    const { code } = await runCli(['replica', 'start', '--sql-thread', '--until', 'kbinlog.prod.binlog-0:77', '--url', service.url]);
    expect(code).toBe(0);
    expect(JSON.parse(service.requests.at(-1)?.body ?? '')).toEqual({ thread: 'sql', until: 'kbinlog.prod.binlog-0:77' });
    const before = service.requests.length;
    expect((await runCli(['replica', 'start', '--until', 'kbinlog.prod.binlog-0:x', '--url', service.url])).err).toMatch(/invalid binlog coordinates/);
    expect((await runCli(['replica', 'start', '--io-thread', '--until', 'kbinlog.prod.binlog-0:7', '--url', service.url])).err).toMatch(/cannot be used with/);
    expect(service.requests.length).toBe(before);
  });

  it('sends START REPLICA UNTIL SQL_AFTER_GTIDS / SQL_BEFORE_GTIDS, one condition at a time', async () => {
    const set = '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5';
    await runCli(['replica', 'start', '--sql-after-gtids', set, '--url', service.url]);
    expect(JSON.parse(service.requests.at(-1)?.body ?? '')).toEqual({ sql_after_gtids: set });
    await runCli(['replica', 'start', '--sql-thread', '--sql-before-gtids', set, '--url', service.url]);
    expect(JSON.parse(service.requests.at(-1)?.body ?? '')).toEqual({ thread: 'sql', sql_before_gtids: set });
    const before = service.requests.length;
    expect((await runCli(['replica', 'start', '--until', 'kbinlog.prod.binlog-0:7', '--sql-after-gtids', set, '--url', service.url])).err).toMatch(/cannot be used with/);
    expect((await runCli(['replica', 'start', '--sql-after-gtids', set, '--sql-before-gtids', set, '--url', service.url])).err).toMatch(/cannot be used with/);
    expect((await runCli(['replica', 'start', '--io-thread', '--sql-before-gtids', set, '--url', service.url])).err).toMatch(/cannot be used with/);
    expect(service.requests.length).toBe(before);
  });

  it('refuses --io-thread together with --sql-thread', async () => {
    const { code, err } = await runCli(['replica', 'start', '--io-thread', '--sql-thread', '--url', service.url]);
    expect(code).not.toBe(0);
    expect(err).toMatch(/cannot be used with/);
  });

  it('refuses an unknown option', async () => {
    const { code, err } = await runCli(['replica', 'stop', '--all-threads']);
    expect(code).not.toBe(0);
    expect(err).toMatch(/unknown option '--all-threads'/);
  });
});
