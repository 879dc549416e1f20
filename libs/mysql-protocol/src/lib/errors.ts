/** A server error number with the SQLSTATE MySQL pairs it with. */
export interface ServerErrorCode {
  readonly errno: number;
  readonly sqlState: string;
}

/** The errors this library raises or the server built on it is expected to send. */
export const ServerError = {
  /** 1043: malformed or unacceptable handshake response. */
  HANDSHAKE_ERROR: { errno: 1043, sqlState: '08S01' },
  /** 1045: wrong user or password. */
  ACCESS_DENIED: { errno: 1045, sqlState: '28000' },
  /** 1046: a statement needs a default database and none is selected. */
  NO_DB: { errno: 1046, sqlState: '3D000' },
  /** 1047: command byte we do not implement. */
  UNKNOWN_COM: { errno: 1047, sqlState: '08S01' },
  /** 1064: SQL syntax error. */
  PARSE_ERROR: { errno: 1064, sqlState: '42000' },
  /** 1153: a payload over the maximum packet size. */
  NET_PACKET_TOO_LARGE: { errno: 1153, sqlState: '08S01' },
  /** 1156: continuation packet with the wrong sequence id. */
  NET_PACKETS_OUT_OF_ORDER: { errno: 1156, sqlState: '08S01' },
  /** 1210: bad COM_STMT_EXECUTE parameters. */
  WRONG_ARGUMENTS: { errno: 1210, sqlState: 'HY000' },
  /** 1243: statement id not prepared on this connection. */
  UNKNOWN_STMT_HANDLER: { errno: 1243, sqlState: 'HY000' },
  /** 1290: server runs read-only. */
  OPTION_PREVENTS_STATEMENT: { errno: 1290, sqlState: 'HY000' },
  /** 1300: text that is not valid UTF-8. */
  INVALID_CHARACTER_STRING: { errno: 1300, sqlState: 'HY000' },
  /** 1835: payload shorter than its fields claim, or otherwise unreadable. */
  MALFORMED_PACKET: { errno: 1835, sqlState: 'HY000' },
} as const satisfies Record<string, ServerErrorCode>;

/**
 * Bad input from the client, carrying what to put in the ERR packet. `fatal` errors leave the
 * byte stream unusable (framing); the connection must be closed after sending the ERR.
 */
export class ProtocolError extends Error {
  readonly errno: number;
  readonly sqlState: string;
  readonly fatal: boolean;

  constructor(code: ServerErrorCode, message: string, options: { fatal?: boolean } = {}) {
    super(message);
    this.name = 'ProtocolError';
    this.errno = code.errno;
    this.sqlState = code.sqlState;
    this.fatal = options.fatal ?? false;
  }
}

export const malformed = (what: string): ProtocolError =>
  new ProtocolError(ServerError.MALFORMED_PACKET, `Malformed communication packet: ${what}`);

/** Re-raises malformed-packet errors as `code` (MySQL reports them per context); others pass. */
export function rethrowMalformedAs(error: unknown, code: ServerErrorCode, message: string, fatal = false): never {
  if (error instanceof ProtocolError && error.errno === ServerError.MALFORMED_PACKET.errno) {
    throw new ProtocolError(code, `${message} (${error.message})`, { fatal });
  }
  throw error;
}
