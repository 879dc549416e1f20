import { type BinlogCoordinates, InvalidCoordinatesError, parseCoordinates } from '@kbinlog/binlog';
import { HTTP_PROBLEMS, jsonBody, ProblemError, type RequestBody, validateBody } from '@kbinlog/service-runtime';
import { z } from 'zod';
import type { ReplicaThread, StartOptions } from '../replica-control';

/** The longest one POST /replica/wait holds its request; also the wait without `timeout_s`. */
export const MAX_WAIT_S = 3600;

// Strict: a misspelt field ("threads") must not silently mean "both threads".
const threadBody = z.strictObject({ thread: z.enum(['io', 'sql']).optional() });
const startBody = z.strictObject({ thread: z.enum(['io', 'sql']).optional(), until: z.string().max(200).optional() });
const changeSourceBody = z.strictObject({ position: z.string().max(200) });
const waitBody = z.strictObject({
  position: z.string().max(200),
  timeout_s: z.number().positive().max(MAX_WAIT_S).optional(),
});

function coordinates(field: string, text: string): BinlogCoordinates {
  try {
    return parseCoordinates(text);
  } catch (error) {
    if (error instanceof InvalidCoordinatesError) throw new ProblemError(HTTP_PROBLEMS.invalidRequest, `${field}: ${error.message}`);
    throw error;
  }
}

function requiredBody(request: RequestBody, shape: string): unknown {
  const body = jsonBody(request);
  if (body === undefined) throw new ProblemError(HTTP_PROBLEMS.invalidRequest, `a JSON body ${shape} is required`);
  return body;
}

/** POST /replica/stop: `{}` or no body for both threads, `{"thread":"io"|"sql"}` for one. */
export function parseThreadRequest(request: RequestBody): ReplicaThread | undefined {
  const body = jsonBody(request);
  return body === undefined ? undefined : validateBody(threadBody, body).thread;
}

/** POST /replica/start: as stop, plus `"until":"<coordinates>"` (START REPLICA UNTIL SOURCE_LOG_POS). */
export function parseStartRequest(request: RequestBody): StartOptions {
  const body = jsonBody(request);
  if (body === undefined) return {};
  const { thread, until } = validateBody(startBody, body);
  if (until === undefined) return { thread };
  if (thread === 'io') throw new ProblemError(HTTP_PROBLEMS.invalidRequest, 'until applies to the applier (SQL thread); it cannot go with thread "io"');
  return { thread, until: coordinates('until', until) };
}

/** POST /replica/change-source: `{"position":"kbinlog.<cluster>.binlog-0:<offset>"}`. */
export function parseChangeSourceRequest(request: RequestBody): BinlogCoordinates {
  const { position } = validateBody(changeSourceBody, requiredBody(request, '{"position": "kbinlog.<cluster>.binlog-0:<offset>"}'));
  return coordinates('position', position);
}

/** POST /replica/wait: `{"position":"<coordinates>","timeout_s":N}` (SOURCE_POS_WAIT), the timeout in ms. */
export function parseWaitRequest(request: RequestBody): { position: BinlogCoordinates; timeoutMs: number } {
  const { position, timeout_s } = validateBody(waitBody, requiredBody(request, '{"position": "kbinlog.<cluster>.binlog-0:<offset>", "timeout_s": <seconds>}'));
  return { position: coordinates('position', position), timeoutMs: Math.ceil((timeout_s ?? MAX_WAIT_S) * 1000) };
}
