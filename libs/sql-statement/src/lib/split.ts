import { type SqlTextOptions, tokenize } from './lexer';

/** MariaDB's whitespace (my_isspace); other characters, U+00A0 included, belong to the text. */
function trimSql(text: string): string {
  const isSpace = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d);
  let start = 0;
  let end = text.length;
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

/**
 * Splits a multi-statement text (CLIENT_MULTI_STATEMENTS) on the `;` outside strings, quoted
 * identifiers and comments. Each statement is trimmed of whitespace and keeps its comments;
 * statements with nothing but whitespace and comments are dropped. From a lexical error on (an
 * unterminated string or comment), the rest of the text is one last statement, which
 * `classifyStatement` then refuses.
 *
 * Run each statement as its own query, in order, and stop at the first refused or failed one:
 * never hand the original text to the server, whose own splitting could differ (compound
 * statements, for one, contain `;`).
 */
export function splitStatements(sql: string, options: SqlTextOptions = {}): string[] {
  const { tokens, error } = tokenize(sql, options);
  const statements: string[] = [];
  let from = 0;
  let hasTokens = false;
  for (let k = 0; k < tokens.length; k++) {
    if (tokens.isPunct(k, ';')) {
      if (hasTokens) statements.push(trimSql(sql.slice(from, tokens.start(k))));
      from = tokens.end(k);
      hasTokens = false;
    } else {
      hasTokens = true;
    }
  }
  if (hasTokens || error) {
    const rest = trimSql(sql.slice(from));
    if (rest !== '') statements.push(rest);
  }
  return statements;
}
