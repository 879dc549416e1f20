import type { z } from 'zod';
import { HTTP_PROBLEMS, ProblemError } from './problem';

/** What a request carried: its parsed JSON body (if any) and the headers that say what it is. */
export interface RequestBody {
  readonly body: unknown;
  readonly contentType: string | undefined;
  readonly contentLength: string | undefined;
  readonly transferEncoding: string | undefined;
}

function hasBody(request: RequestBody): boolean {
  return request.transferEncoding !== undefined || (request.contentLength !== undefined && request.contentLength !== '0');
}

function isJson(contentType: string | undefined): boolean {
  return contentType !== undefined && /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType);
}

/**
 * The JSON body, or undefined when the request has none. A body in another media type would be
 * ignored by the JSON parser, so it is refused (415) rather than read as "no options".
 */
export function jsonBody(request: RequestBody): unknown {
  if (!hasBody(request)) return undefined;
  if (!isJson(request.contentType)) {
    throw new ProblemError(HTTP_PROBLEMS.unsupportedMediaType, `send the body as application/json, not ${request.contentType ?? 'without a Content-Type'}`);
  }
  return request.body;
}

/** The value as `schema` reads it, or 400 invalid-request naming every problem and where. */
export function validateBody<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const reasons = parsed.error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message));
  throw new ProblemError(HTTP_PROBLEMS.invalidRequest, `invalid body: ${reasons.join('; ')}`);
}
