import { ProblemError, type RequestBody } from '@kbinlog/service-runtime';
import { MAX_WAIT_S, parseChangeSourceRequest, parseStartRequest, parseThreadRequest, parseWaitRequest } from './replica-requests';

const json = (body: unknown): RequestBody => ({ body, contentType: 'application/json', contentLength: '20', transferEncoding: undefined });
const none: RequestBody = { body: undefined, contentType: undefined, contentLength: undefined, transferEncoding: undefined };
const POSITION = 'kbinlog.prod.binlog-0:1234';

function problemOf(parse: () => unknown): { status: number; type: string; detail: string } {
  try {
    parse();
  } catch (error) {
    if (error instanceof ProblemError) return error.problem;
    throw error;
  }
  throw new Error('expected a problem');
}

/** Bodies no parser may accept: wrong shapes, prototype tricks, huge or hostile values. */
const HOSTILE_BODIES: [string, unknown][] = [
  ['an array', ['io']],
  ['a string', 'io'],
  ['a number', 17],
  ['null', null],
  ['an unknown key', { position: POSITION, extra: 1 }],
  ['__proto__ as a key', JSON.parse(`{"position":"${POSITION}","__proto__":{"admin":true}}`)],
  ['constructor as a key', { position: POSITION, constructor: 'x' }],
  ['a nested position', { position: { offset: 1 } }],
  ['a 10 kB position', { position: `kbinlog.prod.binlog-0:${'9'.repeat(10_000)}` }],
  ['a position with a NUL', { position: 'kbinlog.prod.binlog-0:12\u0000' }],
  ['a negative offset', { position: 'kbinlog.prod.binlog-0:-1' }],
  ['a fractional offset', { position: 'kbinlog.prod.binlog-0:1.5' }],
  ['an offset beyond 64 bits', { position: 'kbinlog.prod.binlog-0:99999999999999999999' }],
];

describe('replica API requests', () => {
  it('reads STOP REPLICA [IO_THREAD | SQL_THREAD] from an optional body', () => {
    expect(parseThreadRequest(none)).toBeUndefined();
    expect(parseThreadRequest(json({}))).toBeUndefined();
    expect(parseThreadRequest(json({ thread: 'io' }))).toBe('io');
    expect(parseThreadRequest(json({ thread: 'sql' }))).toBe('sql');
    expect(parseThreadRequest({ ...json({ thread: 'sql' }), contentType: 'application/merge-patch+json; charset=utf-8' })).toBe('sql');
  });

  it.each([
    [{ thread: 'both' }, /thread: Invalid option/],
    [{ thread: null }, /thread/],
    [{ threads: 'io' }, /Unrecognized key: "threads"/],
    [{ thread: 'io', until: POSITION }, /Unrecognized key: "until"/],
    [['io'], /expected object/],
    ['io', /expected object/],
  ])('refuses the stop body %j with 400', (body, detail) => {
    const problem = problemOf(() => parseThreadRequest(json(body)));
    expect(problem).toMatchObject({ status: 400, type: 'urn:kbinlog:problem:invalid-request' });
    expect(problem.detail).toMatch(detail);
  });

  it('reads START REPLICA [SQL_THREAD] [UNTIL SOURCE_LOG_POS]', () => {
    expect(parseStartRequest(none)).toEqual({});
    expect(parseStartRequest(json({}))).toEqual({ thread: undefined });
    expect(parseStartRequest(json({ thread: 'io' }))).toEqual({ thread: 'io' });
    expect(parseStartRequest(json({ until: POSITION }))).toEqual({ thread: undefined, until: expect.objectContaining({ cluster: 'prod', offset: 1234n }) });
    expect(parseStartRequest(json({ thread: 'sql', until: POSITION }))).toEqual({ thread: 'sql', until: expect.objectContaining({ cluster: 'prod', offset: 1234n }) });
  });

  it('reads START REPLICA UNTIL SQL_AFTER_GTIDS / SQL_BEFORE_GTIDS', () => {
    const set = '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5';
    const after = parseStartRequest(json({ sql_after_gtids: set }));
    expect(after.untilGtids?.when).toBe('after');
    expect(after.untilGtids?.set.toString()).toBe(set);
    expect(parseStartRequest(json({ thread: 'sql', sql_before_gtids: set })).untilGtids?.when).toBe('before');
  });

  it.each([
    [{ until: 1234 }, /until: Invalid input: expected string/],
    [{ until: 'mysql-bin.000042:4' }, /until: invalid binlog coordinates "mysql-bin.000042:4"/],
    [{ until: 'kbinlog.prod.binlog-2:4' }, /exactly one partition/],
    [{ thread: 'io', until: POSITION }, /an UNTIL condition applies to the applier \(SQL thread\)/],
    [{ until: POSITION, sql_after_gtids: '' }, /give one of until, sql_after_gtids and sql_before_gtids/],
    [{ sql_before_gtids: 'not-a-set' }, /sql_before_gtids: invalid GTID/],
    [{ until: POSITION, until_gtids: 'x' }, /Unrecognized key: "until_gtids"/],
  ])('refuses the start body %j with 400', (body, detail) => {
    const problem = problemOf(() => parseStartRequest(json(body)));
    expect(problem.status).toBe(400);
    expect(problem.detail).toMatch(detail);
  });

  it('refuses a body it would otherwise ignore: not JSON is 415', () => {
    const form = { body: {}, contentType: 'application/x-www-form-urlencoded', contentLength: '9', transferEncoding: undefined };
    expect(problemOf(() => parseStartRequest(form))).toMatchObject({ status: 415, type: 'urn:kbinlog:problem:unsupported-media-type' });
    expect(problemOf(() => parseThreadRequest({ ...form, contentType: undefined, contentLength: undefined, transferEncoding: 'chunked' }))).toMatchObject({
      status: 415,
    });
    expect(problemOf(() => parseWaitRequest({ ...form, contentType: 'text/json' }))).toMatchObject({ status: 415 });
  });

  it('reads CHANGE REPLICATION SOURCE TO coordinates, SOURCE_DELAY, or both', () => {
    expect(parseChangeSourceRequest(json({ position: POSITION }))).toMatchObject({ position: { cluster: 'prod', offset: 1234n }, delayS: undefined });
    expect(parseChangeSourceRequest(json({ source_delay_s: 3600 }))).toEqual({ position: undefined, delayS: 3600 });
    expect(parseChangeSourceRequest(json({ position: POSITION, source_delay_s: 0 }))).toMatchObject({ position: { offset: 1234n }, delayS: 0 });
  });

  it.each([
    [undefined, /is required/],
    [{}, /give position, source_delay_s or both/],
    [{ source_delay_s: -1 }, /source_delay_s/],
    [{ source_delay_s: 1.5 }, /source_delay_s/],
    [{ source_delay_s: 2_147_483_648 }, /source_delay_s/],
    [{ position: 12 }, /expected string/],
    [{ position: 'kbinlog.prod.binlog-0:12', delay: 5 }, /Unrecognized key: "delay"/],
    [{ position: 'mysql-bin.000042:4' }, /invalid binlog coordinates "mysql-bin.000042:4"/],
    [{ position: 'kbinlog.prod.binlog-3:4' }, /exactly one partition/],
    [{ position: 'kbinlog.prod.binlog-0:99999999999999999999' }, /does not fit/],
  ])('refuses the change-source body %j with 400', (body, detail) => {
    const request = body === undefined ? none : json(body);
    const problem = problemOf(() => parseChangeSourceRequest(request));
    expect(problem.status).toBe(400);
    expect(problem.detail).toMatch(detail);
  });

  it('reads SOURCE_POS_WAIT: the position, and the timeout in ms (at most an hour, the bound without one)', () => {
    expect(parseWaitRequest(json({ position: POSITION }))).toEqual({ position: expect.objectContaining({ cluster: 'prod', offset: 1234n }), timeoutMs: MAX_WAIT_S * 1000 });
    expect(parseWaitRequest(json({ position: POSITION, timeout_s: 2.5 }))).toMatchObject({ timeoutMs: 2500 });
    expect(parseWaitRequest(json({ position: POSITION, timeout_s: 0.0001 }))).toMatchObject({ timeoutMs: 1 });
    expect(parseWaitRequest(json({ position: POSITION, timeout_s: MAX_WAIT_S }))).toMatchObject({ timeoutMs: 3_600_000 });
  });

  it.each([
    [undefined, /is required/],
    [{}, /position: Invalid input: expected string/],
    [{ position: POSITION, timeout_s: 0 }, /timeout_s: Too small/],
    [{ position: POSITION, timeout_s: -5 }, /timeout_s: Too small/],
    [{ position: POSITION, timeout_s: MAX_WAIT_S + 1 }, /timeout_s: Too big/],
    [{ position: POSITION, timeout_s: 1e308 }, /timeout_s: Too big/],
    [{ position: POSITION, timeout_s: '10' }, /timeout_s: Invalid input: expected number/],
    [{ position: POSITION, timeout_s: null }, /timeout_s/],
    [{ position: POSITION, timeout: 10 }, /Unrecognized key: "timeout"/],
    [{ position: 'kbinlog.prod.binlog-0:x' }, /position: invalid binlog coordinates/],
  ])('refuses the wait body %j with 400', (body, detail) => {
    const request = body === undefined ? none : json(body);
    const problem = problemOf(() => parseWaitRequest(request));
    expect(problem).toMatchObject({ status: 400, type: 'urn:kbinlog:problem:invalid-request' });
    expect(problem.detail).toMatch(detail);
  });

  it.each(HOSTILE_BODIES)('refuses %s in every body that takes a position with 400', (_what, body) => {
    expect(problemOf(() => parseChangeSourceRequest(json(body)))).toMatchObject({ status: 400 });
    expect(problemOf(() => parseWaitRequest(json(body)))).toMatchObject({ status: 400 });
    expect(problemOf(() => parseStartRequest(json(asUntil(body))))).toMatchObject({ status: 400 });
  });
});

/** The same body with its position as START's until. */
function asUntil(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !('position' in body)) return body;
  const { position, ...rest } = body as { position: unknown };
  return { ...rest, until: position };
}
