import { DEFAULT_MAX_PAYLOAD, MAX_PACKET_CHUNK, PacketReader, writePackets, writePacketSequence } from './packet-framer';
import { codeOf, hex, protocolErrorOf } from './bytes.spec-helper';

const header = (length: number, sequenceId: number) => {
  const bytes = Buffer.alloc(4);
  bytes.writeUIntLE(length, 0, 3);
  bytes[3] = sequenceId;
  return bytes;
};

describe('mysql-protocol', () => {
  describe('packet framing', () => {
    it('reads a packet split across pushes, one byte at a time', () => {
      const reader = new PacketReader();
      const bytes = hex('03 00 00 00 01 02 03 01 00 00 05 0e');
      for (const byte of bytes.subarray(0, 6)) {
        reader.push(Buffer.from([byte]));
        expect(reader.next()).toBeUndefined();
      }
      reader.push(bytes.subarray(6));
      expect(reader.next()).toEqual({ sequenceId: 0, lastSequenceId: 0, payload: hex('010203') });
      expect(reader.next()).toEqual({ sequenceId: 5, lastSequenceId: 5, payload: hex('0e') });
      expect(reader.next()).toBeUndefined();
      expect(reader.bufferedBytes).toBe(0);
    });

    it('reads an empty payload', () => {
      const reader = new PacketReader();
      reader.push(hex('00 00 00 03'));
      expect(reader.next()).toEqual({ sequenceId: 3, lastSequenceId: 3, payload: Buffer.alloc(0) });
    });

    it('joins 0xFFFFFF-byte continuation packets, ending with a shorter one', () => {
      const payload = Buffer.alloc(MAX_PACKET_CHUNK + 10, 0x61);
      payload[MAX_PACKET_CHUNK] = 0x62;
      const reader = new PacketReader();
      reader.push(writePackets(payload, 0));
      const packet = reader.next();
      expect(packet?.sequenceId).toBe(0);
      expect(packet?.lastSequenceId).toBe(1);
      expect(packet?.payload.equals(payload)).toBe(true);
    });

    it('writes a 0xFFFFFF multiple with a trailing empty packet, wrapping sequence ids at 256', () => {
      const bytes = writePackets(Buffer.alloc(MAX_PACKET_CHUNK), 255);
      expect(bytes.length).toBe(MAX_PACKET_CHUNK + 8);
      expect(bytes.subarray(0, 4)).toEqual(hex('ff ff ff ff'));
      expect(bytes.subarray(MAX_PACKET_CHUNK + 4)).toEqual(hex('00 00 00 00'));
      const reader = new PacketReader();
      reader.push(bytes);
      expect(reader.next()?.payload.length).toBe(MAX_PACKET_CHUNK);
    });

    it('frames a sequence of payloads with consecutive ids', () => {
      expect(writePacketSequence([hex('01'), hex('0203')], 1)).toEqual({
        bytes: hex('01 00 00 01 01  02 00 00 02 02 03'),
        nextSequenceId: 3,
      });
      expect(() => writePackets(hex('00'), 256)).toThrow(RangeError);
    });

    it('waits on a 0xFFFFFF packet without continuation, holding only that packet', () => {
      const reader = new PacketReader();
      reader.push(Buffer.concat([header(MAX_PACKET_CHUNK, 0), Buffer.alloc(MAX_PACKET_CHUNK)]));
      expect(reader.next()).toBeUndefined();
      expect(reader.bufferedBytes).toBe(MAX_PACKET_CHUNK);
    });

    it('refuses a claimed 100 MB at the header that crosses the limit: 1153 / 08S01, fatal, repeated', () => {
      // 100 MB arrives as seven 0xFFFFFF packets; a 20 MiB limit trips on the second header,
      // before any of its body is buffered.
      const reader = new PacketReader({ maxPayload: 20 * 1024 * 1024 });
      reader.push(Buffer.concat([header(MAX_PACKET_CHUNK, 0), Buffer.alloc(MAX_PACKET_CHUNK)]));
      expect(reader.next()).toBeUndefined();
      reader.push(header(MAX_PACKET_CHUNK, 1));
      const error = protocolErrorOf(() => reader.next());
      expect([error.errno, error.sqlState, error.fatal]).toEqual([1153, '08S01', true]);
      expect(reader.bufferedBytes).toBe(0);
      reader.push(hex('01 00 00 00 0e'));
      expect(codeOf(() => reader.next())).toEqual([1153, '08S01']);
    });

    it('refuses a single header over a small limit without waiting for its body', () => {
      const reader = new PacketReader({ maxPayload: 1024 });
      reader.push(header(MAX_PACKET_CHUNK, 0));
      expect(codeOf(() => reader.next())).toEqual([1153, '08S01']);
    });

    it('defaults to a 64 MiB limit', () => {
      expect(DEFAULT_MAX_PAYLOAD).toBe(64 * 1024 * 1024);
    });

    it('counts continuations against the limit', () => {
      const reader = new PacketReader({ maxPayload: MAX_PACKET_CHUNK + 5 });
      reader.push(Buffer.concat([header(MAX_PACKET_CHUNK, 0), Buffer.alloc(MAX_PACKET_CHUNK), header(6, 1)]));
      expect(codeOf(() => reader.next())).toEqual([1153, '08S01']);
    });

    it('accepts a payload of exactly the limit', () => {
      const reader = new PacketReader({ maxPayload: 3 });
      reader.push(hex('03 00 00 00 01 02 03'));
      expect(reader.next()?.payload).toEqual(hex('010203'));
    });

    it('refuses a continuation with the wrong sequence id: 1156', () => {
      const reader = new PacketReader();
      reader.push(Buffer.concat([header(MAX_PACKET_CHUNK, 0), Buffer.alloc(MAX_PACKET_CHUNK), header(1, 7), hex('00')]));
      expect(codeOf(() => reader.next())).toEqual([1156, '08S01']);
    });
  });
});
