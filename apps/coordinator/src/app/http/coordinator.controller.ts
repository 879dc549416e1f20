import { Body, Controller, Get, HttpCode, Inject, Post, UseFilters } from '@nestjs/common';
import type { RecoveryRecord } from '@kbinlog/topology';
import { z } from 'zod';
import type { SourceView, TopologyReport } from '../coordinator/coordinator';
import { CoordinatorError, CoordinatorErrorCode } from '../coordinator/coordinator-error';
import type { SwitchoverResult } from '../coordinator/recoveries';
import { CoordinatorRuntime } from '../coordinator-runtime';
import { Problem, ProblemFilter } from './problem';

const switchoverBody = z.object({ to: z.string().min(1) }).strict();

function assertUnreachable(value: never): never {
  throw new Error(`unhandled coordinator error code ${String(value)}`);
}

/** The one place coordinator errors become HTTP problems. */
function problemOf(error: unknown): unknown {
  if (!(error instanceof CoordinatorError)) return error;
  switch (error.code) {
    case CoordinatorErrorCode.NotLeader:
      return new Problem(503, 'Not the leader', `${error.message}; ask another coordinator (kbinlog --coordinator <url>,<url>…)`, 'urn:kbinlog:coordinator:not-leader');
    case CoordinatorErrorCode.NoSource:
      return new Problem(404, 'No source', error.message, 'urn:kbinlog:coordinator:no-source');
    case CoordinatorErrorCode.NoRecovery:
      return new Problem(404, 'No recovery', error.message, 'urn:kbinlog:coordinator:no-recovery');
    case CoordinatorErrorCode.Busy:
      return new Problem(409, 'Busy', error.message, 'urn:kbinlog:coordinator:busy');
    case CoordinatorErrorCode.SwitchoverRefused:
      return new Problem(409, 'Switchover refused', error.message, 'urn:kbinlog:coordinator:switchover-refused');
    case CoordinatorErrorCode.SwitchoverFailed:
      return new Problem(502, 'Switchover failed', error.message, 'urn:kbinlog:coordinator:switchover-failed', error.recovery ? { recovery: error.recovery } : {});
    default:
      return assertUnreachable(error.code);
  }
}

async function answer<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw problemOf(error);
  }
}

/** Who is source, the topology, and the leader's operations (docs/coordinator.md). */
@Controller()
@UseFilters(ProblemFilter)
export class CoordinatorController {
  constructor(@Inject(CoordinatorRuntime) private readonly runtime: CoordinatorRuntime) {}

  @Get('source')
  source(): Promise<SourceView> {
    return answer(() => this.runtime.coordinator.source());
  }

  @Get('topology')
  topology(): Promise<TopologyReport> {
    return answer(() => this.runtime.coordinator.topology());
  }

  @Post('switchover')
  @HttpCode(200)
  switchover(@Body() body: unknown): Promise<SwitchoverResult> {
    const parsed = switchoverBody.safeParse(body ?? {});
    if (!parsed.success) throw new Problem(400, 'Bad request', 'expected {"to": "<node>"}');
    return answer(() => this.runtime.coordinator.switchover(parsed.data.to));
  }

  @Post('recovery/ack')
  @HttpCode(200)
  acknowledge(): Promise<RecoveryRecord> {
    return answer(() => this.runtime.coordinator.acknowledge());
  }
}
