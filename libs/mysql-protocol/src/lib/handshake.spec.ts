import { Capability, SERVER_CAPABILITIES } from './constants';
import { decodeHandshakeResponse41, encodeHandshakeV10 } from './handshake';
import { codeOf, hex, protocolErrorOf } from './bytes.spec-helper';
import { PayloadWriter } from './wire';

const scramble = Buffer.from('abcdefghijklmnopqrst');

/** A HandshakeResponse41 assembled field by field, as mysql2 and the mariadb client write it. */
function clientResponse(options: { capabilities?: number; authResponse?: Buffer; database?: string; attributes?: [string, string][] } = {}) {
  const capabilities = options.capabilities ?? SERVER_CAPABILITIES;
  const writer = new PayloadWriter().u32(capabilities).u32(0x1000000).u8(45).zeros(23).nulString('root');
  const auth = options.authResponse ?? Buffer.alloc(20, 7);
  if (capabilities & Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA) writer.lenencBytes(auth);
  else writer.u8(auth.length).bytes(auth);
  if (capabilities & Capability.CONNECT_WITH_DB) writer.nulString(options.database ?? '');
  if (capabilities & Capability.PLUGIN_AUTH) writer.nulString('mysql_native_password');
  if (capabilities & Capability.CONNECT_ATTRS) {
    const attributes = new PayloadWriter();
    for (const [key, value] of options.attributes ?? []) attributes.lenencBytes(key).lenencBytes(value);
    writer.lenencBytes(attributes.toBuffer());
  }
  return writer.toBuffer();
}

describe('mysql-protocol', () => {
  describe('handshake', () => {
    it('encodes HandshakeV10 byte for byte', () => {
      const bytes = encodeHandshakeV10({ serverVersion: '10.11.0-kbinlog', connectionId: 7, scramble, authPlugin: 'mysql_native_password' });
      const expected = Buffer.concat([
        hex('0a'),
        Buffer.from('10.11.0-kbinlog\0'),
        hex('07000000'),
        Buffer.from('abcdefgh'),
        hex('00'),
        hex('0fa2'), // capabilities low: 0xa20f
        hex('2d'), // utf8mb4_general_ci
        hex('0200'), // autocommit
        hex('3e00'), // capabilities high: 0x003e (no MULTI_STATEMENTS)
        hex('15'),
        Buffer.alloc(10),
        Buffer.from('ijklmnopqrst'),
        hex('00'),
        Buffer.from('mysql_native_password\0'),
      ]);
      expect(bytes.toString('hex')).toBe(expected.toString('hex'));
      expect(SERVER_CAPABILITIES).toBe(0x3ea20f);
      expect(SERVER_CAPABILITIES & (Capability.SSL | Capability.COMPRESS | Capability.DEPRECATE_EOF)).toBe(0);
    });

    it('refuses a scramble that is not 20 NUL-free bytes', () => {
      const encode = (bad: Buffer) => () => encodeHandshakeV10({ serverVersion: 'x', connectionId: 1, scramble: bad, authPlugin: 'p' });
      expect(encode(Buffer.alloc(19, 1))).toThrow(RangeError);
      expect(encode(Buffer.alloc(20, 0))).toThrow(RangeError);
    });

    it('decodes a response with lenenc auth data, a database and attributes', () => {
      const response = decodeHandshakeResponse41(
        clientResponse({ database: 'shop', attributes: [['_client_name', 'Node-MySQL-2'], ['_pid', '42']] }),
      );
      expect(response).toEqual({
        capabilities: SERVER_CAPABILITIES,
        maxPacketSize: 0x1000000,
        charset: 45,
        user: 'root',
        authResponse: Buffer.alloc(20, 7),
        database: 'shop',
        authPlugin: 'mysql_native_password',
        attributes: new Map([
          ['_client_name', 'Node-MySQL-2'],
          ['_pid', '42'],
        ]),
      });
    });

    it('reads a 1-byte auth length without PLUGIN_AUTH_LENENC_CLIENT_DATA, and no database when empty', () => {
      const capabilities = SERVER_CAPABILITIES & ~Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA & ~Capability.CONNECT_ATTRS;
      const response = decodeHandshakeResponse41(clientResponse({ capabilities, authResponse: Buffer.alloc(0) }));
      expect(response.authResponse).toEqual(Buffer.alloc(0));
      expect(response.database).toBeUndefined();
      expect(response.authPlugin).toBe('mysql_native_password');
    });

    it('accepts a response that ends before optional fields', () => {
      const full = clientResponse({ capabilities: SERVER_CAPABILITIES });
      const cut = full.subarray(0, 32 + 5 + 21); // through user and auth response
      expect(decodeHandshakeResponse41(cut)).toMatchObject({ user: 'root', attributes: new Map() });
    });

    it('refuses a client without PROTOCOL_41: 1043 / 08S01, fatal', () => {
      const error = protocolErrorOf(() => decodeHandshakeResponse41(clientResponse({ capabilities: SERVER_CAPABILITIES & ~Capability.PROTOCOL_41 })));
      expect([error.errno, error.sqlState, error.fatal]).toEqual([1043, '08S01', true]);
    });

    it('refuses an SSL request, which we do not offer', () => {
      const sslRequest = new PayloadWriter().u32(SERVER_CAPABILITIES | Capability.SSL).u32(0).u8(45).zeros(23).toBuffer();
      expect(codeOf(() => decodeHandshakeResponse41(sslRequest))).toEqual([1043, '08S01']);
    });

    it.each([
      ['3 bytes', hex('0fa23f')],
      ['nothing', Buffer.alloc(0)],
      ['a user name without NUL', Buffer.concat([clientResponse().subarray(0, 32), Buffer.from('root')])],
      ['an auth length past the end', Buffer.concat([clientResponse().subarray(0, 37), hex('fc ff00 01')])],
      ['attributes claiming more than sent', Buffer.concat([clientResponse({ database: 'd' }).subarray(0, -1), hex('10 01 61')])],
      ['an attribute value cut short', Buffer.concat([clientResponse({ database: 'd' }).subarray(0, -1), hex('03 01 61 05')])],
    ])('refuses a response with %s as a bad handshake', (_name, payload) => {
      expect(codeOf(() => decodeHandshakeResponse41(payload))).toEqual([1043, '08S01']);
    });
  });
});
