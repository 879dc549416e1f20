import { type FakeService, fakeService, runCli } from '../support/cli.spec-helper';
import { binlogPosition } from '../support/replica-api';

describe('kbinlog replica change-source', () => {
  let service: FakeService;
  let answer: { status: number; type?: string; body: unknown };

  beforeAll(async () => {
    service = await fakeService(() => answer);
  });

  afterAll(() => service.close());

  it('accepts binlog coordinates and refuses anything else', () => {
    expect(binlogPosition('kbinlog.prod.binlog-0:1234')).toBe('kbinlog.prod.binlog-0:1234');
    expect(() => binlogPosition('mysql-bin.000042:1234')).toThrow(/expected kbinlog.<cluster>.binlog-0:<offset>/);
    expect(() => binlogPosition('kbinlog.prod.binlog-1:5')).toThrow(/exactly one partition/);
  });

  it('sends the position and prints where the applier now stands', async () => {
    answer = { status: 200, body: { Exec_Source_Coordinates: 'kbinlog.prod.binlog-0:1234', Read_Source_Coordinates: 'kbinlog.prod.binlog-0:1234', Executed_Gtid_Set: '' } };
    const { code, out } = await runCli(['replica', 'change-source', '--position', 'kbinlog.prod.binlog-0:1234', '--url', service.url]);
    expect(code).toBe(0);
    expect(service.requests.at(-1)).toMatchObject({ method: 'POST', url: '/replica/change-source' });
    expect(JSON.parse(service.requests.at(-1)?.body ?? '')).toEqual({ position: 'kbinlog.prod.binlog-0:1234' });
    expect(out).toContain('Exec_Source_Coordinates: kbinlog.prod.binlog-0:1234\n');
  });

  it('sends SOURCE_DELAY alone or with the position', async () => {
    answer = { status: 200, body: { Exec_Source_Coordinates: 'kbinlog.prod.binlog-0:1234', SQL_Delay: 3600 } };
    const { code, out } = await runCli(['replica', 'change-source', '--source-delay', '3600', '--url', service.url]);
    expect(code).toBe(0);
    expect(JSON.parse(service.requests.at(-1)?.body ?? '')).toEqual({ source_delay_s: 3600 });
    expect(out).toContain('SQL_Delay: 3600\n');
    await runCli(['replica', 'change-source', '--source-delay', '0', '--position', 'kbinlog.prod.binlog-0:7', '--url', service.url]);
    expect(JSON.parse(service.requests.at(-1)?.body ?? '')).toEqual({ position: 'kbinlog.prod.binlog-0:7', source_delay_s: 0 });
  });

  it('requires --position or --source-delay and checks them before asking the replica', async () => {
    const before = service.requests.length;
    expect((await runCli(['replica', 'change-source', '--url', service.url])).err).toMatch(/give --position, --source-delay or both/);
    for (const delay of ['-1', '1.5', '2147483648', 'soon']) {
      expect((await runCli(['replica', 'change-source', '--source-delay', delay, '--url', service.url])).err).toMatch(/expected seconds, 0..2147483647/);
    }
    const bad = await runCli(['replica', 'change-source', '--position', 'kbinlog.prod.binlog-0:x', '--url', service.url]);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/invalid binlog coordinates "kbinlog.prod.binlog-0:x"/);
    expect(service.requests.length).toBe(before);
  });

  it("reports the replica's refusal with its problem title and detail (exit 1)", async () => {
    answer = {
      status: 409,
      type: 'application/problem+json',
      body: { type: 'urn:kbinlog:problem:replica-running', title: 'Replica is running', status: 409, detail: 'run STOP REPLICA first' },
    };
    const { code, err } = await runCli(['replica', 'change-source', '--position', 'kbinlog.prod.binlog-0:1', '--url', service.url]);
    expect(code).toBe(1);
    expect(err).toBe(`kbinlog: POST ${service.url}/replica/change-source answered 409: Replica is running: run STOP REPLICA first\n`);
  });
});
