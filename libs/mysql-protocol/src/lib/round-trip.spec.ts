import { createHash } from 'node:crypto';
import { nativePasswordHash, randomScramble, verifyNativePassword } from './auth';
import { decodeCommand } from './commands';
import { Capability, ColumnType, CommandCode, ServerStatus } from './constants';
import { decodeExecuteParams } from './execute-params';
import { decodeHandshakeResponse41, encodeHandshakeV10 } from './handshake';
import { PacketReader, writePackets, writePacketSequence } from './packet-framer';
import { encodeOk, encodeTextResultSet } from './responses';
import { hex } from './bytes.spec-helper';
import { PayloadReader, PayloadWriter } from './wire';

const sha1 = (...parts: Buffer[]) => parts.reduce((h, part) => h.update(part), createHash('sha1')).digest();

/** mysql2's default flags (ConnectionConfig.mergeFlags), masked to what the server offered. */
const MYSQL2_FLAGS =
  Capability.LONG_PASSWORD |
  Capability.FOUND_ROWS |
  Capability.LONG_FLAG |
  Capability.CONNECT_WITH_DB |
  Capability.ODBC |
  Capability.LOCAL_FILES |
  Capability.IGNORE_SPACE |
  Capability.PROTOCOL_41 |
  Capability.IGNORE_SIGPIPE |
  Capability.TRANSACTIONS |
  Capability.RESERVED |
  Capability.SECURE_CONNECTION |
  Capability.MULTI_RESULTS |
  Capability.PLUGIN_AUTH |
  Capability.CONNECT_ATTRS |
  Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA;

/** The client side of one exchange: read the server greeting, answer it, as a driver does. */
function clientHandshakeResponse(greeting: Buffer, password: string): Buffer {
  const reader = new PayloadReader(greeting, 1);
  reader.nulString();
  reader.u32();
  const part1 = reader.bytes(8);
  reader.skip(1 + 2 + 1 + 2 + 2 + 1 + 10);
  const scramble = Buffer.concat([part1, reader.bytes(12)]);
  const stage1 = sha1(Buffer.from(password));
  const token = Buffer.from(stage1.map((byte, i) => byte ^ (sha1(scramble, sha1(stage1))[i] as number)));
  const attributes = new PayloadWriter().lenencBytes('_client_name').lenencBytes('Node-MySQL-2').lenencBytes('_os').lenencBytes('linux');
  return new PayloadWriter()
    .u32(MYSQL2_FLAGS)
    .u32(0)
    .u8(45)
    .zeros(23)
    .nulString('app')
    .lenencBytes(token)
    .nulString('shop')
    .nulString('mysql_native_password')
    .lenencBytes(attributes.toBuffer())
    .toBuffer();
}

describe('mysql-protocol', () => {
  describe('round trip', () => {
    it('authenticates a mysql2-style handshake response carried in packets', () => {
      const scramble = randomScramble();
      const greeting = encodeHandshakeV10({ serverVersion: '10.11.6-MariaDB', connectionId: 3, scramble, authPlugin: 'mysql_native_password' });
      const reader = new PacketReader();
      reader.push(writePackets(clientHandshakeResponse(greeting, 'pw'), 1));
      const packet = reader.next();
      expect(packet?.sequenceId).toBe(1);
      const response = decodeHandshakeResponse41(packet?.payload ?? Buffer.alloc(0));
      expect(response).toMatchObject({ user: 'app', database: 'shop', authPlugin: 'mysql_native_password', charset: 45 });
      expect(Object.fromEntries(response.attributes)).toEqual({ _client_name: 'Node-MySQL-2', _os: 'linux' });
      expect(verifyNativePassword(nativePasswordHash('pw'), scramble, response.authResponse)).toBe(true);
      expect(verifyNativePassword(nativePasswordHash('other'), scramble, response.authResponse)).toBe(false);
      // OK at the next sequence id.
      expect(writePackets(encodeOk(), 2)).toEqual(hex('07 00 00 02 00 00 00 02 00 00 00'));
    });

    it('answers COM_QUERY with a text result set framed from sequence id 1', () => {
      const reader = new PacketReader();
      reader.push(writePackets(Buffer.concat([Buffer.from([CommandCode.QUERY]), Buffer.from('SELECT 1')]), 0));
      const packet = reader.next();
      expect(decodeCommand(packet?.payload ?? Buffer.alloc(0))).toEqual({ kind: 'query', sql: 'SELECT 1' });
      const { bytes, nextSequenceId } = writePacketSequence(
        encodeTextResultSet([{ name: '1', type: ColumnType.LONGLONG, charset: 63, length: 1 }], [['1']]),
        (packet?.lastSequenceId ?? 0) + 1,
      );
      expect(nextSequenceId).toBe(6);
      const client = new PacketReader();
      client.push(bytes);
      const sequence: number[] = [];
      for (let next = client.next(); next; next = client.next()) sequence.push(next.sequenceId);
      expect(sequence).toEqual([1, 2, 3, 4, 5]);
    });

    it('decodes a mysql2-style COM_STMT_EXECUTE with a NULL, a LONGLONG, a VAR_STRING and a DOUBLE', () => {
      const values = new PayloadWriter().i64(-9007199254740993n).lenencBytes('héllo').f64(3.25).toBuffer();
      const payload = new PayloadWriter()
        .u8(CommandCode.STMT_EXECUTE)
        .u32(1)
        .u8(0) // CURSOR_TYPE_NO_CURSOR
        .u32(1)
        .u8(0b0001) // parameter 0 is NULL
        .u8(1)
        .bytes(hex('0600 0800 fd00 0500'))
        .bytes(values)
        .toBuffer();
      const reader = new PacketReader();
      reader.push(writePackets(payload, 0));
      const command = decodeCommand(reader.next()?.payload ?? Buffer.alloc(0));
      if (command.kind !== 'stmt_execute') throw new Error(`got ${command.kind}`);
      expect([command.statementId, command.flags, command.iterationCount]).toEqual([1, 0, 1]);
      expect(decodeExecuteParams(command.rest, 4).values).toEqual([null, '-9007199254740993', 'héllo', '3.25']);
    });

    it('keeps statuses on the wire as given', () => {
      expect(encodeOk({ statusFlags: ServerStatus.IN_TRANS | ServerStatus.AUTOCOMMIT }).subarray(3, 5)).toEqual(hex('0300'));
    });
  });
});
