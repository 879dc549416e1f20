import {
  AuthPlugin,
  Capability,
  CachingSha2Status,
  type ColumnDefinition,
  type Command,
  decodeCommand,
  decodeExecuteParams,
  decodeHandshakeResponse41,
  encodeAuthMoreData,
  encodeAuthSwitchRequest,
  encodeBinaryRow,
  encodeColumnCount,
  encodeColumnDefinition41,
  encodeEof,
  encodeErr,
  encodeHandshakeV10,
  encodeOk,
  encodeStmtPrepareResponse,
  encodeTextResultSet,
  type HandshakeResponse41,
  type Packet,
  PacketReader,
  PARAMETER_DEFINITION,
  type ParamType,
  ProtocolError,
  randomScramble,
  SERVER_CAPABILITIES,
  ServerError,
  ServerStatus,
  verifyCachingSha2Fast,
  verifyNativePassword,
  writePacketSequence,
} from '@kbinlog/mysql-protocol';
import { splitStatements } from '@kbinlog/sql-statement';
import type { Socket } from 'node:net';
import { DatabaseError, type StatementResult } from './backend-connection';
import { bindParameters, placeholderOffsets } from './placeholders';
import type { SqlMetrics, SqlCommandName } from './sql-metrics';
import type { SqlSession } from './sql-session';
import type { SqlUser } from './sql-users';

export interface MysqlConnectionOptions {
  readonly users: ReadonlyMap<string, SqlUser>;
  readonly serverVersion: string;
  readonly connectionId: number;
  readonly maxPayload: number;
  /** A session for an authenticated account, in its default schema if it named one. */
  readonly openSession: (user: SqlUser, schema: string | undefined) => Promise<SqlSession>;
  readonly onInternalError: (error: unknown) => void;
  readonly metrics: SqlMetrics;
}

interface Prepared {
  readonly sql: string;
  readonly offsets: readonly number[];
  types: ParamType[] | undefined;
}

const CAPABILITIES = SERVER_CAPABILITIES | Capability.MULTI_STATEMENTS | Capability.SESSION_TRACK;
/** The first byte of an ERR packet's payload. */
const ERR_HEADER = 0xff;

/** The client's error in the protocol's own form. */
function errorPayload(error: unknown): Buffer {
  if (error instanceof ProtocolError || error instanceof DatabaseError) {
    return encodeErr({ errno: error.errno, sqlState: error.sqlState, message: error.message });
  }
  return encodeErr({ errno: 1105, sqlState: 'HY000', message: `kbinlog internal error: ${error instanceof Error ? error.message : String(error)}` });
}

/**
 * One client of the source's MySQL port: handshake, authentication (mysql_native_password, and
 * caching_sha2_password through its fast path: kbinlog keeps SHA256(SHA256(password)), so it
 * never needs the RSA or TLS full authentication), then commands one at a time, in order.
 */
export class MysqlConnection {
  private readonly reader: PacketReader;
  private readonly scramble = randomScramble();
  private state: 'handshake' | 'auth-switch' | 'command' | 'closed' = 'handshake';
  private response: HandshakeResponse41 | undefined;
  private session: SqlSession | undefined;
  private readonly prepared = new Map<number, Prepared>();
  private nextStatementId = 1;
  /** Packets read and not yet handled, in order; a framing failure ends the queue. */
  private readonly packets: (Packet | { readonly failure: unknown })[] = [];
  private working = false;
  /** ERR packets sent so far: a command that sent one failed. */
  private errorsSent = 0;

  constructor(
    private readonly socket: Socket,
    private readonly options: MysqlConnectionOptions,
  ) {
    this.reader = new PacketReader({ maxPayload: options.maxPayload });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
    this.send(
      [encodeHandshakeV10({ serverVersion: options.serverVersion, connectionId: options.connectionId, scramble: this.scramble, authPlugin: AuthPlugin.NATIVE_PASSWORD, capabilities: CAPABILITIES })],
      0,
    );
  }

  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.session?.close();
    this.socket.destroy();
  }

  private send(payloads: readonly Buffer[], sequenceId: number): void {
    if (this.state === 'closed' || this.socket.destroyed) return;
    if (payloads[0]?.[0] === ERR_HEADER) this.errorsSent++;
    this.socket.write(writePacketSequence(payloads, sequenceId % 256).bytes);
  }

  private receive(chunk: Buffer): void {
    this.reader.push(chunk);
    try {
      for (let packet = this.reader.next(); packet; packet = this.reader.next()) this.packets.push(packet);
    } catch (error) {
      // Framing is lost. Commands sent before the bad packet still run first, as MySQL reads one
      // packet at a time; then the error is answered and the connection ends.
      this.packets.push({ failure: error });
      this.socket.removeAllListeners('data');
    }
    void this.work();
  }

  private async work(): Promise<void> {
    if (this.working) return;
    this.working = true;
    // Commands run one at a time; a slow client cannot grow our buffers while one runs.
    this.socket.pause();
    try {
      for (let packet = this.packets.shift(); packet && this.state !== 'closed'; packet = this.packets.shift()) {
        if ('failure' in packet) {
          this.send([errorPayload(packet.failure)], 0);
          this.socket.end();
          this.state = 'closed';
          this.session?.close();
          return;
        }
        await this.handle(packet);
      }
    } catch (error) {
      this.options.onInternalError(error);
      this.close();
    } finally {
      this.working = false;
      if (this.state !== 'closed') this.socket.resume();
    }
  }

  private async handle(packet: Packet): Promise<void> {
    const reply = packet.lastSequenceId + 1;
    switch (this.state) {
      case 'handshake':
        return this.authenticate(packet.payload, reply);
      case 'auth-switch':
        return this.finishAuthentication(packet.payload, reply);
      case 'command':
        return this.command(packet.payload, reply);
      case 'closed':
        return;
    }
  }

  private refuseLogin(error: ProtocolError | DatabaseError, sequenceId: number): void {
    this.send([errorPayload(error)], sequenceId);
    this.socket.end();
    this.state = 'closed';
  }

  private accessDenied(user: string, usedPassword: boolean): ProtocolError {
    return new ProtocolError(ServerError.ACCESS_DENIED, `Access denied for user '${user}'@'${this.socket.remoteAddress ?? 'localhost'}' (using password: ${usedPassword ? 'YES' : 'NO'})`, { fatal: true });
  }

  private async authenticate(payload: Buffer, sequenceId: number): Promise<void> {
    let response: HandshakeResponse41;
    try {
      response = decodeHandshakeResponse41(payload);
    } catch (error) {
      return this.refuseLogin(error as ProtocolError, sequenceId);
    }
    this.response = response;
    const user = this.options.users.get(response.user);
    if (!user) return this.refuseLogin(this.accessDenied(response.user, response.authResponse.length > 0), sequenceId);
    const clientPlugin = response.authPlugin ?? AuthPlugin.NATIVE_PASSWORD;
    if (clientPlugin !== user.plugin) {
      this.state = 'auth-switch';
      this.send([encodeAuthSwitchRequest(user.plugin, this.scramble)], sequenceId);
      return;
    }
    return this.verify(user, response.authResponse, sequenceId);
  }

  private async finishAuthentication(payload: Buffer, sequenceId: number): Promise<void> {
    const user = this.response && this.options.users.get(this.response.user);
    if (!user) return this.refuseLogin(this.accessDenied(this.response?.user ?? '', true), sequenceId);
    return this.verify(user, payload, sequenceId);
  }

  private async verify(user: SqlUser, token: Buffer, sequenceId: number): Promise<void> {
    const sha2 = user.plugin === AuthPlugin.CACHING_SHA2_PASSWORD;
    const valid = sha2 ? verifyCachingSha2Fast(user.sha2Hash, this.scramble, token) : verifyNativePassword(user.nativeHash, this.scramble, token);
    if (!valid) return this.refuseLogin(this.accessDenied(user.name, token.length > 0 && !(token.length === 1 && token[0] === 0)), sequenceId);
    let next = sequenceId;
    if (sha2) this.send([encodeAuthMoreData(CachingSha2Status.FAST_AUTH_SUCCESS)], next++);
    const schema = this.response && (this.response.capabilities & Capability.CONNECT_WITH_DB) !== 0 ? this.response.database : undefined;
    try {
      this.session = await this.options.openSession(user, schema);
    } catch (error) {
      return this.refuseLogin(error instanceof DatabaseError ? error : new DatabaseError(1105, 'HY000', `the source's database is unavailable: ${error instanceof Error ? error.message : String(error)}`), next);
    }
    this.state = 'command';
    this.send([encodeOk({ statusFlags: this.session.statusFlags })], next);
  }

  private get clientCapabilities(): number {
    return this.response?.capabilities ?? 0;
  }

  private async command(payload: Buffer, sequenceId: number): Promise<void> {
    const errorsBefore = this.errorsSent;
    const name = await this.dispatch(payload, sequenceId);
    this.options.metrics.command(name, this.errorsSent === errorsBefore ? 'ok' : 'error');
  }

  /** Runs one command packet and answers it; returns which command it was. */
  private async dispatch(payload: Buffer, sequenceId: number): Promise<SqlCommandName> {
    let command;
    try {
      command = decodeCommand(payload);
    } catch (error) {
      this.send([errorPayload(error)], sequenceId);
      return 'malformed';
    }
    await this.run(command, sequenceId);
    return command.kind;
  }

  private async run(command: Command, sequenceId: number): Promise<void> {
    const session = this.session as SqlSession;
    switch (command.kind) {
      case 'query':
        return this.query(session, command.sql, sequenceId);
      case 'init_db':
        try {
          await session.useSchema(command.schema);
          this.send([encodeOk({ statusFlags: session.statusFlags })], sequenceId);
        } catch (error) {
          this.send([errorPayload(error)], sequenceId);
        }
        return;
      case 'ping':
        this.send([encodeOk({ statusFlags: session.statusFlags })], sequenceId);
        return;
      case 'quit':
        this.close();
        return;
      case 'stmt_prepare':
        return this.prepare(command.sql, sequenceId);
      case 'stmt_execute':
        return this.execute(session, command.statementId, command.rest, sequenceId);
      case 'stmt_close':
        this.prepared.delete(command.statementId);
        return;
      case 'stmt_reset':
        if (this.prepared.has(command.statementId)) this.send([encodeOk({ statusFlags: session.statusFlags })], sequenceId);
        else this.send([errorPayload(this.unknownStatement(command.statementId, 'mysqld_stmt_reset'))], sequenceId);
        return;
      case 'unknown':
        this.send([encodeErr({ ...ServerError.UNKNOWN_COM, message: 'Unknown command' })], sequenceId);
        return;
    }
  }

  private unknownStatement(id: number, where: string): ProtocolError {
    return new ProtocolError(ServerError.UNKNOWN_STMT_HANDLER, `Unknown prepared statement handler (${id}) given to ${where}`);
  }

  private async query(session: SqlSession, sql: string, sequenceId: number): Promise<void> {
    const statements = splitStatements(sql, session.textOptions);
    if (statements.length === 0) {
      this.send([encodeErr({ errno: 1065, sqlState: '42000', message: 'Query was empty' })], sequenceId);
      return;
    }
    if (statements.length > 1 && (this.clientCapabilities & Capability.MULTI_STATEMENTS) === 0) {
      this.send([encodeErr({ ...ServerError.PARSE_ERROR, message: "You have an error in your SQL syntax; multiple statements need the client's CLIENT_MULTI_STATEMENTS" })], sequenceId);
      return;
    }
    let next = sequenceId;
    for (const [index, statement] of statements.entries()) {
      const more = index < statements.length - 1 ? ServerStatus.MORE_RESULTS_EXISTS : 0;
      let result: StatementResult;
      try {
        result = await session.run(statement);
      } catch (error) {
        if (!(error instanceof DatabaseError)) this.options.onInternalError(error);
        this.options.metrics.statement('error');
        this.send([errorPayload(error)], next);
        return;
      }
      this.options.metrics.statement(result.kind);
      const payloads = this.textResult(result, session.statusFlags | more);
      this.send(payloads, next);
      next += payloads.length;
      if (session.closeRequested) return this.close();
    }
  }

  private textResult(result: StatementResult, statusFlags: number): Buffer[] {
    if (result.kind === 'rows') return encodeTextResultSet(result.columns, result.rows, statusFlags);
    const sessionTrack = (this.clientCapabilities & Capability.SESSION_TRACK) !== 0;
    return [encodeOk({ affectedRows: result.affectedRows, lastInsertId: BigInt(result.insertId), statusFlags, warnings: result.warnings, info: result.info, sessionTrack })];
  }

  private prepare(sql: string, sequenceId: number): void {
    if (splitStatements(sql, this.session?.textOptions).length > 1) {
      this.send([encodeErr({ ...ServerError.PARSE_ERROR, message: 'You have an error in your SQL syntax; a prepared statement holds one statement' })], sequenceId);
      return;
    }
    const offsets = placeholderOffsets(sql);
    if (offsets.length > 0xffff) {
      this.send([encodeErr({ errno: 1390, sqlState: 'HY000', message: 'Prepared statement contains too many placeholders' })], sequenceId);
      return;
    }
    const id = this.nextStatementId++;
    this.prepared.set(id, { sql, offsets, types: undefined });
    const params: ColumnDefinition[] = offsets.map(() => PARAMETER_DEFINITION);
    this.send(encodeStmtPrepareResponse(id, params, [], { statusFlags: this.session?.statusFlags ?? ServerStatus.AUTOCOMMIT }), sequenceId);
  }

  private async execute(session: SqlSession, statementId: number, rest: Buffer, sequenceId: number): Promise<void> {
    const statement = this.prepared.get(statementId);
    if (!statement) {
      this.send([errorPayload(this.unknownStatement(statementId, 'mysqld_stmt_execute'))], sequenceId);
      return;
    }
    let result: StatementResult;
    try {
      const params = decodeExecuteParams(rest, statement.offsets.length, statement.types);
      statement.types = params.types;
      result = await session.run(bindParameters(statement.sql, statement.offsets, params.values, params.types));
    } catch (error) {
      if (!(error instanceof DatabaseError) && !(error instanceof ProtocolError)) this.options.onInternalError(error);
      this.options.metrics.statement('error');
      this.send([errorPayload(error)], sequenceId);
      return;
    }
    this.options.metrics.statement(result.kind);
    const statusFlags = session.statusFlags;
    if (result.kind === 'ok') {
      this.send(this.textResult(result, statusFlags), sequenceId);
    } else {
      const { columns, rows } = result;
      this.send(
        [encodeColumnCount(columns.length), ...columns.map(encodeColumnDefinition41), encodeEof({ statusFlags }), ...rows.map((row) => encodeBinaryRow(columns, row)), encodeEof({ statusFlags })],
        sequenceId,
      );
    }
    if (session.closeRequested) this.close();
  }
}
