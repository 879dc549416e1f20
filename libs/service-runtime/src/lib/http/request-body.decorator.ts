import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { RequestBody } from './request-body';

interface IncomingRequest {
  readonly body?: unknown;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

function header(request: IncomingRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The parsed body with the headers that tell whether there was one and in which media type. */
export const IncomingBody = createParamDecorator((_data: unknown, context: ExecutionContext): RequestBody => {
  const request = context.switchToHttp().getRequest<IncomingRequest>();
  return {
    body: request.body,
    contentType: header(request, 'content-type'),
    contentLength: header(request, 'content-length'),
    transferEncoding: header(request, 'transfer-encoding'),
  };
});
