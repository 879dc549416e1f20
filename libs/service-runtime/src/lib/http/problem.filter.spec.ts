import { type ArgumentsHost, BadRequestException, Logger, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { z } from 'zod';
import { HTTP_PROBLEMS, ProblemError } from './problem';
import { ProblemFilter } from './problem.filter';
import { jsonBody, validateBody } from './request-body';

/** What the filter wrote: status, content type and the parsed body. */
function answer(error: unknown): { status: number; type: string; body: Record<string, unknown> } {
  const sent = { status: 0, type: '', body: '' };
  const response = {
    status: (code: number) => ((sent.status = code), response),
    type: (contentType: string) => ((sent.type = contentType), response),
    send: (body: string) => void (sent.body = body),
  };
  const host = { switchToHttp: () => ({ getResponse: () => response, getRequest: () => ({ url: '/anything' }) }) } as unknown as ArgumentsHost;
  new ProblemFilter().catch(error, host);
  return { status: sent.status, type: sent.type, body: JSON.parse(sent.body) as Record<string, unknown> };
}

describe('ProblemFilter', () => {
  // The filter logs internal errors; here they are the point of the test, not news.
  beforeAll(() => Logger.overrideLogger(false));
  it('answers a ProblemError as it is', () => {
    expect(answer(new ProblemError(HTTP_PROBLEMS.invalidRequest, 'no'))).toEqual({
      status: 400,
      type: 'application/problem+json',
      body: { type: 'urn:kbinlog:problem:invalid-request', title: 'Invalid request', status: 400, detail: 'no' },
    });
  });

  it.each([
    [new BadRequestException('Unexpected end of JSON input'), 400, 'urn:kbinlog:problem:invalid-request'],
    [new NotFoundException('Cannot GET /nothing'), 404, 'urn:kbinlog:problem:not-found'],
    [new PayloadTooLargeException('request entity too large'), 413, 'urn:kbinlog:problem:payload-too-large'],
    [Object.assign(new Error('request entity too large'), { status: 413, expose: true }), 413, 'urn:kbinlog:problem:payload-too-large'],
    [Object.assign(new Error('precondition'), { status: 412, expose: true }), 412, 'about:blank'],
  ])('keeps the status of HTTP errors: %s', (error, status, type) => {
    expect(answer(error)).toMatchObject({ status, type: 'application/problem+json', body: { status, type, detail: expect.any(String) } });
  });

  it('answers anything else with 500, never with a client status it did not mean to expose', () => {
    expect(answer(new Error('boom'))).toMatchObject({ status: 500, body: { type: 'urn:kbinlog:problem:internal-error', detail: 'boom' } });
    expect(answer(Object.assign(new Error('hidden'), { status: 400 }))).toMatchObject({ status: 500 });
    expect(answer('a string')).toMatchObject({ status: 500, body: { detail: 'a string' } });
  });
});

describe('request bodies', () => {
  const body = (contentType: string | undefined, value: unknown = {}) => ({ body: value, contentType, contentLength: '2', transferEncoding: undefined });

  it('reads a JSON body, none without Content-Length or Transfer-Encoding, and refuses other media types with 415', () => {
    expect(jsonBody(body('application/json', { a: 1 }))).toEqual({ a: 1 });
    expect(jsonBody(body('application/problem+json; charset=utf-8', { a: 1 }))).toEqual({ a: 1 });
    expect(jsonBody({ body: {}, contentType: undefined, contentLength: undefined, transferEncoding: undefined })).toBeUndefined();
    expect(jsonBody({ body: {}, contentType: undefined, contentLength: '0', transferEncoding: undefined })).toBeUndefined();
    for (const type of ['text/plain', 'application/jsonx', 'text/json', undefined]) {
      expect(() => jsonBody(body(type))).toThrow(expect.objectContaining({ problem: expect.objectContaining({ status: 415 }) }));
    }
  });

  it('names every invalid field and where it is', () => {
    const schema = z.strictObject({ a: z.number(), b: z.object({ c: z.string() }) });
    expect(() => validateBody(schema, { a: 'x', b: { c: 1 }, d: true })).toThrow(/invalid body: a: .*expected number.*; b\.c: .*expected string.*; Unrecognized key: "d"/);
    expect(validateBody(schema, { a: 1, b: { c: 'y' } })).toEqual({ a: 1, b: { c: 'y' } });
  });
});
