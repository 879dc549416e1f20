import type { ReplicaStatus } from '@kbinlog/replication';
import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { type NodeIdentity, ReplicaNode } from '../node/replica-node';
import { ReplicaControl } from '../replica-control';
import { parseChangeSourceRequest, parseThreadRequest, type RequestBody } from './replica-requests';
import { IncomingBody } from './request-body.decorator';

/** GET /replica/status: SHOW REPLICA STATUS plus who answers. */
export type ReplicaStatusReport = ReplicaStatus & NodeIdentity;

/**
 * SHOW REPLICA STATUS, START/STOP REPLICA [IO_THREAD | SQL_THREAD] and CHANGE REPLICATION
 * SOURCE TO … SOURCE_LOG_POS over HTTP. Every control answers with the status after it.
 */
@Controller('replica')
export class ReplicaController {
  constructor(
    private readonly node: ReplicaNode,
    private readonly control: ReplicaControl,
  ) {}

  @Get('status')
  status(): ReplicaStatusReport {
    return this.report(this.control.status());
  }

  @Post('start')
  @HttpCode(200)
  async start(@IncomingBody() request: RequestBody): Promise<ReplicaStatusReport> {
    return this.report(await this.control.start(parseThreadRequest(request)));
  }

  @Post('stop')
  @HttpCode(200)
  async stop(@IncomingBody() request: RequestBody): Promise<ReplicaStatusReport> {
    return this.report(await this.control.stop(parseThreadRequest(request)));
  }

  @Post('change-source')
  @HttpCode(200)
  async changeSource(@IncomingBody() request: RequestBody): Promise<ReplicaStatusReport> {
    return this.report(await this.control.changeSource(parseChangeSourceRequest(request)));
  }

  private report(status: ReplicaStatus): ReplicaStatusReport {
    return { ...status, ...this.node.identity };
  }
}
