import { KEY_MAX_LENGTH } from './limits';

/**
 * Keys. memcached checks only the length and takes any other bytes; we also refuse control
 * characters and bytes that are not UTF-8, because our keys end up in SQL VARCHAR columns (a
 * lossy decode would merge distinct keys). Both refusals give memcached's bad-key reply.
 *
 * Space cannot occur (it separates tokens). Refused: C0 controls (which include tab, CR, LF and
 * NUL), DEL, and C1 controls (U+0080..U+009F). Other Unicode, non-ASCII spaces included, is a
 * valid key: memcached's "no whitespace" means the ASCII separators.
 */

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN = /[\u0000-\u0020\u007f-\u009f]/;

/** The key a token names, or undefined when memcached (or our stricter rule) refuses it. */
export function decodeKey(token: Buffer): string | undefined {
  if (token.length === 0 || token.length > KEY_MAX_LENGTH) return undefined;
  let key: string;
  try {
    key = UTF8.decode(token);
  } catch {
    return undefined;
  }
  return FORBIDDEN.test(key) ? undefined : key;
}

/** Whether a server may send `key` back in a reply line (same rules as decodeKey). */
export function isValidKey(key: string): boolean {
  if (key.length === 0 || FORBIDDEN.test(key)) return false;
  const bytes = Buffer.from(key, 'utf8');
  return bytes.length <= KEY_MAX_LENGTH && decodeKey(bytes) === key;
}
