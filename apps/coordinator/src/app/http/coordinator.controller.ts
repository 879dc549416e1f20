import { HTTP_PROBLEMS, type ProblemKind, ProblemError } from '@kbinlog/service-runtime';
import type { RecoveryRecord } from '@kbinlog/topology';
import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { z } from 'zod';
import type { SourceView, TopologyReport } from '../coordinator/coordinator';
import { CoordinatorError, CoordinatorErrorCode } from '../coordinator/coordinator-error';
import type { SwitchoverResult } from '../coordinator/recoveries';
import { CoordinatorRuntime } from '../coordinator-runtime';

const switchoverBody = z.object({ to: z.string().min(1) }).strict();

/** The coordinator's own problem kinds, beside service-runtime's HTTP_PROBLEMS. */
const COORDINATOR_PROBLEMS = {
  notLeader: { name: 'not-leader', status: 503, title: 'Not the leader' },
  noSource: { name: 'no-source', status: 404, title: 'No source' },
  noRecovery: { name: 'no-recovery', status: 404, title: 'No recovery' },
  busy: { name: 'busy', status: 409, title: 'Busy' },
  switchoverRefused: { name: 'switchover-refused', status: 409, title: 'Switchover refused' },
  switchoverFailed: { name: 'switchover-failed', status: 502, title: 'Switchover failed' },
} as const satisfies Record<string, ProblemKind>;

function assertUnreachable(value: never): never {
  throw new Error(`unhandled coordinator error code ${String(value)}`);
}

/** The one place coordinator errors become HTTP problems. */
function problemOf(error: unknown): unknown {
  if (!(error instanceof CoordinatorError)) return error;
  switch (error.code) {
    case CoordinatorErrorCode.NotLeader:
      return new ProblemError(COORDINATOR_PROBLEMS.notLeader, `${error.message}; ask another coordinator (kbinlog --coordinator <url>,<url>…)`);
    case CoordinatorErrorCode.NoSource:
      return new ProblemError(COORDINATOR_PROBLEMS.noSource, error.message);
    case CoordinatorErrorCode.NoRecovery:
      return new ProblemError(COORDINATOR_PROBLEMS.noRecovery, error.message);
    case CoordinatorErrorCode.Busy:
      return new ProblemError(COORDINATOR_PROBLEMS.busy, error.message);
    case CoordinatorErrorCode.SwitchoverRefused:
      return new ProblemError(COORDINATOR_PROBLEMS.switchoverRefused, error.message);
    case CoordinatorErrorCode.SwitchoverFailed:
      return new ProblemError(COORDINATOR_PROBLEMS.switchoverFailed, error.message, error.recovery ? { recovery: error.recovery } : {});
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
    if (!parsed.success) throw new ProblemError(HTTP_PROBLEMS.invalidRequest, 'expected {"to": "<node>"}');
    return answer(() => this.runtime.coordinator.switchover(parsed.data.to));
  }

  @Post('recovery/ack')
  @HttpCode(200)
  acknowledge(): Promise<RecoveryRecord> {
    return answer(() => this.runtime.coordinator.acknowledge());
  }
}
