/**
 * SQL identifiers read from `innodb_memcache.containers` (schema, table, column and index names)
 * are interpolated into SQL by the storage module, because placeholders cannot stand for
 * identifiers. They are data written by whoever can write that table, so they are treated as
 * hostile: only a safe alphabet passes, and quoting happens in one place.
 *
 * The alphabet is ASCII letters, digits and `_`, 1 to 64 characters (MySQL's identifier length
 * limit). MySQL allows far more (`$`, non-ASCII, anything inside backticks); we refuse it rather
 * than escape it, so a name that reaches SQL never needs escaping.
 */

export const IDENTIFIER_MAX_LENGTH = 64;

const SAFE_IDENTIFIER = /^[A-Za-z0-9_]{1,64}$/;

export function isSafeIdentifier(name: unknown): name is string {
  return typeof name === 'string' && SAFE_IDENTIFIER.test(name);
}

/** Shows untrusted text in a message: JSON-quoted (control characters escaped) and cut short. */
export function describeUntrusted(text: unknown, max = 80): string {
  if (typeof text !== 'string') {
    return text === null ? 'NULL' : text === undefined ? 'nothing' : `a ${typeof text}`;
  }
  const shown = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(shown);
}

/** Why `name` is not a safe identifier, or undefined when it is. */
export function unsafeIdentifierReason(name: unknown): string | undefined {
  if (typeof name !== 'string') {
    return `must be text, got ${describeUntrusted(name)}`;
  }
  if (name.length === 0) {
    return 'is empty';
  }
  if (name.length > IDENTIFIER_MAX_LENGTH) {
    return `${describeUntrusted(name)} is longer than ${IDENTIFIER_MAX_LENGTH} characters`;
  }
  if (!SAFE_IDENTIFIER.test(name)) {
    return `${describeUntrusted(name)} may only contain ASCII letters, digits and '_'`;
  }
  return undefined;
}

export class UnsafeIdentifierError extends RangeError {
  constructor(
    readonly what: string,
    reason: string,
  ) {
    super(`unsafe SQL identifier for ${what}: ${reason}`);
    this.name = 'UnsafeIdentifierError';
  }
}

export function assertSafeIdentifier(name: unknown, what = 'identifier'): asserts name is string {
  const reason = unsafeIdentifierReason(name);
  if (reason !== undefined) {
    throw new UnsafeIdentifierError(what, reason);
  }
}

/** `name` in backticks, after checking it: the only way this library lets a name into SQL. */
export function quoteIdentifier(name: string, what = 'identifier'): string {
  assertSafeIdentifier(name, what);
  return `\`${name}\``;
}

/** `` `schema`.`table` `` */
export function quoteQualifiedName(schema: string, table: string): string {
  return `${quoteIdentifier(schema, 'schema')}.${quoteIdentifier(table, 'table')}`;
}
