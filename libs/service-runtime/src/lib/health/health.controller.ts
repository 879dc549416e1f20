import { Controller, Get, Inject } from '@nestjs/common';
import { SERVICE_IDENTITY, type ServiceIdentity } from '../service-identity';

export interface HealthReport {
  readonly status: 'ok';
  readonly service: string;
  readonly version: string;
  readonly pid: number;
  readonly uptime_s: number;
}

@Controller('health')
export class HealthController {
  private readonly startedAt = process.hrtime.bigint();

  constructor(@Inject(SERVICE_IDENTITY) private readonly identity: ServiceIdentity) {}

  @Get()
  health(): HealthReport {
    const uptimeNs = process.hrtime.bigint() - this.startedAt;
    return {
      status: 'ok',
      service: this.identity.service,
      version: this.identity.version,
      pid: process.pid,
      uptime_s: Number(uptimeNs / 1_000_000n) / 1000,
    };
  }
}
