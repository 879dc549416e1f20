import { type FakeService, fakeService, runCli } from '../support/cli.spec-helper';

const POSITION = 'kbinlog.prod.binlog-0:1234';

describe('kbinlog replica wait', () => {
  let service: FakeService;
  let result: number | null | string;

  beforeAll(async () => {
    service = await fakeService(() => ({ status: 200, body: { result, Replica_SQL_Running: result === null ? 'No' : 'Yes', Last_SQL_Error: result === null ? 'Could not execute Delete_rows' : '' } }));
  });

  afterAll(() => service.close());

  it('sends the position and timeout, prints the number of groups waited for and exits 0', async () => {
    result = 3;
    const { code, out } = await runCli(['replica', 'wait', POSITION, '--timeout', '2.5', '--url', service.url]);
    expect({ code, out }).toEqual({ code: 0, out: '3\n' });
    expect(service.requests.at(-1)).toMatchObject({ method: 'POST', url: '/replica/wait', contentType: 'application/json' });
    expect(JSON.parse(service.requests.at(-1)?.body ?? '')).toEqual({ position: POSITION, timeout_s: 2.5 });
  });

  it('leaves the timeout to the replica when none is given', async () => {
    result = 0;
    expect(await runCli(['replica', 'wait', POSITION, '--url', service.url])).toMatchObject({ code: 0, out: '0\n' });
    expect(JSON.parse(service.requests.at(-1)?.body ?? '')).toEqual({ position: POSITION });
  });

  it('prints -1 and exits 1 on a timeout', async () => {
    result = -1;
    const { code, out, err } = await runCli(['replica', 'wait', POSITION, '--timeout', '1', '--url', service.url]);
    expect({ code, out }).toEqual({ code: 1, out: '-1\n' });
    expect(err).toMatch(/timed out after 1 s before kbinlog\.prod\.binlog-0:1234 was applied/);
  });

  it('prints NULL and exits 2 when the applier is not running, with its last error', async () => {
    result = null;
    const { code, out, err } = await runCli(['replica', 'wait', POSITION, '--url', service.url]);
    expect({ code, out }).toEqual({ code: 2, out: 'NULL\n' });
    expect(err).toMatch(/the applier is not running \(or stopped while waiting\): Could not execute Delete_rows/);
  });

  it('refuses an answer that is not a SOURCE_POS_WAIT result', async () => {
    result = 'soon';
    const { code, err } = await runCli(['replica', 'wait', POSITION, '--url', service.url]);
    expect(code).toBe(1);
    expect(err).toMatch(/expected a count, -1 or null, not "soon"/);
  });

  it.each([
    [['replica', 'wait'], /missing required argument 'coords'/],
    [['replica', 'wait', 'mysql-bin.000001:4'], /invalid binlog coordinates/],
    [['replica', 'wait', POSITION, '--timeout', '0'], /expected seconds, more than 0 and at most 3600/],
    [['replica', 'wait', POSITION, '--timeout', '-3'], /expected seconds/],
    [['replica', 'wait', POSITION, '--timeout', '3601'], /at most 3600/],
    [['replica', 'wait', POSITION, '--timeout', '1e3'], /expected seconds/],
  ])('checks %j before asking the replica', async (args, message) => {
    const before = service.requests.length;
    const { code, err } = await runCli([...args, '--url', service.url]);
    expect(code).not.toBe(0);
    expect(err).toMatch(message);
    expect(service.requests.length).toBe(before);
  });

  it('documents its exit statuses in --help', async () => {
    const { out } = await runCli(['replica', 'wait', '--help']);
    expect(out).toMatch(/0 {2}reached/);
    expect(out).toMatch(/1 {2}timed out: prints -1/);
    expect(out).toMatch(/2 {2}the applier is not running or stopped while waiting: prints NULL/);
  });
});
