/**
 * A raw memcached text-protocol client for end-to-end tests, as telnet would be: it writes the
 * bytes it is given, unchanged, and reads until a given number of complete replies have arrived.
 *
 * Replies are returned as latin1 strings: one character per byte, so comparing them with an
 * expected string compares the exact bytes (build expectations of non-ASCII data with `bytes()`).
 *
 * Framing, so a read never stops early or swallows the next reply:
 * - `VALUE <key> <flags> <bytes>[ <cas>]` lines carry `<bytes>` + 2 bytes of data; they and the
 *   `END` that follows them are one reply (a retrieval);
 * - `STAT …` lines up to `END` are one reply (stats);
 * - any other line is a reply of its own.
 */
import { connect, type Socket } from 'node:net';

const CRLF = Buffer.from('\r\n', 'latin1');
const DEFAULT_TIMEOUT_MS = 5_000;

/** The bytes of `text` in UTF-8, as the latin1 string replies are compared with. */
export function bytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/**
 * Where the reply starting at `start` ends (exclusive), or undefined while it is incomplete.
 * Throws on bytes that cannot start a reply of a retrieval or stats once one has begun.
 */
export function replyEnd(buffer: Buffer, start: number): number | undefined {
  let position = start;
  const line = (): string | undefined => {
    const end = buffer.indexOf(CRLF, position);
    if (end < 0) return undefined;
    const text = buffer.subarray(position, end).toString('latin1');
    position = end + 2;
    return text;
  };
  const first = line();
  if (first === undefined) return undefined;
  if (!first.startsWith('VALUE ') && !first.startsWith('STAT ')) return position;
  for (let current: string | undefined = first; ; current = line()) {
    if (current === undefined) return undefined;
    if (current === 'END') return position;
    if (current.startsWith('STAT ')) continue;
    const header = /^VALUE \S+ \d+ (\d+)(?: \d+)?$/.exec(current);
    if (!header) throw new Error(`not a VALUE, STAT or END line inside a multi-line reply: ${JSON.stringify(current)}`);
    const dataEnd = position + Number(header[1]) + 2;
    if (buffer.length < dataEnd) return undefined;
    position = dataEnd;
  }
}

export class MemcachedTextClient {
  private received = Buffer.alloc(0);
  private ended = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.notify();
    });
    socket.on('end', () => {
      this.ended = true;
      this.notify();
    });
    socket.on('close', () => {
      this.ended = true;
      this.notify();
    });
    socket.on('error', (error) => {
      this.failure = error;
      this.notify();
    });
  }

  static connect(port: number, host = '127.0.0.1'): Promise<MemcachedTextClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host }, () => {
        socket.off('error', reject);
        socket.setNoDelay(true);
        resolve(new MemcachedTextClient(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Writes `data` as is (a string is sent as its UTF-8 bytes; use a Buffer for any other bytes). */
  send(data: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(data, (error) => (error ? reject(error) : resolve())));
  }

  /**
   * Sends `data` and returns exactly the next `replies` complete replies, concatenated. Fails if
   * bytes nobody asked for were waiting before the request (a reply that should not exist).
   */
  async request(data: string | Buffer, replies = 1, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string> {
    this.assertNothingPending();
    await this.send(data);
    return this.read(replies, timeoutMs);
  }

  /** Reads exactly `replies` complete replies. */
  async read(replies = 1, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let end: number | undefined = 0;
      for (let n = 0; n < replies && end !== undefined; n++) end = replyEnd(this.received, end);
      if (end !== undefined) {
        const reply = this.received.subarray(0, end).toString('latin1');
        this.received = this.received.subarray(end);
        return reply;
      }
      if (this.failure) throw this.failure;
      if (this.ended) throw new Error(`connection closed while waiting for ${replies} reply(ies); received ${this.describeReceived()}`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${replies} reply(ies); received ${this.describeReceived()}`);
      await this.nextEvent(remaining);
    }
  }

  /** Resolves once the server has closed the connection; returns whatever it sent first. */
  async closedByServer(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      if (this.failure) throw this.failure;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`the server did not close the connection within ${timeoutMs} ms; received ${this.describeReceived()}`);
      await this.nextEvent(remaining);
    }
    const rest = this.received.toString('latin1');
    this.received = Buffer.alloc(0);
    return rest;
  }

  /** Fails if any received bytes were not read as a reply. */
  assertNothingPending(): void {
    if (this.received.length > 0) throw new Error(`unexpected bytes from the server: ${this.describeReceived()}`);
  }

  close(): void {
    this.socket.destroy();
  }

  private describeReceived(): string {
    const text = this.received.toString('latin1');
    return JSON.stringify(text.length > 300 ? `${text.slice(0, 300)}…` : text);
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private nextEvent(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, timeoutMs);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
