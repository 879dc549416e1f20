import { z } from 'zod';

/**
 * One setting of a service: a command-line flag, an environment variable, a default and a
 * validating schema. Flags win over the environment, which wins over the default.
 */
export interface OptionSpec<T> {
  readonly flag: string;
  readonly env: string;
  readonly description: string;
  readonly schema: z.ZodType<T, string>;
  readonly default?: string;
}

export type OptionValues<S extends Record<string, OptionSpec<unknown>>> = {
  [K in keyof S]: S[K] extends OptionSpec<infer T> ? T : never;
};

export const portSchema = z
  .string()
  .regex(/^\d{1,5}$/, 'expected a TCP port number 0..65535')
  .transform(Number)
  .refine((port) => port <= 65535, 'expected a TCP port number 0..65535');

export const hostSchema = z.string().min(1, 'expected a host name or IP address');

export const logLevelSchema = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']);

/** The settings every kbinlog service has; each service adds its own. */
export function serviceOptions(defaults: { httpPort: number }) {
  return {
    httpHost: {
      flag: 'http-host',
      env: 'KBINLOG_HTTP_HOST',
      description: 'address the HTTP API (health, status) listens on',
      schema: hostSchema,
      default: '127.0.0.1',
    },
    httpPort: {
      flag: 'http-port',
      env: 'KBINLOG_HTTP_PORT',
      description: 'port of the HTTP API; 0 picks a free port',
      schema: portSchema,
      default: String(defaults.httpPort),
    },
    logLevel: {
      flag: 'log-level',
      env: 'KBINLOG_LOG_LEVEL',
      description: `log level: ${logLevelSchema.options.join(', ')}`,
      schema: logLevelSchema,
      default: 'info',
    },
  } satisfies Record<string, OptionSpec<unknown>>;
}
