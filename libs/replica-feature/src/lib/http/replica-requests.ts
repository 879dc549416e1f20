import { type BinlogCoordinates, GtidSet, InvalidCoordinatesError, InvalidGtidError, parseCoordinates } from '@kbinlog/binlog';
import { MAX_SOURCE_DELAY_S, type UntilGtids } from '@kbinlog/replication';
import { HTTP_PROBLEMS, jsonBody, ProblemError, type RequestBody, validateBody } from '@kbinlog/service-runtime';
import { z } from 'zod';
import type { ReplicaThread, SourceChange, StartOptions } from '../replica-control';

/** The longest one POST /replica/wait holds its request; also the wait without `timeout_s`. */
export const MAX_WAIT_S = 3600;

// Strict: a misspelt field ("threads") must not silently mean "both threads".
const threadBody = z.strictObject({ thread: z.enum(['io', 'sql']).optional() });
const startBody = z.strictObject({
  thread: z.enum(['io', 'sql']).optional(),
  until: z.string().max(200).optional(),
  sql_after_gtids: z.string().max(65_536).optional(),
  sql_before_gtids: z.string().max(65_536).optional(),
});
const changeSourceBody = z
  .strictObject({ position: z.string().max(200).optional(), source_delay_s: z.number().int().min(0).max(MAX_SOURCE_DELAY_S).optional() })
  .refine((body) => body.position !== undefined || body.source_delay_s !== undefined, { message: 'give position, source_delay_s or both' });
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

function gtidSet(field: string, text: string): GtidSet {
  try {
    return GtidSet.parse(text);
  } catch (error) {
    if (error instanceof InvalidGtidError) throw new ProblemError(HTTP_PROBLEMS.invalidRequest, `${field}: ${error.message}`);
    throw error;
  }
}

/**
 * POST /replica/start: as stop, plus one UNTIL condition: `"until":"<coordinates>"` (SOURCE_LOG_POS),
 * `"sql_after_gtids":"<set>"` or `"sql_before_gtids":"<set>"`.
 */
export function parseStartRequest(request: RequestBody): StartOptions {
  const body = jsonBody(request);
  if (body === undefined) return {};
  const { thread, until, sql_after_gtids, sql_before_gtids } = validateBody(startBody, body);
  const conditions = [until, sql_after_gtids, sql_before_gtids].filter((condition) => condition !== undefined);
  if (conditions.length === 0) return { thread };
  if (conditions.length > 1) throw new ProblemError(HTTP_PROBLEMS.invalidRequest, 'give one of until, sql_after_gtids and sql_before_gtids');
  if (thread === 'io') throw new ProblemError(HTTP_PROBLEMS.invalidRequest, 'an UNTIL condition applies to the applier (SQL thread); it cannot go with thread "io"');
  if (until !== undefined) return { thread, until: coordinates('until', until) };
  const untilGtids: UntilGtids =
    sql_after_gtids !== undefined ? { set: gtidSet('sql_after_gtids', sql_after_gtids), when: 'after' } : { set: gtidSet('sql_before_gtids', sql_before_gtids as string), when: 'before' };
  return { thread, untilGtids };
}

/** POST /replica/change-source: `{"position":"kbinlog.<cluster>.binlog-0:<offset>", "source_delay_s": N}`, either or both. */
export function parseChangeSourceRequest(request: RequestBody): SourceChange {
  const { position, source_delay_s } = validateBody(changeSourceBody, requiredBody(request, '{"position": "kbinlog.<cluster>.binlog-0:<offset>", "source_delay_s": <seconds>}'));
  return { position: position === undefined ? undefined : coordinates('position', position), delayS: source_delay_s };
}

/** POST /replica/wait: `{"position":"<coordinates>","timeout_s":N}` (SOURCE_POS_WAIT), the timeout in ms. */
export function parseWaitRequest(request: RequestBody): { position: BinlogCoordinates; timeoutMs: number } {
  const { position, timeout_s } = validateBody(waitBody, requiredBody(request, '{"position": "kbinlog.<cluster>.binlog-0:<offset>", "timeout_s": <seconds>}'));
  return { position: coordinates('position', position), timeoutMs: Math.ceil((timeout_s ?? MAX_WAIT_S) * 1000) };
}
