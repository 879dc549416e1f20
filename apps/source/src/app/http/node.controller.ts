import { HTTP_PROBLEMS, ProblemError } from '@kbinlog/service-runtime';
import type { NodeReport } from '@kbinlog/topology';
import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { type DemotionResult, RoleChangeError, SourceNode } from '../node/source-node';
import { NODE_PROBLEMS } from './node-problem';

function problemKind(code: RoleChangeError['code']) {
  switch (code) {
    case 'not-assigned':
      return NODE_PROBLEMS.notAssigned;
    case 'role-change-refused':
      return NODE_PROBLEMS.roleChangeRefused;
    case 'promotion-failed':
      return NODE_PROBLEMS.promotionFailed;
    default: {
      const unknown: never = code;
      throw new Error(`unmapped role change error ${String(unknown)}`);
    }
  }
}

/** The node's role API (docs/coordinator.md, "The node's HTTP API"). */
@Controller('node')
export class NodeController {
  constructor(private readonly node: SourceNode) {}

  @Get()
  report(): NodeReport {
    return this.node.report();
  }

  /** Become source under assignment `generation`; answers once writable. */
  @Post('promote')
  @HttpCode(200)
  async promote(@Body() body: unknown): Promise<NodeReport> {
    const generation = (body as { generation?: unknown } | undefined)?.generation;
    if (typeof generation !== 'number' || !Number.isInteger(generation) || generation < 1) {
      throw new ProblemError(HTTP_PROBLEMS.invalidRequest, 'expected a JSON body {"generation": n}, n an integer ≥ 1');
    }
    return this.problems(() => this.node.promote(generation));
  }

  /** Stop taking writes, let in-flight ones finish, become a replica. */
  @Post('demote')
  @HttpCode(200)
  demote(): Promise<DemotionResult> {
    return this.problems(() => this.node.demote());
  }

  private async problems<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof RoleChangeError) throw new ProblemError(problemKind(error.code), error.message);
      throw error;
    }
  }
}
