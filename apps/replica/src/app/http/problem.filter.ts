import { type ArgumentsHost, Catch, HttpException, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { STATUS_CODES } from 'node:http';
import { ReplicaControlError, ReplicaControlErrorCode } from '../replica-control';
import { type Problem, PROBLEM_CONTENT_TYPE, problem, ProblemError, type ProblemType } from './problem';

/** Paths this filter answers for; elsewhere (GET /health, …) Nest's own JSON errors stay. */
const API_PREFIX = '/replica';

interface HttpRequest {
  readonly url: string;
}

interface HttpResponse {
  status(code: number): HttpResponse;
  type(contentType: string): HttpResponse;
  send(body: string): void;
}

function controlProblemType(code: ReplicaControlErrorCode): ProblemType {
  switch (code) {
    case ReplicaControlErrorCode.ReplicaRunning:
      return 'replica-running';
    case ReplicaControlErrorCode.WrongCluster:
      return 'wrong-cluster';
    case ReplicaControlErrorCode.PositionOutsideBinlog:
      return 'position-outside-binlog';
    case ReplicaControlErrorCode.AppliedPositionOutsideBinlog:
      return 'applied-position-outside-binlog';
    case ReplicaControlErrorCode.FetcherUnavailable:
      return 'fetcher-unavailable';
    case ReplicaControlErrorCode.ShuttingDown:
      return 'shutting-down';
    default: {
      const unknown: never = code;
      throw new Error(`unmapped replica control error ${String(unknown)}`);
    }
  }
}

/** Nest's own errors (malformed JSON from the body parser, 404 …) keep their status. */
function httpProblem(error: HttpException): Problem {
  const status = error.getStatus();
  const response = error.getResponse();
  const message = typeof response === 'object' && response !== null && 'message' in response ? (response as { message: unknown }).message : response;
  const detail = Array.isArray(message) ? message.join('; ') : String(message);
  if (status === 400) return problem('invalid-request', detail);
  if (status === 404) return problem('not-found', detail);
  return { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail };
}

/**
 * Answers every error of the replica API as problem JSON; the domain-to-HTTP mapping lives here
 * only. Registered app-wide, because malformed JSON (the body parser) and unknown paths fail
 * before any controller-scoped filter would run.
 */
@Catch()
export class ProblemFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('ReplicaApi');

  override catch(error: unknown, host: ArgumentsHost): void {
    const { url } = host.switchToHttp().getRequest<HttpRequest>();
    if (url !== API_PREFIX && !url.startsWith(`${API_PREFIX}/`) && !url.startsWith(`${API_PREFIX}?`)) {
      super.catch(error, host);
      return;
    }
    const body = this.toProblem(error);
    host.switchToHttp().getResponse<HttpResponse>().status(body.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
  }

  private toProblem(error: unknown): Problem {
    if (error instanceof ProblemError) return error.problem;
    if (error instanceof ReplicaControlError) return problem(controlProblemType(error.code), error.message);
    if (error instanceof HttpException) return httpProblem(error);
    this.logger.error({ event: 'http.internal_error', err: error, msg: 'request failed' });
    return problem('internal-error', error instanceof Error ? error.message : String(error));
  }
}
