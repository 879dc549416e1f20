import { Controller, Get } from '@nestjs/common';
import { SourceNode, type SourceStatus } from '../node/source-node';

@Controller('status')
export class SourceStatusController {
  constructor(private readonly node: SourceNode) {}

  /** SHOW MASTER STATUS: where the next binlog group will go, and what this source has executed. */
  @Get()
  status(): SourceStatus {
    return this.node.status();
  }
}
