/**
 * HTTP problem details (RFC 9457): how the replica's API reports bad input and refused
 * operations, as `application/problem+json`.
 */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface Problem {
  /** A URI naming the kind of problem; clients branch on it, not on the wording. */
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
}

/** The kinds of problem the API reports, each with its status and a short title. */
export const PROBLEM_TYPES = {
  'invalid-request': { status: 400, title: 'Invalid request' },
  'wrong-cluster': { status: 400, title: 'Position in another cluster' },
  'position-outside-binlog': { status: 400, title: 'Position outside the binlog' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'not-found': { status: 404, title: 'Not found' },
  'replica-running': { status: 409, title: 'Replica is running' },
  'applied-position-outside-binlog': { status: 409, title: 'Applied position outside the binlog' },
  'fetcher-unavailable': { status: 503, title: 'Binlog unreachable' },
  'shutting-down': { status: 503, title: 'Shutting down' },
  'internal-error': { status: 500, title: 'Internal error' },
} as const;

export type ProblemType = keyof typeof PROBLEM_TYPES;

export function problem(type: ProblemType, detail: string): Problem {
  const { status, title } = PROBLEM_TYPES[type];
  return { type: `urn:kbinlog:problem:${type}`, title, status, detail };
}

/** Thrown by request parsing; the problem filter answers with it as it is. */
export class ProblemError extends Error {
  readonly problem: Problem;

  constructor(type: ProblemType, detail: string) {
    super(detail);
    this.name = 'ProblemError';
    this.problem = problem(type, detail);
  }
}
