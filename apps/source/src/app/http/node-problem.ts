import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';

/**
 * The node API's errors as HTTP problem details (RFC 9457, application/problem+json). Kept small
 * here until the shared one lands in service-runtime.
 */
export const NODE_PROBLEMS = {
  'invalid-request': { status: 400, title: 'Invalid request' },
  'not-assigned': { status: 409, title: 'Not the assigned source' },
  'role-change-refused': { status: 409, title: 'Role change refused' },
  'promotion-failed': { status: 500, title: 'Promotion failed' },
  'internal-error': { status: 500, title: 'Internal error' },
} as const;

export type NodeProblemType = keyof typeof NODE_PROBLEMS;

export class NodeProblem extends Error {
  constructor(
    readonly type: NodeProblemType,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'NodeProblem';
  }

  get body(): { type: string; title: string; status: number; detail: string } {
    const { status, title } = NODE_PROBLEMS[this.type];
    return { type: `urn:kbinlog:problem:${this.type}`, title, status, detail: this.detail };
  }
}

interface HttpResponse {
  status(code: number): HttpResponse;
  type(contentType: string): HttpResponse;
  send(body: string): void;
}

@Catch(NodeProblem, HttpException)
export class NodeProblemFilter implements ExceptionFilter {
  catch(error: NodeProblem | HttpException, host: ArgumentsHost): void {
    const body =
      error instanceof NodeProblem
        ? error.body
        : { type: 'about:blank', title: error.message, status: error.getStatus(), detail: error.message };
    host.switchToHttp().getResponse<HttpResponse>().status(body.status).type('application/problem+json').send(JSON.stringify(body));
  }
}
