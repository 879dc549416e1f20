import { type FakeService, fakeService, runCli } from '../support/cli.spec-helper';

const STATUS = {
  File: 'kbinlog.prod.binlog-0',
  Position: '1234',
  Executed_Gtid_Set: '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-17',
  Server_Id: 1,
  Server_UUID: '3e11fa47-71ca-11e1-9e33-c80aa9429562',
};

describe('kbinlog status', () => {
  let service: FakeService;
  let answer: { status: number; type?: string; body: unknown };

  beforeAll(async () => {
    service = await fakeService(() => answer);
  });

  afterAll(() => service.close());

  it("prints the source's GET /status as SHOW MASTER STATUS does", async () => {
    answer = { status: 200, body: STATUS };
    const { code, out } = await runCli(['status', '--url', service.url]);
    expect(code).toBe(0);
    expect(service.requests.at(-1)).toMatchObject({ method: 'GET', url: '/status' });
    expect(out.split('\n')).toEqual([
      '+-----------------------+----------+-------------------------------------------+-----------+--------------------------------------+',
      '| File                  | Position | Executed_Gtid_Set                         | Server_Id | Server_UUID                          |',
      '+-----------------------+----------+-------------------------------------------+-----------+--------------------------------------+',
      '| kbinlog.prod.binlog-0 |     1234 | 3e11fa47-71ca-11e1-9e33-c80aa9429562:1-17 |         1 | 3e11fa47-71ca-11e1-9e33-c80aa9429562 |',
      '+-----------------------+----------+-------------------------------------------+-----------+--------------------------------------+',
      '',
    ]);
  });

  it('prints JSON with --json, and takes the URL from KBINLOG_SOURCE_URL', async () => {
    answer = { status: 200, body: STATUS };
    const { code, out } = await runCli(['status', '--json'], { KBINLOG_SOURCE_URL: service.url });
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual(STATUS);
  });

  it('reports a service that answers with an error or with something other than an object', async () => {
    answer = { status: 503, type: 'text/plain', body: 'starting' };
    expect((await runCli(['status', '--url', service.url])).err).toBe(`kbinlog: GET ${service.url}/status answered 503: starting\n`);
    answer = { status: 200, body: [1, 2] };
    const { code, err } = await runCli(['status', '--url', service.url]);
    expect(code).toBe(1);
    expect(err).toMatch(/source status: expected a JSON object/);
  });
});
