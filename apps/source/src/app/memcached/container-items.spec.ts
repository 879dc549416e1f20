import type { Container } from '@kbinlog/innodb-memcache';
import { columnsOf, isLive, itemOf } from './container-items';

const int = (name: string, min: bigint, max: bigint) => ({ name, dataType: 'int' as const, unsigned: false, nullable: true, min, max });
const container: Container = {
  name: 'profile',
  schema: 'test',
  table: 'profile',
  key: { name: 'id', dataType: 'varchar', maxLength: 64 },
  values: [
    { name: 'name', dataType: 'varchar', nullable: true, maxLength: 100 },
    { name: 'city', dataType: 'varchar', nullable: true, maxLength: 100 },
  ],
  flags: int('fl', -(2n ** 31n), 2n ** 31n - 1n),
  cas: { name: 'cas', dataType: 'bigint', unsigned: true, nullable: true, min: 0n, max: 2n ** 64n - 1n },
  expiry: int('exp', -(2n ** 31n), 2n ** 31n - 1n),
  uniqueIndex: 'PRIMARY',
};
const options = { separator: '|', tableMapDelimiter: '.' };

describe('source > memcached > container items', () => {
  it('reads an item from a row: value columns joined, NULL as empty, flags, cas and expiry', () => {
    expect(itemOf(container, options, { id: 'u1', name: 'Ada', city: null, fl: '-1', cas: '18446744073709551615', exp: '0' })).toEqual({
      value: 'Ada|',
      flags: 4294967295,
      cas: 18446744073709551615n,
      expiresAt: 0,
    });
  });

  it('writes an item as columns: the value split over the value columns, flags in a signed INT', () => {
    expect(columnsOf(container, options, 'u1', { value: 'Ada|London|extra', flags: 4294967295, cas: 7n, expiresAt: 1_900_000_000 })).toEqual({
      id: 'u1',
      name: 'Ada',
      city: 'London',
      fl: '-1',
      cas: '7',
      exp: '1900000000',
    });
  });

  it('leaves missing parts NULL and caps an expiry the column cannot hold', () => {
    expect(columnsOf(container, options, 'u2', { value: 'Solo', flags: 0, cas: 1n, expiresAt: 2 ** 40 })).toMatchObject({
      name: 'Solo',
      city: null,
      exp: String(2n ** 31n - 1n),
    });
  });

  it('stores the whole value, separators included, in a single value column', () => {
    const single: Container = { ...container, values: [container.values[0]], flags: null, cas: null, expiry: null };
    expect(columnsOf(single, options, 'k', { value: 'a|b', flags: 3, cas: 1n, expiresAt: 0 })).toEqual({ id: 'k', name: 'a|b' });
  });

  it('counts an item as live until its expiry time', () => {
    const row = (expiresAt: number) => ({ image: {}, item: { value: '', flags: 0, cas: 0n, expiresAt } });
    expect(isLive(undefined, 100)).toBe(false);
    expect(isLive(row(0), 100)).toBe(true);
    expect(isLive(row(101), 100)).toBe(true);
    expect(isLive(row(100), 100)).toBe(false);
  });
});
