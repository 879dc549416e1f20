import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { HealthController } from './health/health.controller';
import { SERVICE_IDENTITY, type ServiceIdentity } from './service-identity';

export interface ServiceRuntimeOptions extends ServiceIdentity {
  readonly logLevel: string;
}

/** What every kbinlog service has: structured JSON logs and GET /health. */
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
      providers: [{ provide: SERVICE_IDENTITY, useValue: { service: options.service, version: options.version } }],
      exports: [SERVICE_IDENTITY],
    };
  }
}
