import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { HealthController } from './health/health.controller';
import { ProblemFilter } from './http/problem.filter';
import { SERVICE_IDENTITY, type ServiceIdentity } from './service-identity';

export interface ServiceRuntimeOptions extends ServiceIdentity {
  readonly logLevel: string;
}

/** What every kbinlog service has: structured JSON logs, GET /health and errors as problem JSON. */
@Module({})
export class ServiceRuntimeModule {
  static forService(options: ServiceRuntimeOptions): DynamicModule {
    return {
      module: ServiceRuntimeModule,
      global: true,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: options.logLevel,
            base: { service: options.service, pid: process.pid },
            // Health probes arrive every few seconds; logging each would drown the useful lines.
            autoLogging: { ignore: (request) => request.url === '/health' },
          },
        }),
      ],
      controllers: [HealthController],
      providers: [{ provide: SERVICE_IDENTITY, useValue: { service: options.service, version: options.version } }, { provide: APP_FILTER, useClass: ProblemFilter }],
      exports: [SERVICE_IDENTITY],
    };
  }
}
