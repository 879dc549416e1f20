/**
 * `innodb_memcache.cache_policies`: per kind of operation, which store serves it [D] 14.21.7.
 * - `innodb_only`: the table only.
 * - `cache_only`: memory only (memcached's own engine).
 * - `caching`: both; a read tries memory first and falls back to the table, a write goes to both.
 * - `disabled`: the operation is refused.
 * `set_policy` governs every write, incr and decr included [D]; `flush_policy` governs flush_all.
 */
import { describeUntrusted } from './identifier';

export const CACHE_POLICY_VALUES = ['innodb_only', 'cache_only', 'caching', 'disabled'] as const;
export type CachePolicyValue = (typeof CACHE_POLICY_VALUES)[number];

/** One row of `innodb_memcache.cache_policies`, as a driver returns it. */
export interface CachePolicyRow {
  readonly policy_name: string | null;
  readonly get_policy: string | null;
  readonly set_policy: string | null;
  readonly delete_policy: string | null;
  readonly flush_policy: string | null;
}

export interface CachePolicies {
  readonly name: string;
  readonly get: CachePolicyValue;
  readonly set: CachePolicyValue;
  readonly delete: CachePolicyValue;
  readonly flush: CachePolicyValue;
}

/** The row `innodb_memcached_config.sql` inserts, and what applies when nothing says otherwise. */
export const DEFAULT_CACHE_POLICIES: CachePolicies = {
  name: 'cache_policy',
  get: 'innodb_only',
  set: 'innodb_only',
  delete: 'innodb_only',
  flush: 'innodb_only',
};

export type CachePoliciesParse =
  | { readonly ok: true; readonly policies: CachePolicies }
  | { readonly ok: false; readonly errors: readonly string[] };

export function isCachePolicyValue(value: unknown): value is CachePolicyValue {
  return typeof value === 'string' && (CACHE_POLICY_VALUES as readonly string[]).includes(value);
}

const POLICY_COLUMNS = [
  ['get_policy', 'get'],
  ['set_policy', 'set'],
  ['delete_policy', 'delete'],
  ['flush_policy', 'flush'],
] as const;

/**
 * Parses one row. A NULL policy means `innodb_only`, as in the plugin [S] (the column is NOT NULL
 * in our DDL, so that only happens on hand-made tables). An unknown value is an error: the plugin
 * logs it and falls back to `innodb_only` [S]; we refuse to start rather than guess. Values match
 * exactly, as the ENUM returns them; the manual's `disable` is a typo for `disabled`.
 */
export function parseCachePolicyRow(row: CachePolicyRow): CachePoliciesParse {
  const errors: string[] = [];
  const name: unknown = row.policy_name;
  if (typeof name !== 'string' || name === '') {
    errors.push(`cache_policies row has no policy_name (got ${describeUntrusted(name)})`);
  }
  const label = typeof name === 'string' && name !== '' ? describeUntrusted(name) : '(unnamed)';
  const policies: Record<'get' | 'set' | 'delete' | 'flush', CachePolicyValue> = { ...DEFAULT_CACHE_POLICIES };
  for (const [column, operation] of POLICY_COLUMNS) {
    const value: unknown = row[column];
    if (value === null || value === undefined) continue;
    if (!isCachePolicyValue(value)) {
      const hint = value === 'disable' ? " (did you mean 'disabled'?)" : '';
      errors.push(
        `cache policy ${label}: ${column} ${describeUntrusted(value)} is not one of ${CACHE_POLICY_VALUES.join(', ')}${hint}`,
      );
      continue;
    }
    policies[operation] = value;
  }
  if (errors.length > 0) {
    return { ok: false, errors };
  }
  return { ok: true, policies: { name: name as string, ...policies } };
}

/**
 * The policy in force: the plugin reads the first row of the table in primary-key order and
 * ignores the others [S] (innodb_read_cache_policy), so we take the first by policy_name
 * ascending (code-unit order, which is the utf8mb4_bin order of our DDL). No row at all is an
 * error, as in the plugin.
 */
export function effectiveCachePolicies(rows: readonly CachePolicyRow[]): CachePoliciesParse {
  let first: CachePolicyRow | undefined;
  for (const row of rows) {
    if (first === undefined || comparable(row.policy_name) < comparable(first.policy_name)) first = row;
  }
  if (first === undefined) {
    return { ok: false, errors: ['innodb_memcache.cache_policies has no rows: one policy row is needed'] };
  }
  return parseCachePolicyRow(first);
}

function comparable(name: string | null): string {
  return typeof name === 'string' ? name : '';
}

/** Every memcached operation a policy can govern. */
export type MemcachedOperation =
  | 'get'
  | 'gets'
  | 'gat'
  | 'gats'
  | 'touch'
  | 'set'
  | 'add'
  | 'replace'
  | 'append'
  | 'prepend'
  | 'cas'
  | 'incr'
  | 'decr'
  | 'delete'
  | 'flush_all';

export type PolicyColumn = 'get' | 'set' | 'delete' | 'flush';

/**
 * Which policy column governs an operation. get/gets read (`get_policy`); every write, incr and
 * decr included, follows `set_policy` [D]. touch, gat and gats write the expiry, so they follow
 * `set_policy` too (the manual is silent; a gat that could read but not write the new expiry
 * would half-work).
 */
export function policyColumnFor(operation: MemcachedOperation): PolicyColumn {
  switch (operation) {
    case 'get':
    case 'gets':
      return 'get';
    case 'gat':
    case 'gats':
    case 'touch':
    case 'set':
    case 'add':
    case 'replace':
    case 'append':
    case 'prepend':
    case 'cas':
    case 'incr':
    case 'decr':
      return 'set';
    case 'delete':
      return 'delete';
    case 'flush_all':
      return 'flush';
  }
}

export type StoreName = 'memory' | 'table';

export type OperationPlan =
  | {
      readonly allowed: true;
      readonly policy: Exclude<CachePolicyValue, 'disabled'>;
      /**
       * In order. For a read: ask each in turn, the first hit answers (`caching` = memory, then
       * the table). For a write, delete or flush: apply to each in turn.
       */
      readonly stores: readonly StoreName[];
    }
  | {
      readonly allowed: false;
      readonly policy: 'disabled';
      /**
       * How to answer. `miss`: as if the key did not exist (get/gets: `END`), what the plugin does
       * for a disabled get [S]. `error`: the plugin answers a disabled write, delete or flush with
       * success and does nothing [S], which would tell a client its data is stored when it is not;
       * we answer `SERVER_ERROR` instead.
       */
      readonly refusal: 'miss' | 'error';
    };

const STORES: Record<Exclude<CachePolicyValue, 'disabled'>, readonly StoreName[]> = {
  innodb_only: ['table'],
  cache_only: ['memory'],
  caching: ['memory', 'table'],
};

/** What an operation may touch under the policies in force. */
export function planOperation(policies: CachePolicies, operation: MemcachedOperation): OperationPlan {
  const column = policyColumnFor(operation);
  const policy = policies[column];
  if (policy === 'disabled') {
    return { allowed: false, policy, refusal: column === 'get' ? 'miss' : 'error' };
  }
  return { allowed: true, policy, stores: STORES[policy] };
}
