/**
 * A lexer for MariaDB's SQL text, as far as classifying a statement needs: words (keywords and
 * unquoted identifiers), quoted identifiers, strings, variables and punctuation. It follows
 * MariaDB's own lexer (sql/sql_lex.cc) where a difference could change what a statement is:
 * comments, executable comments, quoting, and the bytes that end a comment or a query.
 *
 * One pass, no recursion, no regular expressions over the whole text: linear in the input.
 */

/** How the server reads the text; the session's sql_mode and the server's version. */
export interface SqlTextOptions {
  /**
   * The server's version as MariaDB's MYSQL_VERSION_ID (10.11.19 → 101119; see
   * `parseServerVersion`). It decides which versioned comments (`/*!50100 … *\/`) run. Without
   * it, a versioned comment whose fate depends on the version is refused.
   */
  readonly serverVersion?: number;
  /** sql_mode has NO_BACKSLASH_ESCAPES: a backslash in a string is an ordinary character. */
  readonly noBackslashEscapes?: boolean;
  /** sql_mode has ANSI_QUOTES: "…" is an identifier, not a string. */
  readonly ansiQuotes?: boolean;
}

/**
 * The oldest server kbinlog runs on (MariaDB 10.11). Without `serverVersion`, versioned comments
 * up to this version are known to run and MySQL 5.7-only ones (50700–99999) never to run.
 */
export const MIN_SERVER_VERSION = 101100;

export type TokenType =
  /** Keyword, unquoted identifier or number (MariaDB identifiers may start with a digit). */
  | 'word'
  /** `back``tick` identifier, or "…" under ANSI_QUOTES. */
  | 'quoted'
  /** '…' string, or "…" without ANSI_QUOTES. */
  | 'string'
  /** A user variable: @name, @'name', @"name", @`name` (also the @host of user@host). */
  | 'uservar'
  /** The `@@` that starts a system variable. */
  | 'sysvar'
  /** Anything else, one character; `:=` is one token. */
  | 'punct';

export interface Token {
  readonly type: TokenType;
  /** Offset of the first character in the text. */
  readonly start: number;
  /** Offset after the last character. */
  readonly end: number;
  /** The token as written. */
  readonly text: string;
  /** Words only: the text with ASCII letters in upper case, for keyword comparison; '' otherwise. */
  readonly upper: string;
}

const TYPES: readonly TokenType[] = ['word', 'quoted', 'string', 'uservar', 'sysvar', 'punct'];
const WORD = 0;
const QUOTED = 1;
const STRING = 2;
const USERVAR = 3;
const SYSVAR = 4;
const PUNCT = 5;

/**
 * The tokens of a text, stored as offsets in typed arrays: no object or string per token, so a
 * megabyte of SQL costs a few arrays. Read them by index; `token(k)` builds an object view.
 */
export class TokenList {
  length = 0;
  private types = new Uint8Array(64);
  private starts = new Int32Array(64);
  private ends = new Int32Array(64);

  constructor(readonly sql: string) {}

  push(type: number, start: number, end: number): void {
    if (this.length === this.types.length) {
      const grow = <T extends Uint8Array | Int32Array>(from: T, to: T): T => {
        to.set(from);
        return to;
      };
      const size = this.length * 2;
      this.types = grow(this.types, new Uint8Array(size));
      this.starts = grow(this.starts, new Int32Array(size));
      this.ends = grow(this.ends, new Int32Array(size));
    }
    this.types[this.length] = type;
    this.starts[this.length] = start;
    this.ends[this.length] = end;
    this.length++;
  }

  type(k: number): TokenType {
    return TYPES[this.types[k]];
  }

  start(k: number): number {
    return this.starts[k];
  }

  end(k: number): number {
    return this.ends[k];
  }

  text(k: number): string {
    return this.sql.slice(this.starts[k], this.ends[k]);
  }

  /** Whether token k is the word `keyword` (given in upper case), ASCII letters folded. */
  isWord(k: number, keyword: string): boolean {
    if (this.types[k] !== WORD) return false;
    const start = this.starts[k];
    if (this.ends[k] - start !== keyword.length) return false;
    for (let i = 0; i < keyword.length; i++) {
      let c = this.sql.charCodeAt(start + i);
      if (c >= 0x61 && c <= 0x7a) c -= 0x20;
      if (c !== keyword.charCodeAt(i)) return false;
    }
    return true;
  }

  /** Token k in upper case (ASCII letters only, as MariaDB matches keywords) if a word; else ''. */
  upper(k: number): string {
    if (this.types[k] !== WORD) return '';
    return asciiUpper(this.text(k));
  }

  isPunct(k: number, text: string): boolean {
    const start = this.starts[k];
    return this.types[k] === PUNCT && this.ends[k] - start === text.length && this.sql.startsWith(text, start);
  }

  /** A token that can name a table, column, schema or alias ("…" too: under ANSI_QUOTES it is one). */
  isName(k: number): boolean {
    const type = this.types[k];
    return type === WORD || type === QUOTED || (type === STRING && this.sql.charCodeAt(this.starts[k]) === DOUBLE_QUOTE);
  }

  token(k: number): Token {
    return { type: this.type(k), start: this.starts[k], end: this.ends[k], text: this.text(k), upper: this.upper(k) };
  }

  toArray(): Token[] {
    return Array.from({ length: this.length }, (_, k) => this.token(k));
  }
}

export type LexErrorKind =
  /** Unterminated string, identifier or comment, or a character the server rejects (NUL). */
  | 'syntax'
  /** A versioned comment whose fate depends on a server version we were not given. */
  | 'version';

export interface LexError {
  readonly kind: LexErrorKind;
  /** Offset in the text where the server would report the error ("near …"). */
  readonly at: number;
  /** `version` errors: the comment's version number. */
  readonly version?: number;
}

export interface LexResult {
  /** The tokens before the error, or all of them. */
  readonly tokens: TokenList;
  readonly error?: LexError;
}

/** Upper-cases ASCII letters only: toUpperCase would also map ſ to S and ı to I, and MariaDB's keywords are ASCII. */
function asciiUpper(text: string): string {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) return text.replace(/[a-z]+/g, (letters) => letters.toUpperCase());
  }
  return text.toUpperCase();
}

const BACKSLASH = 0x5c;
const SINGLE_QUOTE = 0x27;
const DOUBLE_QUOTE = 0x22;
const BACKTICK = 0x60;
const STAR = 0x2a;
const SLASH = 0x2f;
const DASH = 0x2d;
const HASH = 0x23;
const AT = 0x40;
const BANG = 0x21;
const NEWLINE = 0x0a;

/** MariaDB's my_isspace: space, \t, \n, \v, \f, \r. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** Characters of an unquoted identifier: [0-9A-Za-z_$] and everything beyond ASCII. */
export function isIdentChar(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x24 || c >= 0x80
  );
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * Scans a quoted token starting at `start` (the opening quote). Returns the offset after the
 * closing quote, or -1 if the text ends first.
 */
function scanQuoted(sql: string, start: number, quote: number, backslashEscapes: boolean, nulEnds: boolean): number {
  const n = sql.length;
  let i = start + 1;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (c === BACKSLASH && backslashEscapes) {
      i += 2;
    } else if (c === quote) {
      if (i + 1 < n && sql.charCodeAt(i + 1) === quote) i += 2;
      else return i + 1;
    } else if (c === 0 && nulEnds) {
      return -1;
    } else {
      i++;
    }
  }
  return -1;
}

/**
 * MariaDB's consume_comment: skips to the `*\/` ending a comment whose body starts at `from`;
 * `nesting` levels of inner `/* … *\/` are allowed (1 inside a skipped versioned comment, else 0).
 * Returns the offset after the comment, or -1 if unterminated.
 */
function consumeComment(sql: string, from: number, nesting: 0 | 1): number {
  if (nesting === 0) {
    const end = sql.indexOf('*/', from);
    return end < 0 ? -1 : end + 2;
  }
  const n = sql.length;
  let i = from;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (c === SLASH && i + 1 < n && sql.charCodeAt(i + 1) === STAR) {
      const inner = consumeComment(sql, i + 2, 0);
      if (inner < 0) return -1;
      i = inner;
    } else if (c === STAR && i + 1 < n && sql.charCodeAt(i + 1) === SLASH) {
      return i + 2;
    } else {
      i++;
    }
  }
  return -1;
}

/** Whether a versioned comment runs; undefined when that depends on an unknown server version. */
function versionedCommentRuns(version: number, mariadbOnly: boolean, serverVersion: number | undefined): boolean | undefined {
  // MariaDB ignores MySQL 5.7+ comments (50700–99999) unless they are /*M! … */.
  if (!mariadbOnly && version >= 50700 && version <= 99999) return false;
  if (serverVersion !== undefined) return version <= serverVersion;
  if (version <= MIN_SERVER_VERSION) return true;
  return undefined;
}

/** Splits SQL text into tokens, skipping whitespace and comments and opening executable comments. */
export function tokenize(sql: string, options: SqlTextOptions = {}): LexResult {
  const tokens = new TokenList(sql);
  const n = sql.length;
  const backslashEscapes = !options.noBackslashEscapes;
  /** Inside an executable comment whose text runs: its `*\/` is skipped. */
  let inExecutable = false;
  let i = 0;
  const fail = (at: number, kind: LexErrorKind = 'syntax', version?: number): LexResult => ({
    tokens,
    error: version === undefined ? { kind, at } : { kind, at, version },
  });

  while (i < n) {
    const c = sql.charCodeAt(i);
    const next = i + 1 < n ? sql.charCodeAt(i + 1) : -1;

    if (isSpace(c)) {
      i++;
      continue;
    }
    // MariaDB reads a NUL outside strings and block comments as a character no rule accepts.
    if (c === 0) return fail(i);

    // `#` and `-- ` comments end at a newline; a NUL also ends them (and is then an error).
    if (c === HASH || (c === DASH && next === DASH && (i + 2 >= n || sql.charCodeAt(i + 2) <= 0x20 || sql.charCodeAt(i + 2) === 0x7f))) {
      let j = i + 1;
      while (j < n) {
        const d = sql.charCodeAt(j);
        if (d === NEWLINE) break;
        if (d === 0) return fail(j);
        j++;
      }
      i = j;
      continue;
    }

    if (c === SLASH && next === STAR) {
      const third = i + 2 < n ? sql.charCodeAt(i + 2) : -1;
      const mariadbOnly = third === 0x4d /* M */ && i + 3 < n && sql.charCodeAt(i + 3) === BANG;
      if (third === BANG || mariadbOnly) {
        const body = i + (mariadbOnly ? 4 : 3);
        let digits = 0;
        while (digits < 6 && body + digits < n && isDigit(sql.charCodeAt(body + digits))) digits++;
        if (digits >= 5) {
          const version = Number(sql.slice(body, body + digits));
          const runs = versionedCommentRuns(version, mariadbOnly, options.serverVersion);
          if (runs === undefined) return fail(i, 'version', version);
          if (runs) {
            inExecutable = true;
            i = body + digits;
          } else {
            const end = consumeComment(sql, body + digits, 1);
            if (end < 0) return fail(i);
            i = end;
          }
        } else {
          // Not a versioned comment: its text always runs (digits, if any, are part of it).
          inExecutable = true;
          i = body;
        }
        continue;
      }
      const end = consumeComment(sql, i + 2, 0);
      if (end < 0) return fail(i);
      i = end;
      continue;
    }

    if (c === STAR && next === SLASH && inExecutable) {
      inExecutable = false;
      i += 2;
      continue;
    }

    if (c === SINGLE_QUOTE || (c === DOUBLE_QUOTE && !options.ansiQuotes)) {
      const end = scanQuoted(sql, i, c, backslashEscapes, false);
      if (end < 0) return fail(i);
      tokens.push(STRING, i, end);
      i = end;
      continue;
    }

    if (c === BACKTICK || c === DOUBLE_QUOTE) {
      // MariaDB's scan_ident_delimited stops at a NUL.
      const end = scanQuoted(sql, i, c, false, true);
      if (end < 0) return fail(i);
      tokens.push(QUOTED, i, end);
      i = end;
      continue;
    }

    if (c === AT) {
      if (next === AT) {
        tokens.push(SYSVAR, i, i + 2);
        i += 2;
        continue;
      }
      if (next === SINGLE_QUOTE || next === DOUBLE_QUOTE || next === BACKTICK) {
        const end = scanQuoted(sql, i + 1, next, next !== BACKTICK && backslashEscapes, next === BACKTICK);
        if (end < 0) return fail(i + 1);
        tokens.push(USERVAR, i, end);
        i = end;
        continue;
      }
      let j = i + 1;
      while (j < n && (isIdentChar(sql.charCodeAt(j)) || sql.charCodeAt(j) === 0x2e)) j++;
      tokens.push(j > i + 1 ? USERVAR : PUNCT, i, j);
      i = j;
      continue;
    }

    if (isIdentChar(c)) {
      let j = i + 1;
      while (j < n && isIdentChar(sql.charCodeAt(j))) j++;
      tokens.push(WORD, i, j);
      i = j;
      continue;
    }

    if (c === 0x3a /* : */ && next === 0x3d /* = */) {
      tokens.push(PUNCT, i, i + 2);
      i += 2;
      continue;
    }

    tokens.push(PUNCT, i, i + 1);
    i++;
  }

  // An executable comment left open is a syntax error, reported at the end of the text.
  if (inExecutable) return fail(n);
  return { tokens };
}

/** MariaDB's backslash escapes; \% and \_ keep their backslash (they are LIKE patterns). */
const ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  b: '\b',
  n: '\n',
  r: '\r',
  t: '\t',
  Z: '\x1a',
  '%': '\\%',
  _: '\\_',
};

/**
 * The value of a quoted identifier or string token, without its quotes (doubled quotes undone;
 * backslash escapes in strings undone unless NO_BACKSLASH_ESCAPES). Words are returned as written.
 */
export function unquote(tok: Pick<Token, 'type' | 'text'>, options: SqlTextOptions = {}): string {
  if (tok.type === 'word') return tok.text;
  let text = tok.text;
  if (tok.type === 'uservar') text = text.slice(1);
  const quote = text.charCodeAt(0);
  if (quote !== SINGLE_QUOTE && quote !== DOUBLE_QUOTE && quote !== BACKTICK) return text;
  const body = text.slice(1, -1);
  const q = text[0];
  const backslash = quote !== BACKTICK && tok.type !== 'quoted' && !options.noBackslashEscapes;
  if (!backslash) return body.split(q + q).join(q);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === '\\' && i + 1 < body.length) {
      const e = body[++i];
      out += ESCAPES[e] ?? e;
    } else if (ch === q && body[i + 1] === q) {
      out += q;
      i++;
    } else {
      out += ch;
    }
  }
  return out;
}

/**
 * MariaDB's MYSQL_VERSION_ID from a version string: '10.11.19-MariaDB-0+deb12u1' → 101119,
 * '5.5.5-11.4.2-MariaDB' (the handshake's form) → 110402. Undefined if it has no version.
 */
export function parseServerVersion(version: string): number | undefined {
  const match = /^(?:5\.5\.5-)?(\d{1,2})\.(\d{1,2})\.(\d{1,2})/.exec(version);
  if (!match) return undefined;
  return Number(match[1]) * 10000 + Number(match[2]) * 100 + Number(match[3]);
}
