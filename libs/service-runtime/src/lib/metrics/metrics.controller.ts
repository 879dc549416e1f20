import { Controller, Get, Res } from '@nestjs/common';
import { Registry } from 'prom-client';

interface ExpositionResponse {
  setHeader(name: string, value: string): void;
  end(body: string): void;
}

/** GET /metrics: the registry in Prometheus's text exposition format, for a scraper. */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly registry: Registry) {}

  /** Written as is: Express's send would reorder the content type's parameters. */
  @Get()
  async metrics(@Res() response: ExpositionResponse): Promise<void> {
    const body = await this.registry.metrics();
    response.setHeader('Content-Type', this.registry.contentType);
    response.end(body);
  }
}
