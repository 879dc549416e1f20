import { ALREADY_EXPIRED, isExpired, MAX_RELATIVE_EXPTIME, NEVER_EXPIRES, toExpiresAt } from './expiry';

const NOW = 1_700_000_000;

describe('innodb-memcache > expiry', () => {
  describe('toExpiresAt', () => {
    it('stores 0 for never', () => {
      expect(toExpiresAt(0, NOW)).toBe(NEVER_EXPIRES);
      expect(NEVER_EXPIRES).toBe(0);
    });

    it('reads 1..2592000 as seconds from now', () => {
      expect(toExpiresAt(1, NOW)).toBe(NOW + 1);
      expect(toExpiresAt(60, NOW)).toBe(NOW + 60);
      expect(MAX_RELATIVE_EXPTIME).toBe(2_592_000);
      expect(toExpiresAt(2_592_000, NOW)).toBe(NOW + 2_592_000);
    });

    it('reads more than 2592000 as an absolute Unix time', () => {
      expect(toExpiresAt(2_592_001, NOW)).toBe(2_592_001);
      expect(toExpiresAt(NOW + 10, NOW)).toBe(NOW + 10);
    });

    it('stores ALREADY_EXPIRED for a negative exptime', () => {
      expect(toExpiresAt(-1, NOW)).toBe(ALREADY_EXPIRED);
      expect(toExpiresAt(-2_147_483_648, NOW)).toBe(ALREADY_EXPIRED);
      expect(ALREADY_EXPIRED).toBe(1);
    });

    it('can exceed a signed INT column (the caller checks Container.expiry.max)', () => {
      expect(toExpiresAt(2_147_483_000, 0)).toBe(2_147_483_000);
      expect(toExpiresAt(MAX_RELATIVE_EXPTIME, 2_147_483_000)).toBeGreaterThan(2 ** 31 - 1);
    });

    it('refuses non-integers and a negative clock', () => {
      expect(() => toExpiresAt(1.5, NOW)).toThrow(RangeError);
      expect(() => toExpiresAt(Number.NaN, NOW)).toThrow(RangeError);
      expect(() => toExpiresAt(0, -1)).toThrow(RangeError);
      expect(() => toExpiresAt(0, 1.5)).toThrow(RangeError);
    });
  });

  describe('isExpired', () => {
    it('never expires 0 or NULL', () => {
      expect(isExpired(0, NOW)).toBe(false);
      expect(isExpired(0n, NOW)).toBe(false);
      expect(isExpired(null, NOW)).toBe(false);
      expect(isExpired(undefined, NOW)).toBe(false);
    });

    it('expires at expiresAt <= now, as memcached', () => {
      expect(isExpired(NOW + 1, NOW)).toBe(false);
      expect(isExpired(NOW, NOW)).toBe(true);
      expect(isExpired(NOW - 1, NOW)).toBe(true);
    });

    it('expires what toExpiresAt stored for negative and past times at once', () => {
      expect(isExpired(toExpiresAt(-1, NOW), NOW)).toBe(true);
      expect(isExpired(toExpiresAt(2_592_001, NOW), NOW)).toBe(true);
      expect(isExpired(-5, NOW)).toBe(true);
    });

    it('keeps a 1-second item for one second', () => {
      const at = toExpiresAt(1, NOW);
      expect(isExpired(at, NOW)).toBe(false);
      expect(isExpired(at, NOW + 1)).toBe(true);
    });

    it('keeps a 30-day item until the last second, and reads bigint columns', () => {
      const at = toExpiresAt(2_592_000, NOW);
      expect(isExpired(at, NOW + 2_592_000 - 1)).toBe(false);
      expect(isExpired(BigInt(at), NOW + 2_592_000)).toBe(true);
    });
  });
});
