import { type SqlTextOptions, type TokenList, unquote } from './lexer';
import type { TableRef } from './types';

/** Thrown inside the classifier: MariaDB would report a syntax error at this offset. */
export class SyntaxAt {
  constructor(readonly at: number) {}
}

/** A small set of keywords, matched without allocating a string per token. */
export class Keywords {
  private readonly words: ReadonlySet<string>;
  private readonly min: number;
  private readonly max: number;

  constructor(words: readonly string[]) {
    this.words = new Set(words);
    this.min = Math.min(...words.map((word) => word.length));
    this.max = Math.max(...words.map((word) => word.length));
  }

  /** Whether token k is one of the words. */
  at(tokens: TokenList, k: number): boolean {
    if (tokens.type(k) !== 'word') return false;
    const length = tokens.end(k) - tokens.start(k);
    return length >= this.min && length <= this.max && this.words.has(tokens.upper(k));
  }
}

export const QUERY_START = new Keywords(['SELECT', 'WITH', 'VALUES', 'TABLE']);

export class Cursor {
  i = 0;

  constructor(
    readonly sql: string,
    readonly tokens: TokenList,
    /** Tokens from here on are not part of the statement (a final `;` and what follows). */
    readonly end: number,
    readonly options: SqlTextOptions,
  ) {}

  atEnd(): boolean {
    return this.i >= this.end;
  }

  has(ahead = 0): boolean {
    return this.i + ahead < this.end;
  }

  /** The word `ahead` tokens on, upper case; '' if that token is not a word (or past the end). */
  word(ahead = 0): string {
    return this.has(ahead) ? this.tokens.upper(this.i + ahead) : '';
  }

  isWord(...words: string[]): boolean {
    if (!this.has()) return false;
    for (const word of words) if (this.tokens.isWord(this.i, word)) return true;
    return false;
  }

  punct(text: string, ahead = 0): boolean {
    return this.has(ahead) && this.tokens.isPunct(this.i + ahead, text);
  }

  isName(ahead = 0): boolean {
    return this.has(ahead) && this.tokens.isName(this.i + ahead);
  }

  /** Consumes the word if it is next. */
  accept(...words: string[]): boolean {
    if (!this.isWord(...words)) return false;
    this.i++;
    return true;
  }

  acceptPunct(text: string): boolean {
    if (!this.punct(text)) return false;
    this.i++;
    return true;
  }

  expect(word: string): void {
    if (!this.accept(word)) this.fail();
  }

  expectEnd(): void {
    if (!this.atEnd()) this.fail();
  }

  /** A syntax error at the next token (or the end of the text). */
  fail(): never {
    throw new SyntaxAt(this.has() ? this.tokens.start(this.i) : this.tokens.end(this.end - 1));
  }

  /** The value of token k (an identifier or string), quotes removed. */
  value(k: number): string {
    return unquote({ type: this.tokens.type(k), text: this.tokens.text(k) }, this.options);
  }

  /** Consumes one identifier and returns its value. */
  name(): string {
    if (!this.isName()) this.fail();
    return this.value(this.i++);
  }

  /** `name` or `schema.name`. */
  tableName(): TableRef {
    const first = this.name();
    if (!this.punct('.')) return { table: first };
    this.i++;
    return { schema: first, table: this.name() };
  }

  /** Skips a parenthesized group starting at the next token (a `(`), iteratively. */
  skipParens(): void {
    let depth = 0;
    do {
      if (!this.has()) this.fail();
      if (this.punct('(')) depth++;
      else if (this.punct(')')) depth--;
      this.i++;
    } while (depth > 0);
  }

  /** Up to `count` leading words from token `from`, upper case, for messages. */
  keywords(from: number, count = 2): string {
    const words: string[] = [];
    for (let k = from; k < this.end && words.length < count && this.tokens.type(k) === 'word'; k++) words.push(this.tokens.upper(k));
    return words.join(' ');
  }

  /** The statement text between two token indexes, for messages. */
  text(from: number, to: number): string {
    if (from >= to) return '';
    return this.sql.slice(this.tokens.start(from), this.tokens.end(to - 1));
  }
}
