import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { Registry } from 'prom-client';
import { HealthController } from './health/health.controller';
import { ProblemFilter } from './http/problem.filter';
import { MetricsController } from './metrics/metrics.controller';
import { serviceRegistry } from './metrics/service-registry';
import { SERVICE_IDENTITY, type ServiceIdentity } from './service-identity';

export interface ServiceRuntimeOptions extends ServiceIdentity {
  readonly logLevel: string;
}

/**
 * What every kbinlog service has: structured JSON logs, GET /health, GET /metrics (its Registry,
 * which the service's own providers inject to register what they measure) and errors as problem JSON.
 */
@Module({})
export class ServiceRuntimeModule {
  static forService(options: ServiceRuntimeOptions): DynamicModule {
    const identity: ServiceIdentity = { service: options.service, version: options.version };
    return {
      module: ServiceRuntimeModule,
      global: true,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: options.logLevel,
            base: { service: options.service, pid: process.pid },
            // Probes and scrapes arrive every few seconds; logging each would drown the useful lines.
            autoLogging: { ignore: (request) => request.url === '/health' || request.url === '/metrics' },
          },
        }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: SERVICE_IDENTITY, useValue: identity },
        { provide: Registry, useValue: serviceRegistry(identity) },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
      exports: [SERVICE_IDENTITY, Registry],
    };
  }
}
