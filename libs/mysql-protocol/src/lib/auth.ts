import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { SCRAMBLE_LENGTH } from './handshake';
import { PayloadWriter } from './wire';

const sha1 = (...parts: Buffer[]) => parts.reduce((hash, part) => hash.update(part), createHash('sha1')).digest();
const sha256 = (...parts: Buffer[]) => parts.reduce((hash, part) => hash.update(part), createHash('sha256')).digest();
const bytesOf = (password: string | Buffer) => (typeof password === 'string' ? Buffer.from(password, 'utf8') : password);

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] as number) ^ (b[i] as number);
  return out;
}

const DOLLAR = 0x24;

/** 20 random bytes in 1..127 without '$': NUL would end part 2 early, '$' is reserved by caching_sha2. */
export function randomScramble(): Buffer {
  const out = Buffer.alloc(SCRAMBLE_LENGTH);
  let filled = 0;
  while (filled < SCRAMBLE_LENGTH) {
    for (const byte of randomBytes(SCRAMBLE_LENGTH * 2)) {
      const candidate = byte & 0x7f;
      if (candidate === 0 || candidate === DOLLAR) continue;
      out[filled++] = candidate;
      if (filled === SCRAMBLE_LENGTH) break;
    }
  }
  return out;
}

/** What to store for mysql_native_password: SHA1(SHA1(pw)), or empty for the empty password (as MySQL does). */
export function nativePasswordHash(password: string | Buffer): Buffer {
  const bytes = bytesOf(password);
  return bytes.length === 0 ? Buffer.alloc(0) : sha1(sha1(bytes));
}

/** Checks a mysql_native_password token: SHA1(token XOR SHA1(scramble + stored)) must equal stored. */
export function verifyNativePassword(stored: Buffer, scramble: Buffer, token: Buffer): boolean {
  if (token.length === 0 || stored.length === 0) return token.length === 0 && stored.length === 0;
  if (token.length !== 20 || stored.length !== 20) return false;
  const candidate = xor(token, sha1(scramble, stored));
  return timingSafeEqual(sha1(candidate), stored);
}

/** What to store for caching_sha2 fast auth: SHA256(SHA256(pw)), or empty for the empty password. */
export function cachingSha2Hash(password: string | Buffer): Buffer {
  const bytes = bytesOf(password);
  return bytes.length === 0 ? Buffer.alloc(0) : sha256(sha256(bytes));
}

/**
 * Checks a caching_sha2_password fast-auth token XOR(SHA256(pw), SHA256(stored + nonce)): undoing the
 * XOR gives SHA256(pw), whose hash must be stored. The empty password arrives as no bytes or one NUL.
 */
export function verifyCachingSha2Fast(stored: Buffer, nonce: Buffer, token: Buffer): boolean {
  const emptyToken = token.length === 0 || (token.length === 1 && token[0] === 0);
  if (emptyToken || stored.length === 0) return emptyToken && stored.length === 0;
  if (token.length !== 32 || stored.length !== 32) return false;
  const candidate = xor(token, sha256(stored, nonce));
  return timingSafeEqual(sha256(candidate), stored);
}

/** Asks the client to authenticate with another plugin: 0xFE, plugin name, nonce, NUL. */
export function encodeAuthSwitchRequest(plugin: string, nonce: Buffer): Buffer {
  return new PayloadWriter().u8(0xfe).nulString(plugin).bytes(nonce).u8(0).toBuffer();
}

/** caching_sha2 status bytes sent in AuthMoreData. */
export const CachingSha2Status = {
  FAST_AUTH_SUCCESS: 0x03,
  PERFORM_FULL_AUTHENTICATION: 0x04,
} as const;

/** Extra authentication data: 0x01 then the bytes (fast-auth success is 01 03). */
export function encodeAuthMoreData(bytes: Buffer | number): Buffer {
  const data = typeof bytes === 'number' ? Buffer.from([bytes]) : bytes;
  return new PayloadWriter().u8(0x01).bytes(data).toBuffer();
}
