import type { CachePolicies, CachePolicyRow, MemcachedOperation } from './cache-policy';
import {
  CACHE_POLICY_VALUES,
  DEFAULT_CACHE_POLICIES,
  effectiveCachePolicies,
  isCachePolicyValue,
  parseCachePolicyRow,
  planOperation,
  policyColumnFor,
} from './cache-policy';

const row = (overrides: Partial<CachePolicyRow> = {}): CachePolicyRow => ({
  policy_name: 'cache_policy',
  get_policy: 'innodb_only',
  set_policy: 'innodb_only',
  delete_policy: 'innodb_only',
  flush_policy: 'innodb_only',
  ...overrides,
});

const policies = (overrides: Partial<CachePolicies>): CachePolicies => ({ ...DEFAULT_CACHE_POLICIES, ...overrides });

describe('innodb-memcache > cache-policy', () => {
  it('knows the four ENUM values', () => {
    expect(CACHE_POLICY_VALUES).toEqual(['innodb_only', 'cache_only', 'caching', 'disabled']);
    expect(isCachePolicyValue('caching')).toBe(true);
    expect(isCachePolicyValue('disable')).toBe(false);
    expect(isCachePolicyValue(1)).toBe(false);
  });

  describe('parseCachePolicyRow', () => {
    it('parses the default row', () => {
      expect(parseCachePolicyRow(row())).toEqual({ ok: true, policies: DEFAULT_CACHE_POLICIES });
    });

    it('parses each column on its own', () => {
      expect(
        parseCachePolicyRow(row({ get_policy: 'caching', set_policy: 'cache_only', delete_policy: 'disabled', flush_policy: 'innodb_only' })),
      ).toEqual({
        ok: true,
        policies: { name: 'cache_policy', get: 'caching', set: 'cache_only', delete: 'disabled', flush: 'innodb_only' },
      });
    });

    it('reads NULL as innodb_only, as the plugin does', () => {
      expect(parseCachePolicyRow(row({ get_policy: null, flush_policy: null }))).toEqual({ ok: true, policies: DEFAULT_CACHE_POLICIES });
    });

    it('refuses unknown values with a message per column', () => {
      expect(parseCachePolicyRow(row({ get_policy: 'INNODB_ONLY', set_policy: 'disable', flush_policy: "x'; DROP" }))).toEqual({
        ok: false,
        errors: [
          'cache policy "cache_policy": get_policy "INNODB_ONLY" is not one of innodb_only, cache_only, caching, disabled',
          'cache policy "cache_policy": set_policy "disable" is not one of innodb_only, cache_only, caching, disabled (did you mean \'disabled\'?)',
          'cache policy "cache_policy": flush_policy "x\'; DROP" is not one of innodb_only, cache_only, caching, disabled',
        ],
      });
    });

    it('refuses a row without a name', () => {
      expect(parseCachePolicyRow(row({ policy_name: '' }))).toEqual({
        ok: false,
        errors: ['cache_policies row has no policy_name (got "")'],
      });
      expect(parseCachePolicyRow(row({ policy_name: null })).ok).toBe(false);
    });
  });

  describe('effectiveCachePolicies', () => {
    it('takes the first row by policy_name, as the plugin reads only the first', () => {
      const result = effectiveCachePolicies([
        row({ policy_name: 'zz', get_policy: 'disabled' }),
        row({ policy_name: 'cache_policy', get_policy: 'caching' }),
        row({ policy_name: 'mine', get_policy: 'cache_only' }),
      ]);
      expect(result.ok && [result.policies.name, result.policies.get]).toEqual(['cache_policy', 'caching']);
    });

    it('fails without rows and when the first row is bad', () => {
      expect(effectiveCachePolicies([])).toEqual({ ok: false, errors: [expect.stringMatching(/no rows/)] });
      expect(effectiveCachePolicies([row({ policy_name: 'a', set_policy: 'bad' }), row({ policy_name: 'b' })]).ok).toBe(false);
    });
  });

  describe('policyColumnFor', () => {
    it.each([
      ['get', 'get'],
      ['gets', 'get'],
      ['set', 'set'],
      ['add', 'set'],
      ['replace', 'set'],
      ['append', 'set'],
      ['prepend', 'set'],
      ['cas', 'set'],
      ['incr', 'set'],
      ['decr', 'set'],
      ['touch', 'set'],
      ['gat', 'set'],
      ['gats', 'set'],
      ['delete', 'delete'],
      ['flush_all', 'flush'],
    ] as const)('%s follows %s_policy', (operation, column) => {
      expect(policyColumnFor(operation)).toBe(column);
    });
  });

  describe('planOperation', () => {
    it('innodb_only touches the table only', () => {
      expect(planOperation(DEFAULT_CACHE_POLICIES, 'get')).toEqual({ allowed: true, policy: 'innodb_only', stores: ['table'] });
      expect(planOperation(DEFAULT_CACHE_POLICIES, 'flush_all')).toEqual({ allowed: true, policy: 'innodb_only', stores: ['table'] });
    });

    it('cache_only touches memory only', () => {
      expect(planOperation(policies({ set: 'cache_only' }), 'incr')).toEqual({ allowed: true, policy: 'cache_only', stores: ['memory'] });
    });

    it('caching reads memory first then the table, and writes both', () => {
      expect(planOperation(policies({ get: 'caching' }), 'gets')).toEqual({ allowed: true, policy: 'caching', stores: ['memory', 'table'] });
      expect(planOperation(policies({ delete: 'caching' }), 'delete')).toEqual({ allowed: true, policy: 'caching', stores: ['memory', 'table'] });
    });

    it('disabled refuses: a read as a miss, anything else as an error', () => {
      const off = policies({ get: 'disabled', set: 'disabled', delete: 'disabled', flush: 'disabled' });
      expect(planOperation(off, 'get')).toEqual({ allowed: false, policy: 'disabled', refusal: 'miss' });
      for (const operation of ['set', 'incr', 'decr', 'append', 'touch', 'gat', 'delete', 'flush_all'] as MemcachedOperation[]) {
        expect(planOperation(off, operation)).toEqual({ allowed: false, policy: 'disabled', refusal: 'error' });
      }
    });

    it('set_policy governs incr and decr even when get is allowed', () => {
      const readOnly = policies({ set: 'disabled' });
      expect(planOperation(readOnly, 'get').allowed).toBe(true);
      expect(planOperation(readOnly, 'incr').allowed).toBe(false);
      expect(planOperation(readOnly, 'decr').allowed).toBe(false);
      expect(planOperation(readOnly, 'delete').allowed).toBe(true);
    });
  });
});
