import type { Cursor } from './cursor';
import { refuse } from './refusals';
import type { Classified, ReplicaThreadName, ReplicationStatement, UntilCondition } from './types';

// ---------------------------------------------------------------------------------------------
// Functions tools call as a whole statement: SELECT SOURCE_POS_WAIT(…), WAIT_FOR_EXECUTED_GTID_SET(…)

type CallArgument = { readonly kind: 'string'; readonly value: string } | { readonly kind: 'number'; readonly text: string };

interface WholeCall {
  readonly name: string;
  readonly args: readonly CallArgument[];
  /** The result column's name: the call as written, or its alias. */
  readonly column: string;
}

/**
 * `SELECT FN(arg, …) [[AS] alias]` and nothing else, with string and unsigned number arguments;
 * undefined for anything more (an expression, a FROM, a column argument), which the database
 * answers as it would.
 */
function wholeCall(c: Cursor, names: ReadonlySet<string>): WholeCall | undefined {
  const { tokens } = c;
  const name = c.word(1);
  if (!names.has(name) || !c.punct('(', 2)) return undefined;
  const args: CallArgument[] = [];
  let k = c.i + 3;
  const digits = (at: number) => at < c.end && tokens.type(at) === 'word' && /^\d+$/.test(tokens.text(at));
  while (k < c.end && !tokens.isPunct(k, ')')) {
    if (args.length > 0 && !tokens.isPunct(k++, ',')) return undefined;
    if (k < c.end && tokens.type(k) === 'string') {
      args.push({ kind: 'string', value: c.value(k++) });
    } else if (digits(k)) {
      let text = tokens.text(k++);
      // The lexer reads 1.5 as 1, '.', 5.
      if (k + 1 < c.end && tokens.isPunct(k, '.') && digits(k + 1)) {
        text += `.${tokens.text(k + 1)}`;
        k += 2;
      }
      args.push({ kind: 'number', text });
    } else {
      return undefined;
    }
  }
  if (k >= c.end) return undefined;
  let column = c.sql.slice(tokens.start(c.i + 1), tokens.end(k++));
  if (k < c.end && tokens.upper(k) === 'AS') k++;
  if (k < c.end && (tokens.type(k) === 'word' || tokens.type(k) === 'quoted' || tokens.type(k) === 'string')) column = c.value(k++);
  return k < c.end ? undefined : { name, args, column };
}

const isString = (arg: CallArgument | undefined): arg is Extract<CallArgument, { kind: 'string' }> => arg?.kind === 'string';
const isNumber = (arg: CallArgument | undefined): arg is Extract<CallArgument, { kind: 'number' }> => arg?.kind === 'number';

const POSITION_WAITS = new Set(['SOURCE_POS_WAIT', 'MASTER_POS_WAIT']);
const GTID_WAITS = new Set(['WAIT_FOR_EXECUTED_GTID_SET']);

/**
 * `SELECT SOURCE_POS_WAIT('file', pos[, timeout[, 'channel']])` (or MASTER_POS_WAIT), answered
 * by the node's applier. Any other use of the function is a read the database answers (NULL:
 * it runs no replica threads).
 */
export function positionWait(c: Cursor): ReplicationStatement | undefined {
  const call = wholeCall(c, POSITION_WAITS);
  if (!call) return undefined;
  const [file, position, timeout, channel, ...more] = call.args;
  if (!isString(file) || !isNumber(position) || position.text.includes('.') || more.length > 0) return undefined;
  if ((timeout && !isNumber(timeout)) || (channel && !isString(channel))) return undefined;
  return { kind: 'replication', verb: 'source-pos-wait', file: file.value, position: position.text, timeoutS: timeout ? Number(timeout.text) : undefined, column: call.column };
}

/** `SELECT WAIT_FOR_EXECUTED_GTID_SET('set'[, timeout])`, answered from the node's executed GTID set. */
export function executedGtidSetWait(c: Cursor): ReplicationStatement | undefined {
  const call = wholeCall(c, GTID_WAITS);
  if (!call) return undefined;
  const [gtidSet, timeout, ...more] = call.args;
  if (!isString(gtidSet) || (timeout && !isNumber(timeout)) || more.length > 0) return undefined;
  return { kind: 'replication', verb: 'wait-for-executed-gtid-set', gtidSet: gtidSet.value, timeoutS: timeout ? Number(timeout.text) : undefined, column: call.column };
}

// ---------------------------------------------------------------------------------------------
// START / STOP REPLICA, CHANGE REPLICATION SOURCE TO

const REMOTE_SOURCE = "a kbinlog replica reads its cluster's binlog topic from Kafka (--brokers, --cluster), not from another server";
const ONE_CHANNEL = "a kbinlog node has one replication channel, the default one ('')";
const OWN_CREDENTIALS = 'a kbinlog replica reaches Kafka with the credentials it was started with';
const RELAY_LOG = "a kbinlog replica's relay log is an in-memory buffer of the binlog topic; use SOURCE_LOG_FILE and SOURCE_LOG_POS";
const OFFSET_POSITIONS = 'kbinlog replicas position by the binlog topic offset (SOURCE_LOG_POS) and skip the GTIDs they executed anyway';
const NO_SUCH_SETTING = 'kbinlog replicas have no such setting (docs/sql.md lists what CHANGE REPLICATION SOURCE TO takes)';

/** What CHANGE REPLICATION SOURCE | MASTER TO options MySQL and MariaDB take mean here, when kbinlog cannot honour them. */
const CHANGE_OPTIONS_REFUSED: ReadonlyMap<string, string> = new Map([
  ...['HOST', 'PORT', 'USER', 'PASSWORD', 'BIND', 'CONNECT_RETRY', 'RETRY_COUNT', 'HEARTBEAT_PERIOD', 'COMPRESSION_ALGORITHMS', 'ZSTD_COMPRESSION_LEVEL', 'PUBLIC_KEY_PATH', 'TLS_VERSION', 'TLS_CIPHERSUITES', 'SSL', 'SSL_CA', 'SSL_CAPATH', 'SSL_CERT', 'SSL_CRL', 'SSL_CRLPATH', 'SSL_KEY', 'SSL_CIPHER', 'SSL_VERIFY_SERVER_CERT', 'CONNECTION_AUTO_FAILOVER'].flatMap(
    (option) => [[`SOURCE_${option}`, REMOTE_SOURCE], [`MASTER_${option}`, REMOTE_SOURCE]] as const,
  ),
  ['GET_SOURCE_PUBLIC_KEY', REMOTE_SOURCE],
  ['GET_MASTER_PUBLIC_KEY', REMOTE_SOURCE],
  ['NETWORK_NAMESPACE', REMOTE_SOURCE],
  ['RELAY_LOG_FILE', RELAY_LOG],
  ['RELAY_LOG_POS', RELAY_LOG],
  ['SOURCE_AUTO_POSITION', OFFSET_POSITIONS],
  ['MASTER_AUTO_POSITION', OFFSET_POSITIONS],
  ['MASTER_USE_GTID', OFFSET_POSITIONS],
  ['MASTER_DEMOTE_TO_SLAVE', OFFSET_POSITIONS],
  ...['IGNORE_SERVER_IDS', 'PRIVILEGE_CHECKS_USER', 'REQUIRE_ROW_FORMAT', 'REQUIRE_TABLE_PRIMARY_KEY_CHECK', 'ASSIGN_GTIDS_TO_ANONYMOUS_TRANSACTIONS', 'GTID_ONLY', 'DO_DOMAIN_IDS', 'IGNORE_DOMAIN_IDS'].map(
    (option) => [option, NO_SUCH_SETTING] as const,
  ),
]);

const START_CONNECTION_OPTIONS = new Set(['USER', 'PASSWORD', 'DEFAULT_AUTH', 'PLUGIN_DIR']);

/** `= 'string'` after an option name. */
function stringValue(c: Cursor): string {
  if (!c.acceptPunct('=') || !c.has() || c.tokens.type(c.i) !== 'string') c.fail();
  return c.value(c.i++);
}

/** `= digits` after an option name, the digits as written. */
function digitsValue(c: Cursor): string {
  if (!c.acceptPunct('=') || !c.has() || c.tokens.type(c.i) !== 'word' || !/^\d+$/.test(c.tokens.text(c.i))) c.fail();
  return c.tokens.text(c.i++);
}

/** Any option value MySQL's grammar allows (a string, a number, a word, a parenthesized list): for options refused by name. */
function skipValue(c: Cursor): void {
  if (!c.acceptPunct('=')) c.fail();
  if (c.punct('(')) return c.skipParens();
  if (!c.has()) c.fail();
  c.i++;
}

interface LogCoordinates {
  logFile?: string;
  logPos?: string;
}

/** `SOURCE_LOG_FILE = 'f'` or `SOURCE_LOG_POS = n` (or their MASTER_ spellings) at the cursor, read into `at`; false for any other option. */
function logCoordinate(c: Cursor, at: LogCoordinates): boolean {
  const option = c.word();
  if (option === 'SOURCE_LOG_FILE' || option === 'MASTER_LOG_FILE') {
    c.i++;
    at.logFile = stringValue(c);
    return true;
  }
  if (option === 'SOURCE_LOG_POS' || option === 'MASTER_LOG_POS') {
    c.i++;
    at.logPos = digitsValue(c);
    return true;
  }
  return false;
}

/** `FOR CHANNEL 'name'`: the default channel only. */
function channelClause(c: Cursor): RefusedOr<void> {
  if (!c.accept('FOR')) return undefined;
  c.expect('CHANNEL');
  const channel = c.has() && c.tokens.type(c.i) === 'string' ? c.value(c.i++) : c.name();
  return channel === '' ? undefined : refuse('replication-option', { option: `FOR CHANNEL '${channel}'`, why: ONE_CHANNEL });
}

type RefusedOr<T> = Extract<Classified, { kind: 'refused' }> | T;
const isRefusal = (value: unknown): value is Extract<Classified, { kind: 'refused' }> =>
  typeof value === 'object' && value !== null && (value as { kind?: string }).kind === 'refused';

/**
 * `{REPLICA | SLAVE} ['connection_name']` or MariaDB's `ALL {SLAVES | REPLICAS}`, after START or
 * STOP: the one channel kbinlog has.
 */
function channelTarget(c: Cursor): RefusedOr<void> {
  c.i++; // START | STOP
  if (c.accept('ALL')) {
    if (!c.accept('SLAVES', 'REPLICAS')) c.fail();
    return undefined;
  }
  if (!c.accept('REPLICA', 'SLAVE')) c.fail();
  if (c.has() && c.tokens.type(c.i) === 'string') {
    const name = c.value(c.i++);
    if (name !== '') return refuse('replication-option', { option: `'${name}'`, why: ONE_CHANNEL });
  }
  return undefined;
}

/** `IO_THREAD | SQL_THREAD [, …]`: one of them, or undefined for both (none named, or both). */
function threadList(c: Cursor): ReplicaThreadName | undefined {
  const threads = new Set<ReplicaThreadName>();
  while (c.isWord('IO_THREAD', 'SQL_THREAD')) {
    threads.add(c.word() === 'IO_THREAD' ? 'io' : 'sql');
    c.i++;
    if (!c.acceptPunct(',')) break;
    if (!c.isWord('IO_THREAD', 'SQL_THREAD')) c.fail();
  }
  return threads.size === 1 ? [...threads][0] : undefined;
}

function untilCondition(c: Cursor): RefusedOr<UntilCondition> {
  const first = c.word();
  if (first === 'SQL_AFTER_GTIDS' || first === 'SQL_BEFORE_GTIDS') {
    c.i++;
    return { kind: first === 'SQL_AFTER_GTIDS' ? 'sql-after-gtids' : 'sql-before-gtids', gtidSet: stringValue(c) };
  }
  if (['RELAY_LOG_FILE', 'RELAY_LOG_POS'].includes(first)) return refuse('replication-option', { option: `UNTIL ${first}`, why: RELAY_LOG });
  if (first === 'SQL_AFTER_MTS_GAPS') return refuse('replication-option', { option: 'UNTIL SQL_AFTER_MTS_GAPS', why: 'a kbinlog applier leaves no gaps: it applies groups in log order' });
  if (first === 'MASTER_GTID_POS') {
    return refuse('replication-option', { option: 'UNTIL MASTER_GTID_POS', why: "kbinlog's GTIDs are MySQL's (server_uuid:n); use UNTIL SQL_AFTER_GTIDS" });
  }
  const at: LogCoordinates = {};
  for (;;) {
    if (!logCoordinate(c, at)) c.fail();
    const { logFile, logPos } = at;
    if (logFile !== undefined && logPos !== undefined) return { kind: 'source-pos', logFile, logPos };
    if (!c.acceptPunct(',')) c.fail();
  }
}

/** START {REPLICA | SLAVE} [IO_THREAD | SQL_THREAD] [UNTIL …] [FOR CHANNEL ''], and MariaDB's START ALL SLAVES. */
export function startReplica(c: Cursor): Classified {
  const target = channelTarget(c);
  if (isRefusal(target)) return target;
  const thread = threadList(c);
  let until: UntilCondition | undefined;
  if (c.accept('UNTIL')) {
    const condition = untilCondition(c);
    if (isRefusal(condition)) return condition;
    until = condition;
  }
  if (c.isWord(...START_CONNECTION_OPTIONS)) {
    const option = c.word();
    c.i++;
    skipValue(c);
    return refuse('replication-option', { option: `START REPLICA ${option}`, why: OWN_CREDENTIALS });
  }
  const channel = channelClause(c);
  if (isRefusal(channel)) return channel;
  c.expectEnd();
  return { kind: 'replication', verb: 'start-replica', thread, until };
}

/** STOP {REPLICA | SLAVE} [IO_THREAD | SQL_THREAD] [FOR CHANNEL ''], and MariaDB's STOP ALL SLAVES. */
export function stopReplica(c: Cursor): Classified {
  const target = channelTarget(c);
  if (isRefusal(target)) return target;
  const thread = threadList(c);
  const channel = channelClause(c);
  if (isRefusal(channel)) return channel;
  c.expectEnd();
  return { kind: 'replication', verb: 'stop-replica', thread };
}

/**
 * CHANGE {REPLICATION SOURCE | MASTER} ['connection_name'] TO option [, …] [FOR CHANNEL '']:
 * SOURCE_LOG_FILE, SOURCE_LOG_POS and SOURCE_DELAY (and their MASTER_ spellings). Any other
 * option MySQL or MariaDB takes is refused with why; a word that is no option is a syntax error.
 */
export function changeSource(c: Cursor): Classified {
  c.i++; // CHANGE
  if (c.accept('REPLICATION')) c.expect('SOURCE');
  else c.expect('MASTER');
  if (c.has() && c.tokens.type(c.i) === 'string') {
    const name = c.value(c.i++);
    if (name !== '') return refuse('replication-option', { option: `'${name}'`, why: ONE_CHANNEL });
  }
  c.expect('TO');
  const at: LogCoordinates = {};
  let delayS: number | undefined;
  let refusal: Extract<Classified, { kind: 'refused' }> | undefined;
  do {
    const option = c.word();
    if (logCoordinate(c, at)) continue;
    if (option === 'SOURCE_DELAY' || option === 'MASTER_DELAY') {
      c.i++;
      const digits = digitsValue(c);
      // Beyond MySQL's maximum (2^31 - 1) stays a number the session refuses with MySQL's 1729.
      delayS = digits.length > 10 ? Number.MAX_SAFE_INTEGER : Number(digits);
    } else if (CHANGE_OPTIONS_REFUSED.has(option)) {
      c.i++;
      skipValue(c);
      refusal ??= refuse('replication-option', { option, why: CHANGE_OPTIONS_REFUSED.get(option) as string });
    } else {
      c.fail();
    }
  } while (c.acceptPunct(','));
  const channel = channelClause(c);
  c.expectEnd();
  if (refusal) return refusal;
  if (isRefusal(channel)) return channel;
  return { kind: 'replication', verb: 'change-source', logFile: at.logFile, logPos: at.logPos, delayS };
}

// ---------------------------------------------------------------------------------------------
// SHOW BINLOG EVENTS

/** Unsigned digits, as written (positions pass 2^53). */
function digits(c: Cursor): string {
  if (!c.has() || c.tokens.type(c.i) !== 'word' || !/^\d+$/.test(c.tokens.text(c.i))) c.fail();
  return c.tokens.text(c.i++);
}

/** SHOW BINLOG EVENTS [IN 'log_name'] [FROM pos] [LIMIT [offset,] row_count], c at SHOW; SHOW RELAYLOG EVENTS is refused with why. */
export function binlogEvents(c: Cursor): Classified {
  c.i++; // SHOW
  if (c.accept('RELAYLOG')) {
    return refuse('replication-option', { option: 'SHOW RELAYLOG EVENTS', why: "a kbinlog replica's relay log is an in-memory buffer of the binlog topic; SHOW BINLOG EVENTS lists the same groups" });
  }
  c.expect('BINLOG');
  c.expect('EVENTS');
  let logName: string | undefined;
  if (c.accept('IN')) {
    if (!c.has() || c.tokens.type(c.i) !== 'string') c.fail();
    logName = c.value(c.i++);
  }
  const from = c.accept('FROM') ? digits(c) : undefined;
  let limit: { offset: string; count: string } | undefined;
  if (c.accept('LIMIT')) {
    const first = digits(c);
    limit = c.acceptPunct(',') ? { offset: first, count: digits(c) } : { offset: '0', count: first };
  }
  c.expectEnd();
  return { kind: 'replication', verb: 'show-binlog-events', logName, from, limit };
}
