import { parseArgs } from 'node:util';
import type { OptionSpec, OptionValues } from './options';

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export type LoadResult<S extends Record<string, OptionSpec<unknown>>> =
  | { readonly kind: 'config'; readonly config: OptionValues<S> }
  | { readonly kind: 'help'; readonly usage: string };

/**
 * Reads every option from argv and env, validates all of them and reports every problem at
 * once, so an operator fixes a bad deployment in one round.
 */
export function loadConfig<S extends Record<string, OptionSpec<unknown>>>(
  program: string,
  spec: S,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): LoadResult<S> {
  const flags = parseFlags(spec, argv);
  if (flags.help) {
    return { kind: 'help', usage: usage(program, spec) };
  }
  const problems: string[] = [];
  const config: Record<string, unknown> = {};
  for (const [key, option] of Object.entries(spec)) {
    const fromFlag = flags.values[option.flag];
    const fromEnv = env[option.env];
    const raw = fromFlag ?? fromEnv ?? option.default;
    const origin = fromFlag !== undefined ? `--${option.flag}` : fromEnv !== undefined ? option.env : 'default';
    if (raw === undefined) {
      problems.push(`--${option.flag} (or ${option.env}) is required: ${option.description}`);
      continue;
    }
    const parsed = option.schema.safeParse(raw);
    if (parsed.success) {
      config[key] = parsed.data;
    } else {
      const reason = parsed.error.issues.map((issue) => issue.message).join('; ');
      problems.push(`--${option.flag} (or ${option.env}): ${reason}, got ${JSON.stringify(raw)} from ${origin}`);
    }
  }
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  return { kind: 'config', config: config as OptionValues<S> };
}

function parseFlags(spec: Record<string, OptionSpec<unknown>>, argv: readonly string[]) {
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const option of Object.values(spec)) {
    options[option.flag] = { type: 'string' };
  }
  try {
    const { values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
    return { help: values['help'] === true, values: values as Record<string, string | undefined> };
  } catch (error) {
    throw new ConfigError([error instanceof Error ? error.message : String(error)]);
  }
}

function usage(program: string, spec: Record<string, OptionSpec<unknown>>): string {
  const lines = Object.values(spec).map((option) => {
    const fallback = option.default === undefined ? 'required' : `default ${JSON.stringify(option.default)}`;
    return `  --${option.flag} <value>  ${option.description} (env ${option.env}; ${fallback})`;
  });
  return [`Usage: ${program} [options]`, '', 'Options:', ...lines, '  --help  show this help'].join('\n');
}
