import { ProblemError } from './problem';
import { parseChangeSourceRequest, parseThreadRequest, type RequestBody } from './replica-requests';

const json = (body: unknown): RequestBody => ({ body, contentType: 'application/json', contentLength: '20', transferEncoding: undefined });
const none: RequestBody = { body: undefined, contentType: undefined, contentLength: undefined, transferEncoding: undefined };

function problemOf(parse: () => unknown): { status: number; type: string; detail: string } {
  try {
    parse();
  } catch (error) {
    if (error instanceof ProblemError) return error.problem;
    throw error;
  }
  throw new Error('expected a problem');
}

describe('replica API requests', () => {
  it('reads START/STOP REPLICA [IO_THREAD | SQL_THREAD] from an optional body', () => {
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
    [['io'], /expected object/],
    ['io', /expected object/],
  ])('refuses the thread body %j with 400', (body, detail) => {
    const problem = problemOf(() => parseThreadRequest(json(body)));
    expect(problem).toMatchObject({ status: 400, type: 'urn:kbinlog:problem:invalid-request' });
    expect(problem.detail).toMatch(detail);
  });

  it('refuses a body it would otherwise ignore: not JSON is 415', () => {
    const form = { body: {}, contentType: 'application/x-www-form-urlencoded', contentLength: '9', transferEncoding: undefined };
    expect(problemOf(() => parseThreadRequest(form))).toMatchObject({ status: 415 });
    expect(problemOf(() => parseThreadRequest({ ...form, contentType: undefined, contentLength: undefined, transferEncoding: 'chunked' }))).toMatchObject({
      status: 415,
    });
  });

  it('reads CHANGE REPLICATION SOURCE TO coordinates', () => {
    expect(parseChangeSourceRequest(json({ position: 'kbinlog.prod.binlog-0:1234' }))).toMatchObject({ cluster: 'prod', offset: 1234n });
  });

  it.each([
    [undefined, /is required/],
    [{}, /position: Invalid input: expected string/],
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
});
