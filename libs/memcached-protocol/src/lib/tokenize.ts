const SPACE = 0x20;

/**
 * Splits a command line (without its line end) on spaces, as memcached's tokenize_command does:
 * runs of spaces count as one, leading and trailing spaces are ignored, and only the space
 * separates (a tab stays inside its token). Tokens are views into `line`.
 */
export function tokenize(line: Buffer): Buffer[] {
  const tokens: Buffer[] = [];
  let start = -1;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === SPACE) {
      if (start !== -1) tokens.push(line.subarray(start, i));
      start = -1;
    } else if (start === -1) {
      start = i;
    }
  }
  if (start !== -1) tokens.push(line.subarray(start));
  return tokens;
}
