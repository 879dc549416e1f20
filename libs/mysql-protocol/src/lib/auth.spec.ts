import { createHash } from 'node:crypto';
import {
  cachingSha2Hash,
  encodeAuthMoreData,
  encodeAuthSwitchRequest,
  nativePasswordHash,
  randomScramble,
  verifyCachingSha2Fast,
  verifyNativePassword,
} from './auth';
import { hex } from './bytes.spec-helper';

const hash = (algorithm: string, ...parts: Buffer[]) => parts.reduce((h, part) => h.update(part), createHash(algorithm)).digest();
const xor = (a: Buffer, b: Buffer) => Buffer.from(a.map((byte, i) => byte ^ (b[i] as number)));

/** What mysql_native_password clients send: SHA1(pw) XOR SHA1(scramble + SHA1(SHA1(pw))). */
const nativeToken = (password: string, scramble: Buffer) => {
  const stage1 = hash('sha1', Buffer.from(password));
  return xor(stage1, hash('sha1', scramble, hash('sha1', stage1)));
};

/** What caching_sha2_password clients send: SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) + nonce). */
const sha2Token = (password: string, nonce: Buffer) => {
  const stage1 = hash('sha256', Buffer.from(password));
  return xor(stage1, hash('sha256', hash('sha256', stage1), nonce));
};

describe('mysql-protocol', () => {
  describe('auth', () => {
    it('makes 20-byte scrambles without NUL or $, all 7-bit', () => {
      for (let i = 0; i < 200; i++) {
        const scramble = randomScramble();
        expect(scramble.length).toBe(20);
        expect([...scramble].every((byte) => byte > 0 && byte < 0x80 && byte !== 0x24)).toBe(true);
      }
      expect(randomScramble().equals(randomScramble())).toBe(false);
    });

    it('stores SHA1(SHA1(pw)) for mysql_native_password', () => {
      // MySQL's PASSWORD('secret') is *14E65567ABDB5135D0CFD9A70B3032C179A49EE7
      expect(nativePasswordHash('secret').toString('hex').toUpperCase()).toBe('14E65567ABDB5135D0CFD9A70B3032C179A49EE7');
      expect(nativePasswordHash('')).toEqual(Buffer.alloc(0));
    });

    it('accepts the client token of the right password and refuses others', () => {
      const scramble = randomScramble();
      const stored = nativePasswordHash('s3cret pässword');
      expect(verifyNativePassword(stored, scramble, nativeToken('s3cret pässword', scramble))).toBe(true);
      expect(verifyNativePassword(stored, scramble, nativeToken('s3cret password', scramble))).toBe(false);
      expect(verifyNativePassword(stored, randomScramble(), nativeToken('s3cret pässword', scramble))).toBe(false);
      expect(verifyNativePassword(stored, scramble, Buffer.alloc(0))).toBe(false);
      expect(verifyNativePassword(stored, scramble, Buffer.alloc(19))).toBe(false);
    });

    it('treats an empty token as the empty password', () => {
      const scramble = randomScramble();
      expect(verifyNativePassword(nativePasswordHash(''), scramble, Buffer.alloc(0))).toBe(true);
      expect(verifyNativePassword(nativePasswordHash(''), scramble, nativeToken('x', scramble))).toBe(false);
    });

    it('verifies caching_sha2_password fast auth', () => {
      const nonce = randomScramble();
      const stored = cachingSha2Hash('hunter2');
      expect(stored).toEqual(hash('sha256', hash('sha256', Buffer.from('hunter2'))));
      expect(verifyCachingSha2Fast(stored, nonce, sha2Token('hunter2', nonce))).toBe(true);
      expect(verifyCachingSha2Fast(stored, nonce, sha2Token('hunter3', nonce))).toBe(false);
      expect(verifyCachingSha2Fast(stored, randomScramble(), sha2Token('hunter2', nonce))).toBe(false);
      expect(verifyCachingSha2Fast(stored, nonce, Buffer.alloc(0))).toBe(false);
      expect(verifyCachingSha2Fast(cachingSha2Hash(''), nonce, hex('00'))).toBe(true);
      expect(verifyCachingSha2Fast(cachingSha2Hash(''), nonce, sha2Token('x', nonce))).toBe(false);
    });

    it('encodes AuthSwitchRequest and AuthMoreData', () => {
      const nonce = Buffer.from('abcdefghijklmnopqrst');
      expect(encodeAuthSwitchRequest('caching_sha2_password', nonce)).toEqual(
        Buffer.concat([hex('fe'), Buffer.from('caching_sha2_password\0'), nonce, hex('00')]),
      );
      expect(encodeAuthMoreData(0x03)).toEqual(hex('01 03'));
      expect(encodeAuthMoreData(hex('0405'))).toEqual(hex('01 04 05'));
    });
  });
});
