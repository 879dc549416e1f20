import { ProtocolError, ServerError } from './errors';

/** A physical packet's payload of exactly this many bytes continues in the next packet. */
export const MAX_PACKET_CHUNK = 0xffffff;

/** Default limit on one logical payload (MySQL's max_allowed_packet default is 64 MiB). */
export const DEFAULT_MAX_PAYLOAD = 16 * 1024 * 1024 * 4;

const HEADER_SIZE = 4;

export interface Packet {
  /** Sequence id of the first physical packet. */
  readonly sequenceId: number;
  /** Sequence id of the last physical packet; a reply starts at this + 1 (mod 256). */
  readonly lastSequenceId: number;
  readonly payload: Buffer;
}

export interface PacketReaderOptions {
  /** Largest logical payload accepted; refused before its bytes are buffered. */
  maxPayload?: number;
}

/**
 * Splits a byte stream into logical packets, joining 0xFFFFFF-byte continuations. Call next()
 * until it returns undefined after every push(): that keeps buffering to one packet in progress.
 * Errors are fatal (the stream can no longer be framed) and every later next() repeats them.
 */
export class PacketReader {
  private readonly maxPayload: number;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private parts: Buffer[] = [];
  private partsLength = 0;
  private firstSequenceId = 0;
  private lastSequenceId = 0;
  private failure: ProtocolError | undefined;

  constructor(options: PacketReaderOptions = {}) {
    this.maxPayload = options.maxPayload ?? DEFAULT_MAX_PAYLOAD;
  }

  /** Bytes held: unread input plus the parts of a payload still waiting for its continuation. */
  get bufferedBytes(): number {
    return this.buffered + this.partsLength;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  next(): Packet | undefined {
    if (this.failure) throw this.failure;
    for (;;) {
      if (this.buffered < HEADER_SIZE) return undefined;
      const header = this.peek(HEADER_SIZE);
      const length = header.readUIntLE(0, 3);
      const sequenceId = header[3] as number;
      const continuing = this.parts.length > 0;
      if (continuing && sequenceId !== (this.lastSequenceId + 1) % 256) {
        return this.fail(
          new ProtocolError(
            ServerError.NET_PACKETS_OUT_OF_ORDER,
            `Got packets out of order: continuation has sequence id ${sequenceId}, expected ${(this.lastSequenceId + 1) % 256}`,
            { fatal: true },
          ),
        );
      }
      if (this.partsLength + length > this.maxPayload) {
        return this.fail(
          new ProtocolError(
            ServerError.NET_PACKET_TOO_LARGE,
            `Got a packet bigger than 'max_allowed_packet' bytes (${this.maxPayload})`,
            { fatal: true },
          ),
        );
      }
      if (this.buffered < HEADER_SIZE + length) return undefined;
      this.take(HEADER_SIZE);
      if (!continuing) this.firstSequenceId = sequenceId;
      this.lastSequenceId = sequenceId;
      this.parts.push(this.take(length));
      this.partsLength += length;
      if (length < MAX_PACKET_CHUNK) {
        const payload = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts, this.partsLength);
        this.parts = [];
        this.partsLength = 0;
        return { sequenceId: this.firstSequenceId, lastSequenceId: this.lastSequenceId, payload };
      }
    }
  }

  private fail(error: ProtocolError): never {
    this.failure = error;
    this.chunks = [];
    this.buffered = 0;
    this.parts = [];
    this.partsLength = 0;
    throw error;
  }

  private peek(count: number): Buffer {
    const first = this.chunks[0] as Buffer;
    if (first.length >= count) return first.subarray(0, count);
    this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    return (this.chunks[0] as Buffer).subarray(0, count);
  }

  /** Removes count bytes from the front; copies only when they span chunks. */
  private take(count: number): Buffer {
    this.buffered -= count;
    const first = this.chunks[0];
    if (count === 0) return Buffer.alloc(0);
    if (first && first.length >= count) {
      if (first.length === count) this.chunks.shift();
      else this.chunks[0] = first.subarray(count);
      return Buffer.from(first.subarray(0, count));
    }
    const out = Buffer.alloc(count);
    let filled = 0;
    while (filled < count) {
      const chunk = this.chunks[0] as Buffer;
      const used = Math.min(chunk.length, count - filled);
      chunk.copy(out, filled, 0, used);
      filled += used;
      if (used === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(used);
    }
    return out;
  }
}

/** Frames one payload as packets from firstSequenceId, adding the empty packet a 0xFFFFFF multiple needs. */
export function writePackets(payload: Buffer, firstSequenceId: number): Buffer {
  return writePacketSequence([payload], firstSequenceId).bytes;
}

/** Frames several payloads (a result set) with consecutive sequence ids. */
export function writePacketSequence(
  payloads: readonly Buffer[],
  firstSequenceId: number,
): { bytes: Buffer; nextSequenceId: number } {
  if (!Number.isInteger(firstSequenceId) || firstSequenceId < 0 || firstSequenceId > 255) {
    throw new RangeError(`sequence id out of range: ${firstSequenceId}`);
  }
  const out: Buffer[] = [];
  let sequenceId = firstSequenceId;
  for (const payload of payloads) {
    let offset = 0;
    for (;;) {
      const length = Math.min(MAX_PACKET_CHUNK, payload.length - offset);
      const header = Buffer.alloc(HEADER_SIZE);
      header.writeUIntLE(length, 0, 3);
      header[3] = sequenceId;
      out.push(header, payload.subarray(offset, offset + length));
      sequenceId = (sequenceId + 1) % 256;
      offset += length;
      if (length < MAX_PACKET_CHUNK) break;
    }
  }
  return { bytes: Buffer.concat(out), nextSequenceId: sequenceId };
}
