import { DEFAULT_CONFIG_OPTIONS, resolveConfigOptions } from './config-options';

describe('innodb-memcache > config-options', () => {
  describe('resolveConfigOptions', () => {
    it('defaults to | and . without rows', () => {
      expect(resolveConfigOptions([])).toEqual({ ok: true, options: DEFAULT_CONFIG_OPTIONS, ignored: [] });
      expect(DEFAULT_CONFIG_OPTIONS).toEqual({ separator: '|', tableMapDelimiter: '.' });
    });

    it('reads both options', () => {
      expect(
        resolveConfigOptions([
          { name: 'separator', value: '::' },
          { name: 'table_map_delimiter', value: '/' },
        ]),
      ).toEqual({ ok: true, options: { separator: '::', tableMapDelimiter: '/' }, ignored: [] });
    });

    it('keeps the default for NULL or empty values', () => {
      expect(
        resolveConfigOptions([
          { name: 'separator', value: null },
          { name: 'table_map_delimiter', value: '' },
        ]),
      ).toEqual({ ok: true, options: DEFAULT_CONFIG_OPTIONS, ignored: [] });
    });

    it('ignores unknown names, case-sensitively, and lists them', () => {
      expect(
        resolveConfigOptions([
          { name: 'Separator', value: ';' },
          { name: 'something', value: 'x' },
          { name: null, value: 'y' },
        ]),
      ).toEqual({ ok: true, options: DEFAULT_CONFIG_OPTIONS, ignored: ['Separator', 'something', 'null'] });
    });

    it('accepts a separator of up to 32 bytes, spaces and multibyte characters included', () => {
      expect(resolveConfigOptions([{ name: 'separator', value: ' ' }]).ok).toBe(true);
      expect(resolveConfigOptions([{ name: 'separator', value: 'x'.repeat(32) }]).ok).toBe(true);
      expect(resolveConfigOptions([{ name: 'separator', value: '€'.repeat(10) }]).ok).toBe(true);
    });

    it('refuses values longer than 32 bytes instead of cutting them', () => {
      expect(resolveConfigOptions([{ name: 'separator', value: 'x'.repeat(33) }])).toEqual({
        ok: false,
        errors: [`config option separator "${'x'.repeat(33)}" is 33 bytes; at most 32 are allowed`],
      });
      expect(resolveConfigOptions([{ name: 'separator', value: '€'.repeat(11) }]).ok).toBe(false);
    });

    it.each([' ', '\t', '\r\n', '@', '_', 'a', '9', '.x', '\u0000'])('refuses table_map_delimiter %j', (value) => {
      const result = resolveConfigOptions([{ name: 'table_map_delimiter', value }]);
      expect(!result.ok && result.errors[0]).toMatch(/may not contain whitespace, control characters, '@', letters, digits or '_'/);
    });

    it.each(['.', ':', '/', '::', '->', '#'])('accepts table_map_delimiter %j', (value) => {
      expect(resolveConfigOptions([{ name: 'table_map_delimiter', value }])).toMatchObject({ ok: true, options: { tableMapDelimiter: value } });
    });

    it('refuses values that are not text', () => {
      const result = resolveConfigOptions([{ name: 'separator', value: 7 as unknown as string }]);
      expect(!result.ok && result.errors).toEqual(['config option separator must be text, got a number']);
    });
  });
});
