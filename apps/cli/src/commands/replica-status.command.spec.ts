import { type FakeService, fakeService, runCli } from '../support/cli.spec-helper';

const STATUS = {
  Replica_IO_State: 'Waiting for source to send event',
  Replica_IO_Running: 'Yes',
  Replica_SQL_Running: 'No',
  Exec_Source_Log_Pos: '42',
  Seconds_Behind_Source: null,
  Last_SQL_Error: "Could not execute Delete_rows event on table test.demo_test; Can't find record in 'demo_test', Error_code: 1032",
  node: 'replica-1',
};

describe('kbinlog replica status', () => {
  let service: FakeService;

  beforeAll(async () => {
    service = await fakeService(() => ({ status: 200, body: STATUS }));
  });

  afterAll(() => service.close());

  it('prints GET /replica/status vertically, like SHOW REPLICA STATUS\\G', async () => {
    const { code, out } = await runCli(['replica', 'status', '--url', service.url]);
    expect(code).toBe(0);
    expect(service.requests.at(-1)).toMatchObject({ method: 'GET', url: '/replica/status' });
    expect(out.split('\n')).toEqual([
      '*************************** 1. row ***************************',
      '     Replica_IO_State: Waiting for source to send event',
      '   Replica_IO_Running: Yes',
      '  Replica_SQL_Running: No',
      '  Exec_Source_Log_Pos: 42',
      'Seconds_Behind_Source: NULL',
      `       Last_SQL_Error: ${STATUS.Last_SQL_Error}`,
      '                 node: replica-1',
      '',
    ]);
  });

  it('prints the replication filters (Replicate_*) as MySQL does, empty ones as blanks', async () => {
    const filtered = await fakeService(() => ({
      status: 200,
      body: {
        Replica_SQL_Running: 'Yes',
        Replicate_Do_DB: 'sales,hr',
        Replicate_Ignore_DB: '',
        Replicate_Wild_Ignore_Table: 'tmp%.%',
        Replicate_Rewrite_DB: '(prod,prod_copy)',
      },
    }));
    try {
      const { code, out } = await runCli(['replica', 'status', '--url', filtered.url]);
      expect(code).toBe(0);
      expect(out.split('\n').slice(1)).toEqual([
        '        Replica_SQL_Running: Yes',
        '            Replicate_Do_DB: sales,hr',
        '        Replicate_Ignore_DB: ',
        'Replicate_Wild_Ignore_Table: tmp%.%',
        '       Replicate_Rewrite_DB: (prod,prod_copy)',
        '',
      ]);
    } finally {
      await filtered.close();
    }
  });

  it('prints the status as JSON with --json', async () => {
    const { code, out } = await runCli(['replica', 'status', '--json', '--url', service.url]);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual(STATUS);
  });

  it('takes the URL from KBINLOG_REPLICA_URL when --url is absent', async () => {
    const before = service.requests.length;
    const { code } = await runCli(['replica', 'status'], { KBINLOG_REPLICA_URL: `${service.url}/ignored/path` });
    expect(code).toBe(0);
    expect(service.requests.length).toBe(before + 1);
  });

  it('refuses a URL that is not http(s)', async () => {
    const { code, err } = await runCli(['replica', 'status', '--url', 'ftp://x']);
    expect(code).not.toBe(0);
    expect(err).toMatch(/expected an http\(s\) URL/);
    expect((await runCli(['replica', 'status'], { KBINLOG_REPLICA_URL: 'nonsense' })).err).toMatch(/not a URL: nonsense/);
  });

  it('says which replica it could not reach (exit 1)', async () => {
    const gone = await fakeService(() => ({ status: 200, body: {} }));
    await gone.close();
    const { code, err } = await runCli(['replica', 'status', '--url', gone.url]);
    expect(code).toBe(1);
    expect(err).toBe(`kbinlog: cannot reach ${gone.url}: ECONNREFUSED\n`);
  });
});
