import type { ReplicaStatus } from '@kbinlog/replication';
import { IncomingBody, type RequestBody } from '@kbinlog/service-runtime';
import { Controller, Get, HttpCode, Inject, Post, UseFilters } from '@nestjs/common';
import { ReplicaControl } from '../replica-control';
import { type NodeIdentity, REPLICA_HOST, type ReplicaHost } from '../replica-host';
import { ReplicaControlErrorFilter } from './replica-problems';
import { parseChangeSourceRequest, parseStartRequest, parseThreadRequest, parseWaitRequest } from './replica-requests';

/** GET /replica/status: SHOW REPLICA STATUS plus who answers. */
export type ReplicaStatusReport = ReplicaStatus & NodeIdentity;

/** POST /replica/wait: SOURCE_POS_WAIT's result, then the status after it. */
export type WaitReport = { readonly result: number | null } & ReplicaStatusReport;

/**
 * SHOW REPLICA STATUS, START REPLICA [IO_THREAD | SQL_THREAD] [UNTIL], STOP REPLICA, CHANGE
 * REPLICATION SOURCE TO … SOURCE_LOG_POS and SOURCE_POS_WAIT over HTTP. Every control answers
 * with the status after it.
 */
@Controller('replica')
@UseFilters(ReplicaControlErrorFilter)
export class ReplicaController {
  constructor(
    @Inject(REPLICA_HOST) private readonly node: ReplicaHost,
    private readonly control: ReplicaControl,
  ) {}

  @Get('status')
  status(): ReplicaStatusReport {
    return this.report(this.control.status());
  }

  @Post('start')
  @HttpCode(200)
  async start(@IncomingBody() request: RequestBody): Promise<ReplicaStatusReport> {
    return this.report(await this.control.start(parseStartRequest(request)));
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

  @Post('wait')
  @HttpCode(200)
  async wait(@IncomingBody() request: RequestBody): Promise<WaitReport> {
    const { position, timeoutMs } = parseWaitRequest(request);
    const result = await this.control.wait(position, timeoutMs);
    return { result, ...this.report(this.control.status()) };
  }

  private report(status: ReplicaStatus): ReplicaStatusReport {
    return { ...status, ...this.node.identity };
  }
}
