import { type SqlTextOptions, type TokenList, tokenize } from './lexer';
import { Cursor, Keywords, QUERY_START, SyntaxAt } from './cursor';
import { refuse } from './refusals';
import { binlogEvents, changeSource, executedGtidSetWait, positionWait, startReplica, stopReplica } from './replication-statements';
import type {
  Classified,
  DdlStatement,
  DdlVerb,
  DmlStatement,
  DmlVerb,
  ReadStatement,
  ReadVerb,
  RefusedStatement,
  ReplicationStatement,
  TableRef,
} from './types';

/**
 * Classifies one statement of a COM_QUERY: read, DML, DDL, transaction control, session
 * statement, or refused (with the ERR packet's errno, SQLSTATE and message).
 *
 * This is not a parser: MariaDB parses and runs the statement. It reads as much of the statement
 * as deciding needs, in one pass over its tokens (linear in the text, no recursion over nesting).
 * Text after a `;` is a syntax error, as on a connection without CLIENT_MULTI_STATEMENTS; split
 * a multi-statement text with `splitStatements` first.
 */
export function classifyStatement(sql: string, options: SqlTextOptions = {}): Classified {
  const { tokens, error } = tokenize(sql, options);
  if (error) {
    return error.kind === 'version' ? refuse('versioned-comment', { version: error.version ?? '' }) : parseError(sql, error.at);
  }
  const end = firstSemicolon(tokens);
  if (end === 0) {
    if (tokens.length > 0) return parseError(sql, tokens.start(0)); // `;` with no statement before it
    // MariaDB answers OK to a query of comments only, and ER_EMPTY_QUERY to nothing at all.
    return hasComment(sql) ? { kind: 'read', verb: 'comment', locking: false } : refuse('empty-query');
  }
  let result: Classified;
  try {
    result = statement(new Cursor(sql, tokens, end, options));
  } catch (caught) {
    if (caught instanceof SyntaxAt) return parseError(sql, caught.at);
    throw caught;
  }
  // More after the `;`: a second statement, which a single query cannot hold. A refusal of the
  // first part says more (CREATE TRIGGER … BEGIN …; END is refused as a stored program).
  if (end + 1 < tokens.length && result.kind !== 'refused') return parseError(sql, tokens.start(end + 1));
  return result;
}

function firstSemicolon(tokens: TokenList): number {
  for (let k = 0; k < tokens.length; k++) if (tokens.isPunct(k, ';')) return k;
  return tokens.length;
}

// ---------------------------------------------------------------------------------------------
// Results


/** ER_PARSE_ERROR as MariaDB words it: up to 80 characters from the error, and its line. */
function parseError(sql: string, at: number): RefusedStatement {
  let cut = Math.min(sql.length, at + 80);
  const last = sql.charCodeAt(cut - 1);
  if (cut > at && last >= 0xd800 && last <= 0xdbff) cut--; // do not split a surrogate pair
  let line = 1;
  for (let k = sql.indexOf('\n'); k >= 0 && k < at; k = sql.indexOf('\n', k + 1)) line++;
  return refuse('parse-error', { near: sql.slice(at, cut), line });
}

function hasComment(sql: string): boolean {
  return sql.includes('/*') || sql.includes('#') || sql.includes('--');
}

const read = (verb: ReadVerb, locking = false): ReadStatement => ({ kind: 'read', verb, locking });

/** SHOW forms kbinlog answers itself (the binlog's and the channel's status); any other SHOW is a read the database answers. */
const REPLICATION_SHOWS: readonly (readonly [readonly string[], ReplicationStatement])[] = [
  [['MASTER', 'STATUS'], { kind: 'replication', verb: 'show-binlog-status', names: 'master-slave' }],
  [['BINARY', 'LOG', 'STATUS'], { kind: 'replication', verb: 'show-binlog-status', names: 'source-replica' }],
  [['SLAVE', 'STATUS'], { kind: 'replication', verb: 'show-replica-status', names: 'master-slave' }],
  [['REPLICA', 'STATUS'], { kind: 'replication', verb: 'show-replica-status', names: 'source-replica' }],
  [['ALL', 'SLAVES', 'STATUS'], { kind: 'replication', verb: 'show-replica-status', names: 'all-slaves' }],
  [['ALL', 'REPLICAS', 'STATUS'], { kind: 'replication', verb: 'show-replica-status', names: 'all-slaves' }],
  [['BINARY', 'LOGS'], { kind: 'replication', verb: 'show-binary-logs', names: 'source-replica' }],
  [['MASTER', 'LOGS'], { kind: 'replication', verb: 'show-binary-logs', names: 'master-slave' }],
  [['REPLICAS'], { kind: 'replication', verb: 'show-replicas', names: 'source-replica' }],
  [['SLAVE', 'HOSTS'], { kind: 'replication', verb: 'show-replicas', names: 'master-slave' }],
];

function showStatement(c: Cursor): Classified {
  if (c.word(2) === 'EVENTS' && (c.word(1) === 'BINLOG' || c.word(1) === 'RELAYLOG')) return binlogEvents(c);
  for (const [words, statement] of REPLICATION_SHOWS) {
    if (!c.has(words.length + 1) && words.every((word, k) => c.word(k + 1) === word)) return statement;
  }
  return read('show');
}

// ---------------------------------------------------------------------------------------------
// Dispatch on the first keyword

function statement(c: Cursor): Classified {
  if (c.punct('(')) return parenthesizedQuery(c);
  const first = c.word();
  if (first === '') c.fail();
  // `label: LOOP …`, `label: BEGIN NOT ATOMIC …`
  if (c.punct(':', 1)) return refuse('compound-statement');
  const start = c.i;
  const unrecognized = (): RefusedStatement => refuse('unrecognized', { statement: c.keywords(start) });

  switch (first) {
    case 'SELECT':
      return positionWait(c) ?? executedGtidSetWait(c) ?? readQuery(c, 'select');
    case 'VALUES':
      return readQuery(c, 'values');
    case 'TABLE':
      return readQuery(c, 'table');
    case 'WITH':
      return withStatement(c);
    case 'SHOW':
      return showStatement(c);
    case 'DESCRIBE':
    case 'DESC':
    case 'EXPLAIN':
      if (c.word(1) === 'ANALYZE') return refuse('table-maintenance');
      return read(first === 'EXPLAIN' ? 'explain' : 'describe');
    case 'HELP':
      return read('help');
    case 'DO':
      return read('do');
    case 'CHECK':
      return ['TABLE', 'TABLES', 'VIEW'].includes(c.word(1)) ? read('check') : unrecognized();
    case 'CHECKSUM':
      return ['TABLE', 'TABLES'].includes(c.word(1)) ? read('checksum') : unrecognized();

    case 'INSERT':
    case 'REPLACE':
      return insertStatement(c);
    case 'UPDATE':
      return updateStatement(c);
    case 'DELETE':
      return deleteStatement(c);

    case 'CREATE':
      return createStatement(c);
    case 'ALTER':
      return alterStatement(c);
    case 'DROP':
      return dropStatement(c);
    case 'RENAME':
      return renameStatement(c);
    case 'TRUNCATE': {
      c.i++;
      c.accept('TABLE');
      return ddl('TRUNCATE TABLE', [c.tableName()]);
    }

    case 'BEGIN':
      c.i++;
      if (c.isWord('NOT')) return refuse('compound-statement');
      c.accept('WORK');
      c.expectEnd();
      return { kind: 'transaction', verb: 'begin' };
    case 'START':
      if (c.word(1) === 'TRANSACTION') return startTransaction(c);
      if (['SLAVE', 'REPLICA', 'ALL'].includes(c.word(1))) return startReplica(c);
      return c.word(1) === 'GROUP_REPLICATION' ? refuse('replication-control') : unrecognized();
    case 'COMMIT':
    case 'ROLLBACK':
      return commitOrRollback(c);
    case 'SAVEPOINT': {
      c.i++;
      const name = c.name();
      c.expectEnd();
      return { kind: 'transaction', verb: 'savepoint', name };
    }
    case 'RELEASE': {
      c.i++;
      c.expect('SAVEPOINT');
      const name = c.name();
      c.expectEnd();
      return { kind: 'transaction', verb: 'release', name };
    }
    case 'XA':
      return refuse('xa');

    case 'USE': {
      c.i++;
      const schema = c.name();
      c.expectEnd();
      return { kind: 'session', verb: 'use', schema };
    }
    case 'SET':
      return setStatement(c);
    case 'UNLOCK':
      return ['TABLE', 'TABLES'].includes(c.word(1)) ? { kind: 'session', verb: 'unlock-tables' } : unrecognized();
    case 'LOCK':
      return ['TABLE', 'TABLES'].includes(c.word(1)) ? refuse('lock-tables') : unrecognized();

    case 'LOAD':
      if (['DATA', 'XML'].includes(c.word(1))) return refuse('load-data');
      if (c.word(1) === 'INDEX') return refuse('server-admin', { statement: 'LOAD INDEX' });
      return unrecognized();
    case 'CALL':
      return refuse('call');
    case 'PREPARE':
    case 'EXECUTE':
    case 'DEALLOCATE':
      return refuse('sql-prepared-statement');
    case 'HANDLER':
      return refuse('handler');
    case 'IF':
    case 'CASE':
    case 'LOOP':
    case 'REPEAT':
    case 'WHILE':
      return refuse('compound-statement');
    case 'GRANT':
    case 'REVOKE':
      return refuse('account-management');
    case 'CHANGE':
      return ['MASTER', 'REPLICATION'].includes(c.word(1)) ? changeSource(c) : unrecognized();
    case 'STOP':
      if (['SLAVE', 'REPLICA', 'ALL'].includes(c.word(1))) return stopReplica(c);
      return c.word(1) === 'GROUP_REPLICATION' ? refuse('replication-control') : unrecognized();
    case 'RESET':
      if (['MASTER', 'SLAVE', 'REPLICA', 'BINARY'].includes(c.word(1))) return refuse('replication-control');
      return refuse('server-admin', { statement: c.keywords(start) });
    case 'PURGE':
    case 'BINLOG':
      return refuse('replication-control');
    case 'FLUSH':
    case 'SHUTDOWN':
    case 'RESTART':
    case 'INSTALL':
    case 'UNINSTALL':
    case 'CACHE':
      return refuse('server-admin', { statement: c.keywords(start) });
    case 'ANALYZE':
    case 'OPTIMIZE':
    case 'REPAIR':
      return refuse('table-maintenance');
    case 'KILL':
      return refuse('kill', { statement: 'KILL' });
    default:
      return unrecognized();
  }
}

// ---------------------------------------------------------------------------------------------
// Reads

/**
 * SELECT, TABLE, VALUES, WITH … SELECT, ( … ): a read unless it writes a file; FOR UPDATE,
 * FOR SHARE and LOCK IN SHARE MODE make it a locking read.
 */
function readQuery(c: Cursor, verb: ReadVerb): Classified {
  const t = c.tokens;
  let locking = false;
  for (let k = c.i; k + 1 < c.end; k++) {
    if (t.isWord(k, 'INTO') && (t.isWord(k + 1, 'OUTFILE') || t.isWord(k + 1, 'DUMPFILE'))) return refuse('select-into-file');
    if (t.isWord(k, 'FOR') && (t.isWord(k + 1, 'UPDATE') || t.isWord(k + 1, 'SHARE'))) locking = true;
    if (t.isWord(k, 'LOCK') && t.isWord(k + 1, 'IN') && k + 2 < c.end && t.isWord(k + 2, 'SHARE')) locking = true;
  }
  return read(verb, locking);
}

/** `((SELECT …))`: only a query may start with a parenthesis. */
function parenthesizedQuery(c: Cursor): Classified {
  const start = c.i;
  while (c.punct('(')) c.i++;
  if (!c.has() || !QUERY_START.at(c.tokens, c.i)) c.fail();
  const word = c.word();
  const verb: ReadVerb = word === 'VALUES' ? 'values' : word === 'TABLE' ? 'table' : 'select';
  c.i = start;
  return readQuery(c, verb);
}

const MAIN_VERBS = new Keywords(['SELECT', 'TABLE', 'VALUES', 'INSERT', 'REPLACE', 'UPDATE', 'DELETE']);

/**
 * WITH [RECURSIVE] cte [(cols)] AS (…) [, …] then the main statement: a query (read) or, where a
 * server accepts it, UPDATE / DELETE / INSERT / REPLACE (classified by that verb).
 */
function withStatement(c: Cursor): Classified {
  const start = c.i;
  let depth = 0;
  let afterGroup = false;
  const t = c.tokens;
  for (let k = c.i + 1; k < c.end; k++) {
    if (t.isPunct(k, '(')) {
      if (depth === 0 && afterGroup) break; // (SELECT …) as the main query
      depth++;
      continue;
    }
    if (t.isPunct(k, ')')) {
      if (depth === 0) {
        c.i = k;
        c.fail();
      }
      depth--;
      afterGroup = depth === 0;
      continue;
    }
    if (depth > 0) continue;
    afterGroup = false;
    if (!MAIN_VERBS.at(t, k)) continue;
    switch (t.upper(k)) {
      case 'SELECT':
      case 'TABLE':
      case 'VALUES':
        c.i = start;
        return readQuery(c, 'select');
      case 'INSERT':
      case 'REPLACE':
        c.i = k;
        return insertStatement(c);
      case 'UPDATE':
        c.i = k;
        return updateStatement(c);
      case 'DELETE':
        c.i = k;
        return deleteStatement(c);
    }
  }
  c.i = start;
  if (depth > 0) {
    c.i = c.end;
    c.fail();
  }
  return readQuery(c, 'select');
}

// ---------------------------------------------------------------------------------------------
// DML

const dml = (verb: DmlVerb, tables: TableRef[]): DmlStatement => ({ kind: 'dml', verb, tables: dedupe(tables) });

/** INSERT [LOW_PRIORITY | DELAYED | HIGH_PRIORITY] [IGNORE] [INTO] t …; REPLACE likewise. */
function insertStatement(c: Cursor): Classified {
  const verb = c.word() === 'REPLACE' ? 'replace' : 'insert';
  c.i++;
  while (c.accept('LOW_PRIORITY', 'DELAYED', 'HIGH_PRIORITY', 'IGNORE'));
  c.accept('INTO');
  return dml(verb, [c.tableName()]);
}

/** A table in a FROM / UPDATE / USING list; `table` is absent for a derived table. */
interface TableFactor {
  readonly table?: TableRef;
  readonly alias?: string;
}

/** Words that end a table factor rather than alias it. */
const NOT_AN_ALIAS = new Keywords([
  'JOIN', 'INNER', 'CROSS', 'LEFT', 'RIGHT', 'FULL', 'NATURAL', 'OUTER', 'STRAIGHT_JOIN', 'ON', 'USING', 'USE',
  'IGNORE', 'FORCE', 'SET', 'WHERE', 'FOR', 'PARTITION', 'ORDER', 'LIMIT', 'GROUP', 'HAVING', 'WINDOW', 'UNION',
  'EXCEPT', 'INTERSECT', 'INTO', 'RETURNING', 'FROM', 'LOCK',
]);

function optionalAlias(c: Cursor): string | undefined {
  if (c.accept('AS')) return c.name();
  if (!c.isName() || NOT_AN_ALIAS.at(c.tokens, c.i)) return undefined;
  return c.name();
}

/**
 * The table references of UPDATE, multi-table DELETE (after FROM or USING): table factors
 * separated by commas and joins, with parenthesized groups, derived tables, ON / USING
 * conditions and index hints. Stops before a word of `stop` outside parentheses. Iterative:
 * nesting only moves counters.
 */
function tableReferences(c: Cursor, stop: Keywords): TableFactor[] {
  const t = c.tokens;
  const factors: TableFactor[] = [];
  let expectFactor = true;
  /** Open ( or { of join groups. */
  let groups = 0;
  /** Open ( of a condition, hint or USING list being skipped. */
  let exprDepth = 0;
  while (!c.atEnd()) {
    const k = c.i;
    if (exprDepth > 0) {
      if (t.isPunct(k, '(')) exprDepth++;
      else if (t.isPunct(k, ')')) exprDepth--;
      c.i++;
      continue;
    }
    if (expectFactor) {
      if (t.isPunct(k, '(')) {
        let j = k;
        while (j < c.end && t.isPunct(j, '(')) j++;
        if (j < c.end && QUERY_START.at(t, j)) {
          c.skipParens(); // a derived table: (SELECT …) [AS] alias
          factors.push({ alias: optionalAlias(c) });
          expectFactor = false;
        } else {
          groups += j - k;
          c.i = j;
        }
        continue;
      }
      if (t.isPunct(k, '{')) {
        groups++;
        c.i++;
        c.accept('OJ');
        continue;
      }
      if (!t.isName(k) || stop.at(t, k)) c.fail();
      const table = c.tableName();
      if (c.isWord('PARTITION') && c.punct('(', 1)) {
        c.i++;
        c.skipParens();
      }
      const alias = optionalAlias(c);
      factors.push(alias === undefined ? { table } : { table, alias });
      expectFactor = false;
      continue;
    }
    if (t.isPunct(k, '(')) {
      exprDepth++;
    } else if (t.isPunct(k, ')') || t.isPunct(k, '}')) {
      if (groups === 0) c.fail();
      groups--;
    } else if (t.isPunct(k, ',')) {
      expectFactor = true;
    } else if (groups === 0 && stop.at(t, k)) {
      break;
    } else if (t.isWord(k, 'JOIN') || t.isWord(k, 'STRAIGHT_JOIN')) {
      expectFactor = true;
    }
    c.i++;
  }
  if (expectFactor || groups > 0) c.fail();
  return factors;
}

/** Looks up a target name among the factors: first as an alias, then as a table name. */
function factorIndex(factors: readonly TableFactor[]): (name: string) => TableFactor | undefined {
  const byAlias = new Map<string, TableFactor>();
  const byTable = new Map<string, TableFactor>();
  for (const factor of factors) {
    if (factor.alias !== undefined && !byAlias.has(factor.alias)) byAlias.set(factor.alias, factor);
    if (factor.table && !byTable.has(factor.table.table)) byTable.set(factor.table.table, factor);
  }
  return (name) => byAlias.get(name) ?? byTable.get(name);
}

const UPDATE_STOP = new Keywords(['SET']);

/** UPDATE [LOW_PRIORITY] [IGNORE] table_references SET assignments [WHERE …] [ORDER BY …] [LIMIT …] */
function updateStatement(c: Cursor): Classified {
  c.i++;
  while (c.accept('LOW_PRIORITY', 'IGNORE'));
  const factors = tableReferences(c, UPDATE_STOP);
  c.expect('SET');
  const targets = assignmentTargets(c);
  const tables: TableRef[] = [];
  for (const factor of factors) if (factor.table) tables.push(factor.table);
  if (factors.length === 1) return dml('update', tables);

  // Multi-table: the tables whose columns are assigned; an unqualified column could be any.
  const lookup = factorIndex(factors);
  const written: TableRef[] = [];
  let ambiguous = false;
  for (const parts of targets) {
    if (parts.length >= 3) {
      written.push({ schema: parts[parts.length - 3], table: parts[parts.length - 2] });
    } else if (parts.length === 2) {
      const factor = lookup(parts[0]);
      if (!factor) written.push({ table: parts[0] });
      else if (factor.table) written.push(factor.table);
    } else {
      ambiguous = true;
    }
  }
  if (ambiguous || written.length === 0) written.push(...tables);
  return dml('update', written);
}

const ASSIGNMENT_END = new Keywords(['WHERE', 'ORDER', 'LIMIT', 'RETURNING']);

/** The column names (as dotted parts) assigned in UPDATE … SET a = …, t.b = …, db.t.c = … */
function assignmentTargets(c: Cursor): string[][] {
  const targets: string[][] = [];
  for (;;) {
    const parts = [c.name()];
    while (c.acceptPunct('.')) parts.push(c.name());
    if (!c.acceptPunct('=') && !c.acceptPunct(':=')) c.fail();
    targets.push(parts);
    let depth = 0;
    for (;;) {
      if (c.atEnd()) {
        if (depth > 0) c.fail();
        return targets;
      }
      if (c.punct('(')) depth++;
      else if (c.punct(')')) {
        if (depth === 0) c.fail();
        depth--;
      } else if (depth === 0) {
        if (c.punct(',')) break;
        if (ASSIGNMENT_END.at(c.tokens, c.i)) return targets;
      }
      c.i++;
    }
    c.i++; // the comma
  }
}

const DELETE_STOP = new Keywords(['WHERE', 'ORDER', 'LIMIT', 'RETURNING']);

/**
 * DELETE [LOW_PRIORITY] [QUICK] [IGNORE] FROM t [[AS] a] …            (single table)
 * DELETE … t1[.*] [, t2[.*]] … FROM table_references …             (multi-table)
 * DELETE … FROM t1[.*] [, t2[.*]] … USING table_references …       (multi-table)
 */
function deleteStatement(c: Cursor): Classified {
  c.i++;
  while (c.accept('LOW_PRIORITY', 'QUICK', 'IGNORE', 'HISTORY'));
  if (c.accept('FROM')) {
    const targets = deleteTargets(c);
    if (c.accept('USING')) return dml('delete', resolveTargets(targets, tableReferences(c, DELETE_STOP)));
    if (targets.length !== 1) c.fail();
    return dml('delete', [toTableRef(targets[0])]);
  }
  const targets = deleteTargets(c);
  c.expect('FROM');
  return dml('delete', resolveTargets(targets, tableReferences(c, DELETE_STOP)));
}

/** t, db.t, t.*, db.t.* separated by commas; returns the name parts without the star. */
function deleteTargets(c: Cursor): string[][] {
  const targets: string[][] = [];
  do {
    const parts = [c.name()];
    while (c.acceptPunct('.')) {
      if (c.acceptPunct('*')) break;
      parts.push(c.name());
    }
    if (parts.length > 2) c.fail();
    targets.push(parts);
  } while (c.acceptPunct(','));
  return targets;
}

function toTableRef(parts: readonly string[]): TableRef {
  return parts.length === 2 ? { schema: parts[0], table: parts[1] } : { table: parts[0] };
}

/** Multi-table DELETE targets name aliases or tables of the table references. */
function resolveTargets(targets: readonly string[][], factors: readonly TableFactor[]): TableRef[] {
  const lookup = factorIndex(factors);
  return targets.map((parts) => {
    if (parts.length === 2) return toTableRef(parts);
    return lookup(parts[0])?.table ?? { table: parts[0] };
  });
}

function dedupe(tables: readonly TableRef[]): TableRef[] {
  const seen = new Set<string>();
  const out: TableRef[] = [];
  for (const ref of tables) {
    const key = `${ref.schema ?? ''}\u0000${ref.table}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(ref);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// DDL

function ddl(verb: DdlVerb, tables: TableRef[], schema?: string): DdlStatement {
  const result = { kind: 'ddl' as const, verb, tables: dedupe(tables) };
  return schema === undefined ? result : { ...result, schema };
}

const STORED_PROGRAMS = new Set(['TRIGGER', 'PROCEDURE', 'FUNCTION', 'EVENT', 'PACKAGE']);

function ifNotExists(c: Cursor): void {
  if (c.accept('IF')) {
    c.expect('NOT');
    c.expect('EXISTS');
  }
}

function ifExists(c: Cursor): void {
  if (c.accept('IF')) c.expect('EXISTS');
}

/** DEFINER = user: 'u'@'h', u@h, `u`@`h`, CURRENT_USER[()], CURRENT_ROLE[()]. */
function skipUser(c: Cursor): void {
  if (!c.isName() && !(c.has() && c.tokens.type(c.i) === 'string')) c.fail();
  c.i++;
  if (c.has() && c.tokens.type(c.i) === 'uservar') c.i++;
  if (c.punct('(') && c.punct(')', 1)) c.i += 2;
}

/** The modifiers between CREATE / ALTER and the object: OR REPLACE, ALGORITHM=, DEFINER=, … */
function objectModifiers(c: Cursor): { temporary: boolean } {
  let temporary = false;
  if (c.accept('OR')) c.expect('REPLACE');
  for (;;) {
    if (c.accept('ALGORITHM', 'DEFINER')) {
      const word = c.tokens.upper(c.i - 1);
      c.acceptPunct('=');
      if (word === 'DEFINER') skipUser(c);
      else c.name();
    } else if (c.isWord('SQL') && c.word(1) === 'SECURITY') {
      c.i += 2;
      c.name();
    } else if (c.accept('TEMPORARY')) {
      temporary = true;
    } else if (!c.accept('AGGREGATE', 'UNIQUE', 'FULLTEXT', 'SPATIAL', 'ONLINE', 'OFFLINE', 'IGNORE')) {
      return { temporary };
    }
  }
}

function createStatement(c: Cursor): Classified {
  c.i++;
  const { temporary } = objectModifiers(c);
  const object = c.word();
  if (object === '') c.fail();
  c.i++;
  switch (object) {
    case 'TABLE': {
      if (temporary) return refuse('temporary-table');
      ifNotExists(c);
      const table = c.tableName();
      for (let k = c.i; k < c.end; k++) if (c.tokens.isWord(k, 'SELECT')) return refuse('create-table-select');
      return ddl('CREATE TABLE', [table]);
    }
    case 'DATABASE':
    case 'SCHEMA': {
      ifNotExists(c);
      return ddl('CREATE DATABASE', [], c.name());
    }
    case 'INDEX': {
      ifNotExists(c);
      c.name();
      while (!c.atEnd() && !c.isWord('ON')) c.i++; // USING BTREE | HASH
      c.expect('ON');
      return ddl('CREATE INDEX', [c.tableName()]);
    }
    case 'VIEW':
      return refuse('view', { statement: 'CREATE VIEW' });
    case 'USER':
    case 'ROLE':
      return refuse('account-management');
    default:
      if (STORED_PROGRAMS.has(object)) return refuse('stored-program');
      return refuse('unrecognized', { statement: `CREATE ${object}` });
  }
}

/** Words that start ALTER DATABASE's options when it names no database. */
const DATABASE_OPTIONS = new Keywords(['DEFAULT', 'CHARACTER', 'CHARSET', 'COLLATE', 'COMMENT']);

function alterStatement(c: Cursor): Classified {
  c.i++;
  objectModifiers(c);
  const object = c.word();
  if (object === '') c.fail();
  c.i++;
  switch (object) {
    case 'TABLE': {
      ifExists(c);
      const tables = [c.tableName()];
      tables.push(...alterTableRenames(c));
      return ddl('ALTER TABLE', tables);
    }
    case 'DATABASE':
    case 'SCHEMA': {
      const named = c.isName() && !DATABASE_OPTIONS.at(c.tokens, c.i);
      return ddl('ALTER DATABASE', [], named ? c.name() : undefined);
    }
    case 'VIEW':
      return refuse('view', { statement: 'ALTER VIEW' });
    case 'USER':
      return refuse('account-management');
    default:
      if (STORED_PROGRAMS.has(object)) return refuse('stored-program');
      return refuse('unrecognized', { statement: `ALTER ${object}` });
  }
}

/** ALTER TABLE t … RENAME [TO | AS] t2 (not RENAME COLUMN / INDEX / KEY …). */
function alterTableRenames(c: Cursor): TableRef[] {
  const renamed: TableRef[] = [];
  let depth = 0;
  while (!c.atEnd()) {
    const k = c.i++;
    if (c.tokens.isPunct(k, '(')) depth++;
    else if (c.tokens.isPunct(k, ')')) depth--;
    else if (depth === 0 && c.tokens.isWord(k, 'RENAME') && !c.isWord('COLUMN', 'INDEX', 'KEY', 'CONSTRAINT', 'PARTITION')) {
      if (!c.accept('TO', 'AS')) c.acceptPunct('=');
      renamed.push(c.tableName());
    }
  }
  return renamed;
}

function dropStatement(c: Cursor): Classified {
  c.i++;
  const temporary = c.accept('TEMPORARY');
  const object = c.word();
  if (object === '') c.fail();
  c.i++;
  switch (object) {
    case 'TABLE':
    case 'TABLES': {
      if (temporary) return refuse('temporary-table');
      ifExists(c);
      const tables = [c.tableName()];
      while (c.acceptPunct(',')) tables.push(c.tableName());
      return ddl('DROP TABLE', tables);
    }
    case 'DATABASE':
    case 'SCHEMA':
      ifExists(c);
      return ddl('DROP DATABASE', [], c.name());
    case 'INDEX':
      c.accept('ONLINE', 'OFFLINE');
      ifExists(c);
      c.name();
      c.expect('ON');
      return ddl('DROP INDEX', [c.tableName()]);
    case 'VIEW':
      return refuse('view', { statement: 'DROP VIEW' });
    case 'USER':
    case 'ROLE':
      return refuse('account-management');
    case 'PREPARE':
      return refuse('sql-prepared-statement');
    default:
      if (STORED_PROGRAMS.has(object)) return refuse('stored-program');
      return refuse('unrecognized', { statement: `DROP ${object}` });
  }
}

/** RENAME TABLE [IF EXISTS] a [WAIT n | NOWAIT] TO b [, c TO d] … */
function renameStatement(c: Cursor): Classified {
  c.i++;
  if (c.isWord('USER')) return refuse('account-management');
  if (!c.accept('TABLE', 'TABLES')) return refuse('unrecognized', { statement: c.keywords(c.i - 1) });
  ifExists(c);
  const tables: TableRef[] = [];
  do {
    tables.push(c.tableName());
    if (c.accept('WAIT')) c.name();
    else c.accept('NOWAIT');
    c.expect('TO');
    tables.push(c.tableName());
  } while (c.acceptPunct(','));
  return ddl('RENAME TABLE', tables);
}

// ---------------------------------------------------------------------------------------------
// Transactions

/** START TRANSACTION [READ ONLY | READ WRITE | WITH CONSISTENT SNAPSHOT [, …]] */
function startTransaction(c: Cursor): Classified {
  c.i += 2;
  let readOnly: boolean | undefined;
  let consistentSnapshot = false;
  if (!c.atEnd()) {
    do {
      if (c.accept('READ')) {
        if (c.accept('ONLY')) readOnly = true;
        else if (c.accept('WRITE')) readOnly = false;
        else c.fail();
      } else if (c.accept('WITH')) {
        c.expect('CONSISTENT');
        c.expect('SNAPSHOT');
        consistentSnapshot = true;
      } else {
        c.fail();
      }
    } while (c.acceptPunct(','));
    c.expectEnd();
  }
  return {
    kind: 'transaction',
    verb: 'begin',
    ...(readOnly === undefined ? {} : { readOnly }),
    ...(consistentSnapshot ? { consistentSnapshot } : {}),
  };
}

/** COMMIT | ROLLBACK [WORK] [AND [NO] CHAIN] [[NO] RELEASE]; ROLLBACK [WORK] TO [SAVEPOINT] x */
function commitOrRollback(c: Cursor): Classified {
  const verb = c.word() === 'COMMIT' ? 'commit' : 'rollback';
  c.i++;
  c.accept('WORK');
  if (verb === 'rollback' && c.accept('TO')) {
    c.accept('SAVEPOINT');
    const name = c.name();
    c.expectEnd();
    return { kind: 'transaction', verb: 'rollback-to', name };
  }
  let chain: boolean | undefined;
  let release: boolean | undefined;
  if (c.accept('AND')) {
    chain = !c.accept('NO');
    c.expect('CHAIN');
  }
  if (c.accept('NO')) {
    c.expect('RELEASE');
    release = false;
  } else if (c.accept('RELEASE')) {
    release = true;
  }
  c.expectEnd();
  return {
    kind: 'transaction',
    verb,
    ...(chain === undefined ? {} : { chain }),
    ...(release === undefined ? {} : { release }),
  };
}

// ---------------------------------------------------------------------------------------------
// SET

type Scope = 'SESSION' | 'GLOBAL';

interface Assignment {
  /** System variable, lower case; undefined for a user variable. */
  readonly variable?: string;
  readonly scope: Scope;
  /** Token range of the value. */
  readonly valueFrom: number;
  readonly valueTo: number;
  /** SET NAMES / CHARACTER SET: the character set. */
  readonly charset?: string;
}

const SCOPE_WORDS: ReadonlyMap<string, Scope> = new Map([
  ['GLOBAL', 'GLOBAL'],
  ['PERSIST', 'GLOBAL'],
  ['PERSIST_ONLY', 'GLOBAL'],
  ['SESSION', 'SESSION'],
  ['LOCAL', 'SESSION'],
]);

const CHARSET_VARIABLES = ['character_set_client', 'character_set_connection', 'character_set_results'];

/** System variables that steer binary logging or replication (sql_log_bin has its own rule). */
function isBinlogVariable(name: string): boolean {
  return (
    name.startsWith('binlog_') ||
    name.startsWith('gtid_') ||
    ['sql_slave_skip_counter', 'sql_replica_skip_counter', 'skip_replication', 'server_id', 'pseudo_slave_mode'].includes(name)
  );
}

function setStatement(c: Cursor): Classified {
  c.i++;
  const word = c.word();
  if (word === 'STATEMENT') return setStatementFor(c);
  if (word === 'PASSWORD' || (word === 'DEFAULT' && c.word(1) === 'ROLE')) return refuse('account-management');
  if (word === 'ROLE') return { kind: 'session', verb: 'set-role' };
  if (word === 'TRANSACTION') return { kind: 'session', verb: 'set-transaction' };
  if (SCOPE_WORDS.has(word) && c.word(1) === 'TRANSACTION') {
    if (SCOPE_WORDS.get(word) === 'GLOBAL') return refuse('set-global', { variable: 'transaction' });
    return { kind: 'session', verb: 'set-transaction' };
  }

  const assignments = parseAssignments(c, false);
  c.expectEnd();
  const refused = judgeAssignments(assignments);
  if (refused) return refused;

  const variables: string[] = [];
  let autocommit: boolean | undefined;
  let charset: string | undefined;
  for (const assignment of assignments) {
    if (assignment.charset !== undefined) {
      charset = assignment.charset;
      variables.push(...CHARSET_VARIABLES);
      continue;
    }
    if (assignment.variable === undefined) continue;
    variables.push(assignment.variable);
    if (assignment.variable === 'autocommit') {
      const value = autocommitValue(c, assignment);
      if (value === undefined) return refuse('autocommit-value', { value: c.text(assignment.valueFrom, assignment.valueTo).slice(0, 200) });
      autocommit = value;
    }
  }
  return {
    kind: 'session',
    verb: 'set',
    variables: [...new Set(variables)],
    ...(autocommit === undefined ? {} : { autocommit }),
    ...(charset === undefined ? {} : { charset }),
  };
}

/** MariaDB's SET STATEMENT var = value [, …] FOR statement: the statement decides, unless a variable is refused. */
function setStatementFor(c: Cursor): Classified {
  c.i++;
  const assignments = parseAssignments(c, true);
  c.expect('FOR');
  const refused = judgeAssignments(assignments);
  if (refused) return refused;
  if (c.isWord('SET') && c.word(1) === 'STATEMENT') c.fail(); // not nestable
  return statement(c);
}

/** The first refused assignment: sql_log_bin, then binary-log variables, then global scope. */
function judgeAssignments(assignments: readonly Assignment[]): RefusedStatement | undefined {
  const system = assignments.filter((a) => a.variable !== undefined);
  if (system.some((a) => a.variable === 'sql_log_bin')) return refuse('sql-log-bin');
  const binlog = system.find((a) => isBinlogVariable(a.variable as string));
  if (binlog) return refuse('binlog-variable', { variable: binlog.variable as string });
  const global = assignments.find((a) => a.scope === 'GLOBAL');
  if (global) return refuse('set-global', { variable: global.variable ?? global.charset ?? '' });
  return undefined;
}

/**
 * The assignments of SET: [GLOBAL | SESSION | LOCAL | PERSIST | PERSIST_ONLY] var = expr,
 * @@[scope.]var = expr, @user = expr, NAMES cs [COLLATE c], CHARACTER SET cs, CHARSET cs.
 * A scope keyword carries to the assignments after it, as in MySQL.
 */
function parseAssignments(c: Cursor, untilFor: boolean): Assignment[] {
  const assignments: Assignment[] = [];
  let carried: Scope = 'SESSION';
  for (;;) {
    const scopeWord = SCOPE_WORDS.get(c.word());
    if (scopeWord !== undefined && !c.punct('=', 1) && !c.punct(':=', 1)) {
      carried = scopeWord;
      c.i++;
    }
    if (!c.has()) c.fail();
    const type = c.tokens.type(c.i);
    let variable: string | undefined;
    let scope = carried;
    let charset: string | undefined;
    if (c.isWord('NAMES', 'CHARSET') || (c.isWord('CHARACTER') && c.word(1) === 'SET')) {
      c.i += c.isWord('CHARACTER') ? 2 : 1;
      if (!c.isName() && !(c.has() && c.tokens.type(c.i) === 'string')) c.fail();
      charset = c.value(c.i).toLowerCase();
    } else if (type === 'uservar') {
      c.i++;
      if (!c.acceptPunct('=') && !c.acceptPunct(':=')) c.fail();
    } else {
      if (type === 'sysvar') {
        c.i++;
        scope = 'SESSION';
        const explicit = SCOPE_WORDS.get(c.word());
        if (explicit !== undefined && c.punct('.', 1)) {
          scope = explicit;
          c.i += 2;
        }
      }
      const parts = [c.name()];
      while (c.acceptPunct('.')) parts.push(c.name());
      variable = parts[parts.length - 1].toLowerCase();
      if (!c.acceptPunct('=') && !c.acceptPunct(':=')) c.fail();
    }
    const valueFrom = c.i;
    let depth = 0;
    while (!c.atEnd()) {
      if (c.punct('(')) depth++;
      else if (c.punct(')')) {
        if (depth === 0) c.fail();
        depth--;
      } else if (depth === 0 && (c.punct(',') || (untilFor && c.isWord('FOR')))) break;
      c.i++;
    }
    if (c.i === valueFrom || depth > 0) c.fail(); // no value, or an unclosed parenthesis
    assignments.push({ scope, valueFrom, valueTo: c.i, variable, charset });
    if (!c.acceptPunct(',')) return assignments;
  }
}

/** 0 / 1 / ON / OFF / TRUE / FALSE (or 'ON' / 'OFF'); undefined for anything else. */
function autocommitValue(c: Cursor, assignment: Assignment): boolean | undefined {
  if (assignment.valueTo - assignment.valueFrom !== 1) return undefined;
  const k = assignment.valueFrom;
  const type = c.tokens.type(k);
  if (type === 'word') {
    const value = c.tokens.upper(k);
    if (['1', 'ON', 'TRUE'].includes(value)) return true;
    if (['0', 'OFF', 'FALSE'].includes(value)) return false;
  } else if (type === 'string') {
    const value = c.value(k).toUpperCase();
    if (value === 'ON') return true;
    if (value === 'OFF') return false;
  }
  return undefined;
}
