/**
 * MySQL's LIKE patterns as `replicate-wild-do-table` and `replicate-wild-ignore-table` use them
 * (the server's `my_wildcmp` with `\` as escape, `_` as one character, `%` as any run):
 *
 * - `%` matches any run of characters, the empty one and `.` included;
 * - `_` matches exactly one character;
 * - `\` makes the next character literal (`\_`, `\%`, `\\`); a `\` at the very end is a literal
 *   backslash, as in MySQL;
 * - everything else matches itself, case-sensitively (names are case-sensitive on Linux, where
 *   `lower_case_table_names` is 0).
 */
export class LikePattern {
  private readonly regex: RegExp;

  constructor(readonly pattern: string) {
    this.regex = new RegExp(`^${likeToRegexSource(pattern)}$`, 'su');
  }

  matches(text: string): boolean {
    return this.regex.test(text);
  }
}

function likeToRegexSource(pattern: string): string {
  let source = '';
  // Code points, not UTF-16 units: `_` is one character even outside the BMP.
  const characters = [...pattern];
  for (let index = 0; index < characters.length; index++) {
    const character = characters[index];
    if (character === '\\' && index + 1 < characters.length) {
      index++;
      source += escapeRegex(characters[index]);
    } else if (character === '%') {
      source += '.*';
    } else if (character === '_') {
      source += '.';
    } else {
      source += escapeRegex(character);
    }
  }
  return source;
}

function escapeRegex(character: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(character) ? `\\${character}` : character;
}
