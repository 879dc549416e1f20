import { type SqlTextOptions, tokenize } from './lexer';

/** One `@@name`, `@@global.name` or `@@session.name` (`@@local.name`) in a statement's text. */
export interface SystemVariableRef {
  /** The variable's name, lower case, without its scope. */
  readonly name: string;
  /** Where the reference starts (its `@@`) and ends in the text. */
  readonly start: number;
  readonly end: number;
  /** A whole select item with no alias (`SELECT @@server_id, …`): its column is named by the text. */
  readonly item: boolean;
}

const SCOPES = new Set(['GLOBAL', 'SESSION', 'LOCAL']);
/** Words that end a select item when they follow it. */
const ITEM_ENDS = new Set(['FROM', 'LIMIT', 'UNION', 'EXCEPT', 'INTERSECT', 'INTO', 'WHERE', 'ORDER', 'GROUP', 'HAVING', 'FOR', 'LOCK', 'WINDOW']);

/**
 * The system variables a statement reads, for a front door that answers some of them itself
 * (kbinlog's server_id, server_uuid, gtid_executed…). Strings, quoted names and comments are
 * skipped by the lexer, so `'@@server_id'` is no reference. A text the lexer refuses has none.
 */
export function systemVariableRefs(sql: string, options: SqlTextOptions = {}): SystemVariableRef[] {
  const { tokens, error } = tokenize(sql, options);
  if (error) return [];
  const refs: SystemVariableRef[] = [];
  // Per parenthesis depth: whether the tokens there are a SELECT's list of items (SELECT … FROM).
  const inSelectList: boolean[] = [false];
  let depth = 0;
  for (let k = 0; k < tokens.length; k++) {
    if (tokens.isPunct(k, '(')) inSelectList[++depth] = false;
    else if (tokens.isPunct(k, ')')) depth = Math.max(0, depth - 1);
    else if (tokens.upper(k) === 'SELECT') inSelectList[depth] = true;
    else if (ITEM_ENDS.has(tokens.upper(k))) inSelectList[depth] = false;
    if (tokens.type(k) !== 'sysvar') continue;
    let name = k + 1;
    if (name + 1 < tokens.length && SCOPES.has(tokens.upper(name)) && tokens.isPunct(name + 1, '.')) name += 2;
    if (name >= tokens.length || tokens.type(name) !== 'word') continue;
    const before = k - 1;
    const after = name + 1;
    const startsItem = inSelectList[depth] && before >= 0 && (tokens.upper(before) === 'SELECT' || tokens.isPunct(before, ','));
    const endsItem = after >= tokens.length || tokens.isPunct(after, ',') || tokens.isPunct(after, ';') || tokens.isPunct(after, ')') || ITEM_ENDS.has(tokens.upper(after));
    refs.push({ name: tokens.text(name).toLowerCase(), start: tokens.start(k), end: tokens.end(name), item: startsItem && endsItem });
    k = name;
  }
  return refs;
}
