import { type BinlogCoordinates, InvalidCoordinatesError, parseCoordinates } from '@kbinlog/binlog';
import { z } from 'zod';
import type { ReplicaThread } from '../replica-control';
import { ProblemError } from './problem';

/** What a request carried: its parsed JSON body (if any) and the headers that say what it is. */
export interface RequestBody {
  readonly body: unknown;
  readonly contentType: string | undefined;
  readonly contentLength: string | undefined;
  readonly transferEncoding: string | undefined;
}

// Strict: a misspelt field ("threads") must not silently mean "both threads".
const threadBody = z.strictObject({ thread: z.enum(['io', 'sql']).optional() });
const changeSourceBody = z.strictObject({ position: z.string() });

function hasBody(request: RequestBody): boolean {
  return request.transferEncoding !== undefined || (request.contentLength !== undefined && request.contentLength !== '0');
}

function isJson(contentType: string | undefined): boolean {
  return contentType !== undefined && /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType);
}

/**
 * The JSON body, or undefined when the request has none. A body in another media type would be
 * ignored by the JSON parser, so it is refused rather than read as "no options".
 */
function jsonBody(request: RequestBody): unknown {
  if (!hasBody(request)) return undefined;
  if (!isJson(request.contentType)) {
    throw new ProblemError('unsupported-media-type', `send the body as application/json, not ${request.contentType ?? 'without a Content-Type'}`);
  }
  return request.body;
}

function validate<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const reasons = parsed.error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message));
  throw new ProblemError('invalid-request', `invalid body: ${reasons.join('; ')}`);
}

/** POST /replica/start and /replica/stop: `{}` or no body for both threads, `{"thread":"io"|"sql"}` for one. */
export function parseThreadRequest(request: RequestBody): ReplicaThread | undefined {
  const body = jsonBody(request);
  return body === undefined ? undefined : validate(threadBody, body).thread;
}

/** POST /replica/change-source: `{"position":"kbinlog.<cluster>.binlog-0:<offset>"}`. */
export function parseChangeSourceRequest(request: RequestBody): BinlogCoordinates {
  const body = jsonBody(request);
  if (body === undefined) throw new ProblemError('invalid-request', 'a JSON body {"position": "kbinlog.<cluster>.binlog-0:<offset>"} is required');
  const { position } = validate(changeSourceBody, body);
  try {
    return parseCoordinates(position);
  } catch (error) {
    if (error instanceof InvalidCoordinatesError) throw new ProblemError('invalid-request', error.message);
    throw error;
  }
}
