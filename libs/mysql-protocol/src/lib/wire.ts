import { malformed, ProtocolError, ServerError } from './errors';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Strict UTF-8: a lossy decode would silently change SQL text or identifiers. */
export function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new ProtocolError(ServerError.INVALID_CHARACTER_STRING, `Invalid utf8mb4 character string in ${what}`);
  }
}

/** Reads one payload front to back; every read is bounds-checked and fails with ER_MALFORMED_PACKET. */
export class PayloadReader {
  private position: number;

  constructor(
    private readonly payload: Buffer,
    offset = 0,
  ) {
    this.position = offset;
  }

  get offset(): number {
    return this.position;
  }

  get remaining(): number {
    return this.payload.length - this.position;
  }

  get atEnd(): boolean {
    return this.remaining === 0;
  }

  private need(count: number, what: string): number {
    if (count > this.remaining) throw malformed(`${what} needs ${count} bytes, ${this.remaining} left`);
    const start = this.position;
    this.position += count;
    return start;
  }

  u8(what = 'u8'): number {
    return this.payload[this.need(1, what)] as number;
  }

  u16(what = 'u16'): number {
    return this.payload.readUInt16LE(this.need(2, what));
  }

  u24(what = 'u24'): number {
    return this.payload.readUIntLE(this.need(3, what), 3);
  }

  u32(what = 'u32'): number {
    return this.payload.readUInt32LE(this.need(4, what));
  }

  u64(what = 'u64'): bigint {
    return this.payload.readBigUInt64LE(this.need(8, what));
  }

  i8(what = 'i8'): number {
    return this.payload.readInt8(this.need(1, what));
  }

  i16(what = 'i16'): number {
    return this.payload.readInt16LE(this.need(2, what));
  }

  i32(what = 'i32'): number {
    return this.payload.readInt32LE(this.need(4, what));
  }

  i64(what = 'i64'): bigint {
    return this.payload.readBigInt64LE(this.need(8, what));
  }

  f32(what = 'float'): number {
    return this.payload.readFloatLE(this.need(4, what));
  }

  f64(what = 'double'): number {
    return this.payload.readDoubleLE(this.need(8, what));
  }

  /** Length-encoded integer; `null` for the 0xFB (NULL) form. 0xFF is never a valid prefix. */
  lenencInt(what = 'length-encoded integer'): bigint | null {
    const first = this.u8(what);
    if (first < 0xfb) return BigInt(first);
    switch (first) {
      case 0xfb:
        return null;
      case 0xfc:
        return BigInt(this.u16(what));
      case 0xfd:
        return BigInt(this.u24(what));
      case 0xfe:
        return this.u64(what);
      default:
        throw malformed(`${what} starts with 0xff`);
    }
  }

  /** A length-encoded length, which must be non-NULL and fit in what is left of the payload. */
  lenencLength(what = 'length'): number {
    const value = this.lenencInt(what);
    if (value === null) throw malformed(`${what} is NULL`);
    if (value > BigInt(this.remaining)) throw malformed(`${what} claims ${value} bytes, ${this.remaining} left`);
    return Number(value);
  }

  lenencBytes(what = 'length-encoded string'): Buffer {
    return this.bytes(this.lenencLength(what), what);
  }

  lenencString(what = 'length-encoded string'): string {
    return decodeUtf8(this.lenencBytes(what), what);
  }

  nulBytes(what = 'NUL-terminated string'): Buffer {
    const end = this.payload.indexOf(0, this.position);
    if (end < 0) throw malformed(`${what} has no NUL terminator`);
    const bytes = this.payload.subarray(this.position, end);
    this.position = end + 1;
    return bytes;
  }

  nulString(what = 'NUL-terminated string'): string {
    return decodeUtf8(this.nulBytes(what), what);
  }

  bytes(count: number, what = 'bytes'): Buffer {
    const start = this.need(count, what);
    return this.payload.subarray(start, start + count);
  }

  skip(count: number, what = 'filler'): void {
    this.need(count, what);
  }

  rest(): Buffer {
    return this.bytes(this.remaining);
  }

  restString(what = 'string'): string {
    return decodeUtf8(this.rest(), what);
  }
}

/** Appends little-endian fields to a growing payload. */
export class PayloadWriter {
  private buffer: Buffer;
  private length = 0;

  constructor(initialSize = 64) {
    this.buffer = Buffer.alloc(initialSize);
  }

  /** Grows the buffer if needed; callers must read this.buffer only after calling it. */
  private reserve(count: number): number {
    if (this.length + count > this.buffer.length) {
      const grown = Buffer.alloc(Math.max(this.buffer.length * 2, this.length + count));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    const start = this.length;
    this.length += count;
    return start;
  }

  u8(value: number): this {
    const at = this.reserve(1);
    this.buffer.writeUInt8(value, at);
    return this;
  }

  u16(value: number): this {
    const at = this.reserve(2);
    this.buffer.writeUInt16LE(value, at);
    return this;
  }

  u24(value: number): this {
    const at = this.reserve(3);
    this.buffer.writeUIntLE(value, at, 3);
    return this;
  }

  u32(value: number): this {
    const at = this.reserve(4);
    this.buffer.writeUInt32LE(value, at);
    return this;
  }

  u64(value: bigint | number): this {
    const at = this.reserve(8);
    this.buffer.writeBigUInt64LE(BigInt(value), at);
    return this;
  }

  i8(value: number): this {
    const at = this.reserve(1);
    this.buffer.writeInt8(value, at);
    return this;
  }

  i16(value: number): this {
    const at = this.reserve(2);
    this.buffer.writeInt16LE(value, at);
    return this;
  }

  i32(value: number): this {
    const at = this.reserve(4);
    this.buffer.writeInt32LE(value, at);
    return this;
  }

  i64(value: bigint): this {
    const at = this.reserve(8);
    this.buffer.writeBigInt64LE(value, at);
    return this;
  }

  f32(value: number): this {
    const at = this.reserve(4);
    this.buffer.writeFloatLE(value, at);
    return this;
  }

  f64(value: number): this {
    const at = this.reserve(8);
    this.buffer.writeDoubleLE(value, at);
    return this;
  }

  /** Length-encoded integer in its shortest form (0xFB is reserved for NULL, so 251+ take 0xFC). */
  lenencInt(value: bigint | number): this {
    const n = BigInt(value);
    if (n < 0n || n > 0xffffffffffffffffn) throw new RangeError(`length-encoded integer out of range: ${n}`);
    if (n < 0xfbn) return this.u8(Number(n));
    if (n <= 0xffffn) return this.u8(0xfc).u16(Number(n));
    if (n <= 0xffffffn) return this.u8(0xfd).u24(Number(n));
    return this.u8(0xfe).u64(n);
  }

  lenencNull(): this {
    return this.u8(0xfb);
  }

  lenencBytes(value: Buffer | string): this {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    return this.lenencInt(bytes.length).bytes(bytes);
  }

  /** NUL-terminated string; an embedded NUL would end it early on the other side. */
  nulString(value: Buffer | string): this {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    if (bytes.includes(0)) throw new RangeError('NUL-terminated string contains a NUL byte');
    return this.bytes(bytes).u8(0);
  }

  bytes(value: Uint8Array): this {
    const at = this.reserve(value.length);
    this.buffer.set(value, at);
    return this;
  }

  zeros(count: number): this {
    const at = this.reserve(count);
    this.buffer.fill(0, at, this.length);
    return this;
  }

  toBuffer(): Buffer {
    return Buffer.from(this.buffer.subarray(0, this.length));
  }
}
