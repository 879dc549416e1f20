/**
 * HTTP problem details (RFC 9457): how every kbinlog service reports bad input and refused
 * operations, as `application/problem+json`.
 */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface Problem {
  /** A URI naming the kind of problem; clients branch on it, not on the wording. */
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  /** RFC 9457 extension members, beside the standard ones (e.g. the recovery a failed switchover left). */
  readonly [extension: string]: unknown;
}

/** One kind of problem: its short name (the end of its type URI), status and title. */
export interface ProblemKind {
  readonly name: string;
  readonly status: number;
  readonly title: string;
}

/** The kinds every service may answer; a feature defines its own beside them. */
export const HTTP_PROBLEMS = {
  invalidRequest: { name: 'invalid-request', status: 400, title: 'Invalid request' },
  notFound: { name: 'not-found', status: 404, title: 'Not found' },
  payloadTooLarge: { name: 'payload-too-large', status: 413, title: 'Payload too large' },
  unsupportedMediaType: { name: 'unsupported-media-type', status: 415, title: 'Unsupported media type' },
  internalError: { name: 'internal-error', status: 500, title: 'Internal error' },
} as const satisfies Record<string, ProblemKind>;

export function problem(kind: ProblemKind, detail: string, extensions: Readonly<Record<string, unknown>> = {}): Problem {
  return { ...extensions, type: `urn:kbinlog:problem:${kind.name}`, title: kind.title, status: kind.status, detail };
}

/** Thrown by request parsing and at a feature's edge; the problem filter answers with it as it is. */
export class ProblemError extends Error {
  readonly problem: Problem;

  constructor(kind: ProblemKind, detail: string, extensions: Readonly<Record<string, unknown>> = {}) {
    super(detail);
    this.name = 'ProblemError';
    this.problem = problem(kind, detail, extensions);
  }
}
