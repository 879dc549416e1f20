import { Capability, Charset, SERVER_CAPABILITIES, ServerStatus } from './constants';
import { ProtocolError, rethrowMalformedAs, ServerError } from './errors';
import { PayloadReader, PayloadWriter } from './wire';

export const SCRAMBLE_LENGTH = 20;

export interface HandshakeV10 {
  serverVersion: string;
  connectionId: number;
  /** 20 bytes without NUL: clients read part 2 up to a NUL. */
  scramble: Buffer;
  authPlugin: string;
  /** Default SERVER_CAPABILITIES. */
  capabilities?: number;
  /** Default utf8mb4_general_ci (45). */
  charset?: number;
  /** Default SERVER_STATUS_AUTOCOMMIT. */
  statusFlags?: number;
}

/** The server's first packet (Protocol::HandshakeV10). */
export function encodeHandshakeV10(handshake: HandshakeV10): Buffer {
  const { scramble } = handshake;
  if (scramble.length !== SCRAMBLE_LENGTH || scramble.includes(0)) {
    throw new RangeError(`scramble must be ${SCRAMBLE_LENGTH} bytes without NUL`);
  }
  const capabilities = handshake.capabilities ?? SERVER_CAPABILITIES;
  return new PayloadWriter()
    .u8(10)
    .nulString(handshake.serverVersion)
    .u32(handshake.connectionId)
    .bytes(scramble.subarray(0, 8))
    .u8(0)
    .u16(capabilities & 0xffff)
    .u8(handshake.charset ?? Charset.UTF8MB4_GENERAL_CI)
    .u16(handshake.statusFlags ?? ServerStatus.AUTOCOMMIT)
    .u16(capabilities >>> 16)
    .u8(SCRAMBLE_LENGTH + 1)
    // MariaDB reads the last 4 reserved bytes as extended capabilities; we claim none.
    .zeros(10)
    .bytes(scramble.subarray(8))
    .u8(0)
    .nulString(handshake.authPlugin)
    .toBuffer();
}

export interface HandshakeResponse41 {
  /** Flags as the client sent them. */
  capabilities: number;
  maxPacketSize: number;
  charset: number;
  user: string;
  authResponse: Buffer;
  /** Absent when the client did not ask for one (or sent an empty name). */
  database?: string;
  authPlugin?: string;
  attributes: Map<string, string>;
}

const badHandshake = (why: string) => new ProtocolError(ServerError.HANDSHAKE_ERROR, `Bad handshake: ${why}`, { fatal: true });

/** The client's reply to the handshake. Any failure is ER_HANDSHAKE_ERROR and ends the connection. */
export function decodeHandshakeResponse41(payload: Buffer): HandshakeResponse41 {
  try {
    return decode(payload);
  } catch (error) {
    return rethrowMalformedAs(error, ServerError.HANDSHAKE_ERROR, 'Bad handshake', true);
  }
}

function decode(payload: Buffer): HandshakeResponse41 {
  const reader = new PayloadReader(payload);
  // PROTOCOL_41 sits in the low 16 bits, the only part a pre-4.1 response shares with ours.
  if (payload.length >= 2 && !(payload.readUInt16LE(0) & Capability.PROTOCOL_41)) {
    throw badHandshake('client does not speak protocol 4.1');
  }
  const capabilities = reader.u32('capability flags');
  if (capabilities & Capability.SSL) throw badHandshake('SSL is not offered');
  const maxPacketSize = reader.u32('max packet size');
  const charset = reader.u8('character set');
  reader.skip(23, 'reserved bytes');
  const user = reader.nulString('user name');
  let authResponse: Buffer;
  if (capabilities & Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA) authResponse = reader.lenencBytes('auth response');
  else if (capabilities & Capability.SECURE_CONNECTION) authResponse = reader.bytes(reader.u8('auth response length'), 'auth response');
  else authResponse = reader.nulBytes('auth response');
  const response: HandshakeResponse41 = {
    capabilities: capabilities >>> 0,
    maxPacketSize,
    charset,
    user,
    authResponse: Buffer.from(authResponse),
    attributes: new Map(),
  };
  // Clients that set these flags may still end the packet early; an absent field is no field.
  if (capabilities & Capability.CONNECT_WITH_DB && !reader.atEnd) {
    const database = reader.nulString('database');
    if (database !== '') response.database = database;
  }
  if (capabilities & Capability.PLUGIN_AUTH && !reader.atEnd) {
    const plugin = reader.nulString('auth plugin name');
    if (plugin !== '') response.authPlugin = plugin;
  }
  if (capabilities & Capability.CONNECT_ATTRS && !reader.atEnd) {
    const attributes = new PayloadReader(reader.lenencBytes('connection attributes'));
    while (!attributes.atEnd) {
      const key = attributes.lenencString('attribute name');
      response.attributes.set(key, attributes.lenencString('attribute value'));
    }
  }
  return response;
}
