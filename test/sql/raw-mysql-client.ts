/**
 * A raw MySQL client/server protocol client for end-to-end tests: it frames exactly the bytes it
 * is given, so a test can send what no driver would (unknown commands, empty or truncated
 * packets, oversized headers, garbage handshake responses) and read back each packet as sent.
 *
 * Written from the protocol's documentation, independent of libs/mysql-protocol, so a bug there
 * cannot hide itself. It speaks 4.1 with mysql_native_password and without DEPRECATE_EOF, SSL or
 * compression. Every read waits on socket events with a deadline; none sleeps.
 */
import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';

const DEFAULT_TIMEOUT_MS = 5_000;
const HEADER_SIZE = 4;

export const Command = {
  QUIT: 0x01,
  QUERY: 0x03,
  PING: 0x0e,
  STMT_PREPARE: 0x16,
  STMT_EXECUTE: 0x17,
} as const;

/** CLIENT_* capability flags the client sends. */
export const ClientFlag = {
  LONG_PASSWORD: 0x1,
  CONNECT_WITH_DB: 0x8,
  PROTOCOL_41: 0x200,
  TRANSACTIONS: 0x2000,
  SECURE_CONNECTION: 0x8000,
  PLUGIN_AUTH: 0x80000,
} as const;

export const DEFAULT_CLIENT_FLAGS =
  ClientFlag.LONG_PASSWORD | ClientFlag.PROTOCOL_41 | ClientFlag.TRANSACTIONS | ClientFlag.SECURE_CONNECTION | ClientFlag.PLUGIN_AUTH;

/** utf8mb4_general_ci */
const UTF8MB4 = 45;
const NATIVE_PASSWORD = 'mysql_native_password';

export interface RawPacket {
  readonly sequenceId: number;
  readonly payload: Buffer;
}

export interface ErrPacket {
  readonly errno: number;
  readonly sqlState: string;
  readonly message: string;
}

export interface Greeting {
  readonly protocolVersion: number;
  readonly serverVersion: string;
  readonly connectionId: number;
  readonly capabilities: number;
  /** The 20 bytes of auth-plugin-data (part 1 and part 2, without the trailing NUL). */
  readonly scramble: Buffer;
  readonly authPlugin: string;
}

const sha1 = (...parts: Buffer[]): Buffer => parts.reduce((hash, part) => hash.update(part), createHash('sha1')).digest();

/** mysql_native_password: SHA1(pw) XOR SHA1(scramble + SHA1(SHA1(pw))); empty for the empty password. */
export function nativePasswordToken(password: string, scramble: Buffer): Buffer {
  if (password === '') return Buffer.alloc(0);
  const stage1 = sha1(Buffer.from(password, 'utf8'));
  const mask = sha1(scramble, sha1(stage1));
  return Buffer.from(stage1.map((byte, index) => byte ^ (mask[index] as number)));
}

/** A packet's 4-byte header (3-byte little-endian length, sequence id) and its payload. */
export function frame(payload: Buffer, sequenceId: number, declaredLength = payload.length): Buffer {
  const header = Buffer.alloc(HEADER_SIZE);
  header.writeUIntLE(declaredLength, 0, 3);
  header[3] = sequenceId;
  return Buffer.concat([header, payload]);
}

export function isOk(payload: Buffer): boolean {
  return payload[0] === 0x00;
}

/** An EOF packet (0xFE with fewer than 9 bytes; longer 0xFE payloads are rows or auth switches). */
export function isEof(payload: Buffer): boolean {
  return payload[0] === 0xfe && payload.length < 9;
}

/** Reads an ERR packet (0xFF, errno, '#', SQLSTATE, message); undefined for any other packet. */
export function parseErr(payload: Buffer): ErrPacket | undefined {
  if (payload[0] !== 0xff || payload.length < 3) return undefined;
  const errno = payload.readUInt16LE(1);
  if (payload[3] === 0x23 /* # */) {
    return { errno, sqlState: payload.subarray(4, 9).toString('latin1'), message: payload.subarray(9).toString('utf8') };
  }
  return { errno, sqlState: '', message: payload.subarray(3).toString('utf8') };
}

/** Reads a length-encoded integer at `offset`: its value and where the next field starts. */
function lenencInt(payload: Buffer, offset: number): { value: number; next: number } {
  const first = payload[offset] as number;
  if (first < 0xfb) return { value: first, next: offset + 1 };
  if (first === 0xfc) return { value: payload.readUInt16LE(offset + 1), next: offset + 3 };
  if (first === 0xfd) return { value: payload.readUIntLE(offset + 1, 3), next: offset + 4 };
  if (first === 0xfe) return { value: Number(payload.readBigUInt64LE(offset + 1)), next: offset + 9 };
  throw new Error(`not a length-encoded integer: 0x${first.toString(16)}`);
}

export interface LoginOptions {
  readonly capabilities?: number;
  readonly database?: string;
}

export interface PreparedStatement {
  readonly statementId: number;
  readonly columns: number;
  readonly params: number;
}

export class RawMysqlClient {
  private buffer = Buffer.alloc(0);
  private readonly packets: RawPacket[] = [];
  private wake: (() => void) | undefined;
  private closedFlag = false;
  private readonly closedPromise: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      for (;;) {
        if (this.buffer.length < HEADER_SIZE) break;
        const length = this.buffer.readUIntLE(0, 3);
        if (this.buffer.length < HEADER_SIZE + length) break;
        this.packets.push({ sequenceId: this.buffer[3] as number, payload: Buffer.from(this.buffer.subarray(HEADER_SIZE, HEADER_SIZE + length)) });
        this.buffer = this.buffer.subarray(HEADER_SIZE + length);
      }
      this.notify();
    });
    socket.on('error', () => undefined);
    this.closedPromise = new Promise((resolve) =>
      socket.once('close', () => {
        this.closedFlag = true;
        this.notify();
        resolve();
      }),
    );
  }

  static connect(port: number, host = '127.0.0.1', timeoutMs = DEFAULT_TIMEOUT_MS): Promise<RawMysqlClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no TCP connection to ${host}:${port} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new RawMysqlClient(socket));
      });
    });
  }

  /** Connects, reads the greeting and logs in; fails unless the server answers OK. */
  static async login(port: number, user: string, password: string, options: LoginOptions = {}): Promise<RawMysqlClient> {
    const client = await RawMysqlClient.connect(port);
    try {
      const reply = await client.authenticate(user, password, options);
      if (!isOk(reply.payload)) throw new Error(`login failed: ${JSON.stringify(parseErr(reply.payload) ?? reply.payload.toString('hex'))}`);
      return client;
    } catch (error) {
      client.destroy();
      throw error;
    }
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Packets received and not read yet. */
  get unread(): readonly RawPacket[] {
    return this.packets;
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** The next packet; rejects if the connection closes first or nothing comes within the deadline. */
  async readPacket(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<RawPacket> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const packet = this.packets.shift();
      if (packet) return packet;
      if (this.closedFlag) throw new Error('the server closed the connection before sending a packet');
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`no packet within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Resolves once the server has closed the connection; rejects if it is still open at the deadline. */
  async waitClosed(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the connection is still open after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.closedPromise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  sendPacket(payload: Buffer, sequenceId: number): void {
    this.write(frame(payload, sequenceId));
  }

  /** Ends the write side (a FIN), leaving the read side open. */
  endWrites(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  async readGreeting(): Promise<Greeting> {
    const { payload } = await this.readPacket();
    if (payload[0] !== 10) throw new Error(`not a HandshakeV10: ${payload.toString('hex')}`);
    let offset = 1;
    const versionEnd = payload.indexOf(0, offset);
    const serverVersion = payload.subarray(offset, versionEnd).toString('utf8');
    offset = versionEnd + 1;
    const connectionId = payload.readUInt32LE(offset);
    offset += 4;
    const part1 = payload.subarray(offset, offset + 8);
    offset += 8 + 1; // filler
    const lowCapabilities = payload.readUInt16LE(offset);
    offset += 2 + 1 + 2; // character set, status flags
    const capabilities = (lowCapabilities | (payload.readUInt16LE(offset) << 16)) >>> 0;
    offset += 2;
    const authDataLength = payload[offset] as number;
    offset += 1 + 10; // reserved
    const part2Length = Math.max(13, authDataLength - 8);
    const part2 = payload.subarray(offset, offset + part2Length);
    offset += part2Length;
    const pluginEnd = payload.indexOf(0, offset);
    const authPlugin = payload.subarray(offset, pluginEnd < 0 ? payload.length : pluginEnd).toString('utf8');
    const scramble = Buffer.concat([part1, part2.subarray(0, part2.indexOf(0) < 0 ? part2.length : part2.indexOf(0))]);
    return { protocolVersion: 10, serverVersion, connectionId, capabilities, scramble, authPlugin };
  }

  /** HandshakeResponse41 for mysql_native_password. */
  static handshakeResponse(user: string, token: Buffer, options: LoginOptions = {}): Buffer {
    const capabilities = (options.capabilities ?? DEFAULT_CLIENT_FLAGS) | (options.database === undefined ? 0 : ClientFlag.CONNECT_WITH_DB);
    const fixed = Buffer.alloc(4 + 4 + 1 + 23);
    fixed.writeUInt32LE(capabilities >>> 0, 0);
    fixed.writeUInt32LE(16 * 1024 * 1024, 4);
    fixed[8] = UTF8MB4;
    const nul = Buffer.from([0]);
    return Buffer.concat([
      fixed,
      Buffer.from(user, 'utf8'),
      nul,
      Buffer.from([token.length]),
      token,
      ...(options.database === undefined ? [] : [Buffer.from(options.database, 'utf8'), nul]),
      Buffer.from(NATIVE_PASSWORD, 'latin1'),
      nul,
    ]);
  }

  /**
   * Reads the greeting, answers it and returns the server's final answer (OK or ERR), following
   * one AuthSwitchRequest to mysql_native_password if the server asks for it.
   */
  async authenticate(user: string, password: string, options: LoginOptions = {}): Promise<RawPacket> {
    const greeting = await this.readGreeting();
    this.sendPacket(RawMysqlClient.handshakeResponse(user, nativePasswordToken(password, greeting.scramble), options), 1);
    const reply = await this.readPacket();
    if (reply.payload[0] !== 0xfe || reply.payload.length < 2) return reply;
    const pluginEnd = reply.payload.indexOf(0, 1);
    const plugin = reply.payload.subarray(1, pluginEnd).toString('latin1');
    if (plugin !== NATIVE_PASSWORD) throw new Error(`the server switched to ${plugin}, which this client does not speak`);
    const nonce = reply.payload.subarray(pluginEnd + 1, pluginEnd + 1 + 20);
    this.sendPacket(nativePasswordToken(password, nonce), (reply.sequenceId + 1) % 256);
    return this.readPacket();
  }

  /** Sends one command packet (sequence id 0) and returns the first packet of the reply. */
  async command(payload: Buffer): Promise<RawPacket> {
    this.sendPacket(payload, 0);
    return this.readPacket();
  }

  /** COM_PING; returns the reply packet (OK when the connection is usable). */
  ping(): Promise<RawPacket> {
    return this.command(Buffer.from([Command.PING]));
  }

  /** Reads the rest of a result set whose first packet (the column count) was `first`: every packet up to the final EOF or ERR. */
  async readResultSet(first: RawPacket): Promise<RawPacket[]> {
    if (isOk(first.payload) || parseErr(first.payload)) return [first];
    const packets = [first];
    const { value: columns } = lenencInt(first.payload, 0);
    for (let i = 0; i < columns; i++) packets.push(await this.readPacket());
    packets.push(await this.readPacket()); // EOF after the column definitions
    for (;;) {
      const packet = await this.readPacket();
      packets.push(packet);
      if (isEof(packet.payload) || parseErr(packet.payload)) return packets;
    }
  }

  /** COM_QUERY; returns every packet of the reply. */
  async query(sql: string | Buffer): Promise<RawPacket[]> {
    const text = typeof sql === 'string' ? Buffer.from(sql, 'utf8') : sql;
    return this.readResultSet(await this.command(Buffer.concat([Buffer.from([Command.QUERY]), text])));
  }

  /** COM_STMT_PREPARE; reads the parameter and column definitions that follow its OK. */
  async prepare(sql: string): Promise<PreparedStatement | ErrPacket> {
    const reply = await this.command(Buffer.concat([Buffer.from([Command.STMT_PREPARE]), Buffer.from(sql, 'utf8')]));
    const error = parseErr(reply.payload);
    if (error) return error;
    const statementId = reply.payload.readUInt32LE(1);
    const columns = reply.payload.readUInt16LE(5);
    const params = reply.payload.readUInt16LE(7);
    for (const count of [params, columns]) {
      if (count === 0) continue;
      for (let i = 0; i < count; i++) await this.readPacket();
      const eof = await this.readPacket();
      if (!isEof(eof.payload)) throw new Error(`expected an EOF after the definitions, got ${eof.payload.toString('hex')}`);
    }
    return { statementId, columns, params };
  }

  /** The fixed head of COM_STMT_EXECUTE: command, statement id, flags (no cursor), iteration count 1. */
  static executeHead(statementId: number): Buffer {
    const head = Buffer.alloc(10);
    head[0] = Command.STMT_EXECUTE;
    head.writeUInt32LE(statementId, 1);
    head[5] = 0;
    head.writeUInt32LE(1, 6);
    return head;
  }
}
