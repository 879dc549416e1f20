import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { HTTP_PROBLEMS, type Problem, PROBLEM_CONTENT_TYPE, problem, ProblemError } from './problem';

interface HttpResponse {
  status(code: number): HttpResponse;
  type(contentType: string): HttpResponse;
  send(body: string): void;
}

/** Writes `body` as the response: its status, `application/problem+json`. */
export function sendProblem(host: ArgumentsHost, body: Problem): void {
  host.switchToHttp().getResponse<HttpResponse>().status(body.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}

/** An error the HTTP stack raised with a status meant for the client (body-parser's http-errors: 413 …). */
interface ClientHttpError {
  readonly status: number;
  readonly expose: true;
  readonly message: string;
}

function isClientHttpError(error: unknown): error is ClientHttpError {
  if (typeof error !== 'object' || error === null) return false;
  const { status, expose } = error as { status?: unknown; expose?: unknown };
  return expose === true && typeof status === 'number' && status >= 400 && status < 500;
}

function statusProblem(status: number, detail: string): Problem {
  if (status === 400) return problem(HTTP_PROBLEMS.invalidRequest, detail);
  if (status === 404) return problem(HTTP_PROBLEMS.notFound, detail);
  if (status === 413) return problem(HTTP_PROBLEMS.payloadTooLarge, detail);
  if (status === 415) return problem(HTTP_PROBLEMS.unsupportedMediaType, detail);
  return { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail };
}

/** Nest's own errors (malformed JSON from the body parser, 404 …) keep their status. */
export function httpProblem(error: HttpException): Problem {
  const response = error.getResponse();
  const message = typeof response === 'object' && response !== null && 'message' in response ? (response as { message: unknown }).message : response;
  return statusProblem(error.getStatus(), Array.isArray(message) ? message.join('; ') : String(message));
}

/**
 * Answers every error of a service's HTTP API as problem JSON. Registered app-wide (by
 * ServiceRuntimeModule), because malformed JSON (the body parser) and unknown paths fail before
 * any controller runs. A feature maps its own domain errors at its edge, with a filter on its
 * controller (it runs first) or by throwing ProblemError.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpApi');

  catch(error: unknown, host: ArgumentsHost): void {
    sendProblem(host, this.toProblem(error));
  }

  private toProblem(error: unknown): Problem {
    if (error instanceof ProblemError) return error.problem;
    if (error instanceof HttpException) return httpProblem(error);
    if (isClientHttpError(error)) return statusProblem(error.status, error.message);
    this.logger.error({ event: 'http.internal_error', err: error, msg: 'request failed' });
    return problem(HTTP_PROBLEMS.internalError, error instanceof Error ? error.message : String(error));
  }
}
