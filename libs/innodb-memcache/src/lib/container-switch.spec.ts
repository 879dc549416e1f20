import type { RoutingContext } from './container-switch';
import { parseContainerSwitch, routeGetKeys, routeKey, switchReportValue } from './container-switch';

const context: RoutingContext = { delimiter: '.', current: 'aaa', containers: new Set(['aaa', 'bbb', 'b']) };

describe('innodb-memcache > container-switch', () => {
  describe('parseContainerSwitch', () => {
    it('leaves plain keys alone', () => {
      for (const key of ['AA', 'a.b', '@x', '@<AA', 'x@@y', '']) {
        expect(parseContainerSwitch(key, '.')).toEqual({ kind: 'plain', key });
      }
    });

    it('splits @@name.key at the first delimiter', () => {
      expect(parseContainerSwitch('@@aaa.AA', '.')).toEqual({ kind: 'switch', containerName: 'aaa', key: 'AA' });
      expect(parseContainerSwitch('@@aaa.a.b.c', '.')).toEqual({ kind: 'switch', containerName: 'aaa', key: 'a.b.c' });
    });

    it('reads @@name and @@name. as a switch without a key', () => {
      expect(parseContainerSwitch('@@aaa', '.')).toEqual({ kind: 'switch', containerName: 'aaa', key: null });
      expect(parseContainerSwitch('@@aaa.', '.')).toEqual({ kind: 'switch', containerName: 'aaa', key: null });
    });

    it('treats every @@ key as a switch, short ones included', () => {
      expect(parseContainerSwitch('@@a', '.')).toEqual({ kind: 'switch', containerName: 'a', key: null });
      expect(parseContainerSwitch('@@', '.')).toEqual({ kind: 'switch', containerName: '', key: null });
      expect(parseContainerSwitch('@@.k', '.')).toEqual({ kind: 'switch', containerName: '', key: 'k' });
      expect(parseContainerSwitch('@@@aaa.k', '.')).toEqual({ kind: 'switch', containerName: '@aaa', key: 'k' });
    });

    it('matches a multi-character delimiter as a whole string', () => {
      expect(parseContainerSwitch('@@aaa::k:x', '::')).toEqual({ kind: 'switch', containerName: 'aaa', key: 'k:x' });
      expect(parseContainerSwitch('@@aaa:k', '::')).toEqual({ kind: 'switch', containerName: 'aaa:k', key: null });
    });

    it('refuses an empty delimiter', () => {
      expect(() => parseContainerSwitch('@@aaa.k', '')).toThrow(RangeError);
    });

    it('handles a 250-byte key', () => {
      const key = `@@bbb.${'k'.repeat(244)}`;
      expect(parseContainerSwitch(key, '.')).toEqual({ kind: 'switch', containerName: 'bbb', key: 'k'.repeat(244) });
    });
  });

  describe('routeGetKeys', () => {
    it('uses the current container for plain keys', () => {
      expect(routeGetKeys(['AA', 'BB'], context)).toEqual({
        ok: true,
        container: 'aaa',
        switched: false,
        keys: [
          { requested: 'AA', lookup: 'AA' },
          { requested: 'BB', lookup: 'BB' },
        ],
      });
    });

    it('lets the first key switch for the whole request, echoing the key as sent', () => {
      expect(routeGetKeys(['@@bbb.AA', 'BB'], context)).toEqual({
        ok: true,
        container: 'bbb',
        switched: true,
        keys: [
          { requested: '@@bbb.AA', lookup: 'AA' },
          { requested: 'BB', lookup: 'BB' },
        ],
      });
    });

    it('answers a bare switch with a report entry (lookup null)', () => {
      expect(routeGetKeys(['@@bbb'], context)).toEqual({
        ok: true,
        container: 'bbb',
        switched: true,
        keys: [{ requested: '@@bbb', lookup: null }],
      });
      expect(routeGetKeys(['@@b', 'x'], context)).toMatchObject({ ok: true, container: 'b', keys: [{ lookup: null }, { lookup: 'x' }] });
    });

    it('reports no switch when the first key names the current container', () => {
      expect(routeGetKeys(['@@aaa.AA'], context)).toMatchObject({ ok: true, container: 'aaa', switched: false });
    });

    it('rejects a switch to another container in a later key with CLIENT_ERROR', () => {
      expect(routeGetKeys(['AA', '@@bbb.BB'], context)).toEqual({
        ok: false,
        code: 'switch-not-first',
        reply: 'client-error',
        message: 'a container switch (@@name) is only allowed in the first key of a request',
      });
      expect(routeGetKeys(['@@bbb.AA', '@@aaa.BB'], context)).toMatchObject({ ok: false, code: 'switch-not-first' });
      expect(routeGetKeys(['AA', '@@nope.BB'], context)).toMatchObject({ ok: false, code: 'switch-not-first' });
    });

    it('accepts a later key naming the container already in force', () => {
      expect(routeGetKeys(['@@bbb.A', '@@bbb.B', 'C'], context)).toMatchObject({
        ok: true,
        container: 'bbb',
        keys: [{ lookup: 'A' }, { lookup: 'B' }, { lookup: 'C' }],
      });
      expect(routeGetKeys(['A', '@@aaa.B'], context)).toMatchObject({ ok: true, container: 'aaa', keys: [{ lookup: 'A' }, { lookup: 'B' }] });
    });

    it('makes the whole request a miss when the first key names an unknown container', () => {
      for (const keys of [['@@nope.AA', 'BB'], ['@@'], ['@@.AA'], ['@@AAA.x']]) {
        expect(routeGetKeys(keys, context)).toEqual({ ok: false, code: 'unknown-container', reply: 'miss', message: 'no such container' });
      }
    });

    it('routes no keys (a bare gat) to the current container', () => {
      expect(routeGetKeys([], context)).toEqual({ ok: true, container: 'aaa', switched: false, keys: [] });
    });

    it('never echoes a hostile key in its message', () => {
      const result = routeGetKeys(['a', '@@bbb.\r\nEND'], context);
      expect(!result.ok && result.message).not.toMatch(/[\r\n]/);
    });
  });

  describe('routeKey', () => {
    it('routes a plain key to the current container', () => {
      expect(routeKey('test1', context)).toEqual({ ok: true, container: 'aaa', switched: false, keys: [{ requested: 'test1', lookup: 'test1' }] });
    });

    it('switches with @@name.key', () => {
      expect(routeKey('@@bbb.test1', context)).toEqual({
        ok: true,
        container: 'bbb',
        switched: true,
        keys: [{ requested: '@@bbb.test1', lookup: 'test1' }],
      });
    });

    it('answers a switch without a key, or to an unknown container, as a miss', () => {
      expect(routeKey('@@bbb', context)).toMatchObject({ ok: false, code: 'missing-key', reply: 'miss' });
      expect(routeKey('@@bbb.', context)).toMatchObject({ ok: false, code: 'missing-key', reply: 'miss' });
      expect(routeKey('@@zzz.k', context)).toMatchObject({ ok: false, code: 'unknown-container', reply: 'miss' });
    });

    it('uses the configured delimiter', () => {
      expect(routeKey('@@bbb/k.x', { ...context, delimiter: '/' })).toMatchObject({ ok: true, container: 'bbb', keys: [{ lookup: 'k.x' }] });
      expect(routeKey('@@bbb.k', { ...context, delimiter: '/' })).toMatchObject({ ok: false, code: 'unknown-container' });
    });
  });

  describe('switchReportValue', () => {
    it('is schema/table', () => {
      expect(switchReportValue({ schema: 'test', table: 'demo_test' })).toBe('test/demo_test');
    });
  });
});
