import 'reflect-metadata';
import type { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { ConfigError, loadConfig } from './config/load-config';
import { type OptionSpec, type OptionValues, serviceOptions } from './config/options';
import { announceBoundHttp } from './http-endpoint';
import { ServiceRuntimeModule } from './service-runtime.module';

/** The workspace's version, found from source (tests) and from dist/ (built services) alike. */
export const KBINLOG_VERSION = workspaceVersion(__dirname);

function workspaceVersion(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
      if (name === 'kbinlog' && version) return version;
    }
  }
  return 'unknown';
}

type BaseOptions = ReturnType<typeof serviceOptions>;

export interface ServiceDefinition<S extends Record<string, OptionSpec<unknown>>> {
  /** `source`, `replica` or `coordinator`. */
  readonly service: string;
  readonly defaultHttpPort: number;
  /** Settings of this service beyond the common ones. */
  readonly options: S;
  /** The service's root module, built from its validated configuration. */
  readonly module: (config: OptionValues<BaseOptions & S>) => Type | DynamicModule;
}

/**
 * Starts a kbinlog service: validates its configuration (exit 2 with every problem listed),
 * then serves its HTTP API and logs `http.listening` with the bound port, which callers that
 * asked for port 0 read back.
 */
export async function runService<S extends Record<string, OptionSpec<unknown>>>(
  definition: ServiceDefinition<S>,
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const program = `kbinlog-${definition.service}`;
  const spec = { ...serviceOptions({ httpPort: definition.defaultHttpPort }), ...definition.options };
  let config: OptionValues<typeof spec>;
  try {
    const loaded = loadConfig(program, spec, argv, env);
    if (loaded.kind === 'help') {
      process.stdout.write(`${loaded.usage}\n`);
      return;
    }
    config = loaded.config;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${program}: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }

  // The generic spread hides that the common options are always there; name them once.
  const { httpHost, httpPort, logLevel } = config as unknown as OptionValues<BaseOptions>;
  const root = definition.module(config);
  const app = await NestFactory.create(
    {
      module: class KbinlogServiceModule {},
      imports: [
        ServiceRuntimeModule.forService({ service: definition.service, version: KBINLOG_VERSION, logLevel }),
        root,
      ],
    },
    { bufferLogs: true },
  );
  const logger = app.get(Logger);
  app.useLogger(logger);

  // Nest's own shutdown hooks re-raise the signal after closing, which reads as a crash to a
  // supervisor; a graceful stop is exit status 0, also while the service is still starting.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.log({ event: 'service.stopping', signal, msg: 'stopping' });
      app.close().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ event: 'service.stop_failed', err: error, msg: 'stop failed' });
          process.exit(1);
        },
      );
    });
  }

  try {
    // Starting runs the modules' start-up (a node catches up from the binlog) before listening.
    await app.listen(httpPort, httpHost);
  } catch (error) {
    logger.error({ event: 'service.start_failed', err: error, msg: 'could not start' });
    await app.close().catch(() => undefined);
    process.exit(1);
  }
  const { port } = app.getHttpServer().address() as AddressInfo;
  announceBoundHttp({ host: httpHost, port });
  logger.log({ event: 'http.listening', host: httpHost, port, version: KBINLOG_VERSION, msg: 'HTTP API listening' });
}
