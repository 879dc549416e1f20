import {
  assertSafeIdentifier,
  describeUntrusted,
  isSafeIdentifier,
  quoteIdentifier,
  quoteQualifiedName,
  UnsafeIdentifierError,
  unsafeIdentifierReason,
} from './identifier';

describe('innodb-memcache > identifier', () => {
  describe('isSafeIdentifier', () => {
    it.each(['c1', 'demo_test', 'PRIMARY', '_x', '123', 'a'.repeat(64)])('accepts %j', (name) => {
      expect(isSafeIdentifier(name)).toBe(true);
    });

    it.each([
      '',
      'a'.repeat(65),
      'demo`test',
      "demo'test",
      'demo"test',
      'demo test',
      'demo-test',
      'demo.test',
      'x`; DROP TABLE t; --',
      "a' OR '1'='1",
      'c1\u0000',
      'c1\n',
      'tést',
      'c1;',
      '$x',
    ])('refuses %j', (name) => {
      expect(isSafeIdentifier(name)).toBe(false);
      expect(unsafeIdentifierReason(name)).toBeDefined();
    });

    it('refuses values that are not strings', () => {
      for (const value of [null, undefined, 42, {}, Buffer.from('c1')]) {
        expect(isSafeIdentifier(value)).toBe(false);
        expect(unsafeIdentifierReason(value)).toMatch(/must be text/);
      }
    });
  });

  describe('assertSafeIdentifier', () => {
    it('throws an UnsafeIdentifierError naming what was checked', () => {
      expect(() => assertSafeIdentifier('a`b', 'column')).toThrow(UnsafeIdentifierError);
      expect(() => assertSafeIdentifier('a`b', 'column')).toThrow(/for column: "a`b" may only contain/);
      expect(() => assertSafeIdentifier('', 'table')).toThrow(/for table: is empty/);
      expect(() => assertSafeIdentifier('a'.repeat(65))).toThrow(/longer than 64/);
    });

    it('passes a safe name', () => {
      expect(() => assertSafeIdentifier('c1')).not.toThrow();
    });
  });

  describe('quoteIdentifier', () => {
    it('wraps a safe name in backticks', () => {
      expect(quoteIdentifier('demo_test')).toBe('`demo_test`');
      expect(quoteQualifiedName('test', 'demo_test')).toBe('`test`.`demo_test`');
    });

    it('refuses to quote anything outside the alphabet instead of escaping it', () => {
      expect(() => quoteIdentifier('x` ; DROP DATABASE test; -- ')).toThrow(UnsafeIdentifierError);
      expect(() => quoteQualifiedName('test', 'a.b')).toThrow(/for table/);
      expect(() => quoteQualifiedName('te st', 'ok')).toThrow(/for schema/);
    });
  });

  describe('describeUntrusted', () => {
    it('escapes control characters and cuts long text', () => {
      expect(describeUntrusted('a\r\nb')).toBe('"a\\r\\nb"');
      expect(describeUntrusted('x'.repeat(1000))).toBe(`"${'x'.repeat(80)}…"`);
      expect(describeUntrusted(null)).toBe('NULL');
      expect(describeUntrusted(undefined)).toBe('nothing');
      expect(describeUntrusted(3)).toBe('a number');
    });
  });
});
