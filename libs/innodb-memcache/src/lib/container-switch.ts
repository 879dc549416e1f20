/**
 * Container switching: a key `@@<name><delimiter><key>` makes container `<name>` the one in force
 * on the connection, for this request and the later ones, and looks up `<key>` in it [D][S].
 * The delimiter is config_options `table_map_delimiter` (default `.`).
 *
 * `get @@<name>` alone (or `@@<name><delimiter>` with nothing after it) switches without a key;
 * the plugin answers it with one hit whose value is `<schema>/<table>` of the new container [S]
 * (innodb_engine.cc, report_table_switch). We do the same: see `switchReportValue`.
 *
 * Differences from the plugin, on purpose:
 * - every key starting with `@@` is a switch. The plugin only looks at keys longer than 3 bytes,
 *   so `@@a` is a plain key there and a one-letter container cannot be reached.
 * - the delimiter is a string, matched at its first occurrence. The plugin's strtok treats a
 *   multi-character delimiter as a set of characters and skips leading ones (`@@..aaa.k` is
 *   container `aaa` there; here it is an empty name).
 * - in a multi-get only the first key may switch; a later key naming another container fails
 *   the whole request with CLIENT_ERROR. The plugin silently ignores such a switch and strips the
 *   prefix, reading `<key>` from the container in force: the wrong table, with no sign of it.
 *   A later key naming the container already in force is accepted (a no-op, as in the plugin).
 */

export const SWITCH_PREFIX = '@@';

export type ParsedKey =
  | { readonly kind: 'plain'; readonly key: string }
  | {
      readonly kind: 'switch';
      /** May be empty (`@@`, `@@.k`); routing turns that into a miss. */
      readonly containerName: string;
      /** null: a switch without a key (`@@name` or `@@name.`). */
      readonly key: string | null;
    };

export function parseContainerSwitch(key: string, delimiter: string): ParsedKey {
  assertDelimiter(delimiter);
  if (!key.startsWith(SWITCH_PREFIX)) {
    return { kind: 'plain', key };
  }
  const rest = key.slice(SWITCH_PREFIX.length);
  const at = rest.indexOf(delimiter);
  if (at < 0) {
    return { kind: 'switch', containerName: rest, key: null };
  }
  const lookup = rest.slice(at + delimiter.length);
  return { kind: 'switch', containerName: rest.slice(0, at), key: lookup === '' ? null : lookup };
}

export interface RoutingContext {
  /** config_options `table_map_delimiter`. */
  readonly delimiter: string;
  /** The container in force on the connection before this request. */
  readonly current: string;
  /** Names of the containers that passed validation. */
  readonly containers: ReadonlySet<string>;
}

export interface RoutedKey {
  /** The key as the client sent it: what a `VALUE` line must echo. */
  readonly requested: string;
  /**
   * The key to look up in the container's table; null for a bare switch (`get @@name`), which
   * is answered with a hit whose value is `switchReportValue(container)` and flags 0.
   */
  readonly lookup: string | null;
}

export type RouteErrorCode = 'unknown-container' | 'missing-key' | 'switch-not-first';

export type KeyRoute =
  | {
      readonly ok: true;
      /** The container in force from now on for the connection (and for this request). */
      readonly container: string;
      readonly switched: boolean;
      /** In request order, one per key sent. */
      readonly keys: readonly RoutedKey[];
    }
  | {
      readonly ok: false;
      readonly code: RouteErrorCode;
      /**
       * `miss`: answer as if the key did not exist, as the plugin does [S]: `END` for get/gets/gat,
       * `NOT_STORED` for set/add/replace/append/prepend/cas, `NOT_FOUND` for delete/incr/decr/touch.
       * The container in force does not change.
       * `client-error`: answer `CLIENT_ERROR <message>` and nothing else (no VALUE lines, no END).
       */
      readonly reply: 'miss' | 'client-error';
      /** One line, safe to send after `CLIENT_ERROR ` (it never echoes the client's key). */
      readonly message: string;
    };

const UNKNOWN_CONTAINER = {
  ok: false,
  code: 'unknown-container',
  reply: 'miss',
  message: 'no such container',
} as const;

/**
 * Routes the keys of a get, gets, gat or gats. The first key may switch containers (with or
 * without a key); a later key may only name the container in force after the first key.
 * An unknown container in the first key makes the whole request a miss: the client meant all its
 * keys for that container, and answering the others from the old one would mix tables.
 */
export function routeGetKeys(keys: readonly string[], context: RoutingContext): KeyRoute {
  let container = context.current;
  let switched = false;
  const routed: RoutedKey[] = [];
  for (const [index, requested] of keys.entries()) {
    const parsed = parseContainerSwitch(requested, context.delimiter);
    if (parsed.kind === 'plain') {
      routed.push({ requested, lookup: parsed.key });
      continue;
    }
    if (index === 0) {
      if (!context.containers.has(parsed.containerName)) {
        return UNKNOWN_CONTAINER;
      }
      switched = parsed.containerName !== context.current;
      container = parsed.containerName;
    } else if (parsed.containerName !== container) {
      return {
        ok: false,
        code: 'switch-not-first',
        reply: 'client-error',
        message: 'a container switch (@@name) is only allowed in the first key of a request',
      };
    }
    routed.push({ requested, lookup: parsed.key });
  }
  return { ok: true, container, switched, keys: routed };
}

/**
 * Routes the one key of set, add, replace, append, prepend, cas, delete, incr, decr or touch.
 * A switch without a key (`set @@aaa ...`) is a miss, as in the plugin (NOT_STORED) [S], and
 * leaves the container in force unchanged.
 */
export function routeKey(key: string, context: RoutingContext): KeyRoute {
  const parsed = parseContainerSwitch(key, context.delimiter);
  if (parsed.kind === 'plain') {
    return { ok: true, container: context.current, switched: false, keys: [{ requested: key, lookup: key }] };
  }
  if (!context.containers.has(parsed.containerName)) {
    return UNKNOWN_CONTAINER;
  }
  if (parsed.key === null) {
    return { ok: false, code: 'missing-key', reply: 'miss', message: 'a container switch needs a key for this command' };
  }
  return {
    ok: true,
    container: parsed.containerName,
    switched: parsed.containerName !== context.current,
    keys: [{ requested: key, lookup: parsed.key }],
  };
}

/** The value of the hit that answers `get @@name`: `<schema>/<table>` [S]. */
export function switchReportValue(container: { readonly schema: string; readonly table: string }): string {
  return `${container.schema}/${container.table}`;
}

function assertDelimiter(delimiter: string): void {
  if (typeof delimiter !== 'string' || delimiter.length === 0) {
    throw new RangeError('the table map delimiter must be a non-empty string');
  }
}
