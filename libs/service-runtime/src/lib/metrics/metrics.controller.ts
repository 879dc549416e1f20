import { Controller, Get, Res } from '@nestjs/common';
import { Registry } from 'prom-client';

interface ExpositionResponse {
  setHeader(name: string, value: string): void;
}

/** GET /metrics: the registry in Prometheus's text exposition format, for a scraper. */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly registry: Registry) {}

  @Get()
  async metrics(@Res({ passthrough: true }) response: ExpositionResponse): Promise<string> {
    response.setHeader('Content-Type', this.registry.contentType);
    return this.registry.metrics();
  }
}
