import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';

/** An HTTP problem (RFC 9457), as every kbinlog HTTP API answers errors. */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly type = 'about:blank',
    readonly extra: Record<string, unknown> = {},
  ) {
    super(`${title}: ${detail}`);
    this.name = 'Problem';
  }
}

/** The few methods of Express' response the filter uses. */
interface ProblemResponse {
  status(code: number): ProblemResponse;
  type(contentType: string): ProblemResponse;
  send(body: string): void;
}

/** Writes Problems, and Nest's own HTTP errors (bad JSON, unknown route), as application/problem+json. */
@Catch(Problem, HttpException)
export class ProblemFilter implements ExceptionFilter {
  catch(error: Problem | HttpException, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<ProblemResponse>();
    const problem = error instanceof Problem ? error : new Problem(error.getStatus(), error.name.replace(/Exception$/, '').replace(/([a-z])([A-Z])/g, '$1 $2'), error.message);
    response
      .status(problem.status)
      .type('application/problem+json')
      .send(JSON.stringify({ type: problem.type, title: problem.title, status: problem.status, detail: problem.detail, ...problem.extra }));
  }
}
