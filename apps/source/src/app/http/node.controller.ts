import { Body, Controller, Get, HttpCode, Post, UseFilters } from '@nestjs/common';
import type { NodeReport } from '@kbinlog/topology';
import { type DemotionResult, RoleChangeError, SourceNode } from '../node/source-node';
import { NodeProblem, NodeProblemFilter } from './node-problem';

/** The node's role API (docs/coordinator.md, "The node's HTTP API"). */
@Controller('node')
@UseFilters(NodeProblemFilter)
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
      throw new NodeProblem('invalid-request', 'expected a JSON body {"generation": n}, n an integer ≥ 1');
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
      if (error instanceof RoleChangeError) throw new NodeProblem(error.code, error.message);
      throw new NodeProblem('internal-error', error instanceof Error ? error.message : String(error));
    }
  }
}
