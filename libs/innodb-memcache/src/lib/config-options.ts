/**
 * `innodb_memcache.config_options`: the two settings the plugin reads [D][S] (innodb_config.cc).
 * - `separator`: joins and splits the values of several value columns (default `|`).
 * - `table_map_delimiter`: ends the container name in `@@name<delimiter>key` (default `.`).
 */
import { describeUntrusted } from './identifier';

export interface ConfigOptionRow {
  readonly name: string | null;
  readonly value: string | null;
}

export interface ConfigOptions {
  readonly separator: string;
  readonly tableMapDelimiter: string;
}

export const DEFAULT_CONFIG_OPTIONS: ConfigOptions = { separator: '|', tableMapDelimiter: '.' };

/** The plugin keeps at most 32 bytes of an option (MAX_DELIMITER_LEN) [S]. */
export const CONFIG_OPTION_MAX_BYTES = 32;

export type ConfigOptionsResolution =
  | {
      readonly ok: true;
      readonly options: ConfigOptions;
      /** Rows whose name is neither option: ignored, as the plugin ignores them [S]; worth a log line. */
      readonly ignored: readonly string[];
    }
  | { readonly ok: false; readonly errors: readonly string[] };

const OPTION_NAMES = { separator: 'separator', table_map_delimiter: 'tableMapDelimiter' } as const;

/** Characters that may not appear in a table_map_delimiter: those of a container name (it would cut the name). */
const NAME_CHARACTER = /[A-Za-z0-9_]/;
/** memcached keys carry no whitespace or control characters, so a delimiter holding one could never match. */
function hasSpaceOrControl(text: string): boolean {
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code <= 0x20 || code === 0x7f) return true;
  }
  return false;
}

/**
 * Reads the option rows. Names match exactly (the plugin's strcmp) [S]. A missing row, a NULL
 * or an empty value leaves the default [S]. Where the plugin would silently cut or accept a
 * value that cannot work, we refuse with a message instead:
 * - longer than 32 bytes (the plugin truncates);
 * - a `table_map_delimiter` with whitespace, control characters, `@`, or letters, digits or `_`
 *   (a container name would then contain the delimiter, or no key could carry it).
 */
export function resolveConfigOptions(rows: readonly ConfigOptionRow[]): ConfigOptionsResolution {
  const options: { separator: string; tableMapDelimiter: string } = { ...DEFAULT_CONFIG_OPTIONS };
  const ignored: string[] = [];
  const errors: string[] = [];
  for (const row of rows) {
    const name: unknown = row.name;
    if (name !== 'separator' && name !== 'table_map_delimiter') {
      ignored.push(typeof name === 'string' ? name : String(name));
      continue;
    }
    const value: unknown = row.value;
    if (value === null || value === undefined || value === '') continue;
    if (typeof value !== 'string') {
      errors.push(`config option ${name} must be text, got ${describeUntrusted(value)}`);
      continue;
    }
    const bytes = new TextEncoder().encode(value).length;
    if (bytes > CONFIG_OPTION_MAX_BYTES) {
      errors.push(`config option ${name} ${describeUntrusted(value)} is ${bytes} bytes; at most ${CONFIG_OPTION_MAX_BYTES} are allowed`);
      continue;
    }
    if (name === 'table_map_delimiter') {
      if (hasSpaceOrControl(value) || value.includes('@') || NAME_CHARACTER.test(value)) {
        errors.push(
          `config option table_map_delimiter ${describeUntrusted(value)} may not contain whitespace, control characters, '@', letters, digits or '_'`,
        );
        continue;
      }
    }
    options[OPTION_NAMES[name]] = value;
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, options, ignored };
}
