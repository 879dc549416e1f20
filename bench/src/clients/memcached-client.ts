import { connect, type Socket } from 'node:net';

const CRLF = Buffer.from('\r\n');

/** A reply other than the one the command expects (SERVER_ERROR …, NOT_STORED …). */
export class MemcachedReplyError extends Error {
  constructor(readonly reply: string) {
    super(`memcached replied ${reply}`);
    this.name = 'MemcachedReplyError';
  }
}

interface Pending {
  readonly kind: 'set' | 'get';
  readonly resolve: (value: string | undefined) => void;
  readonly reject: (error: Error) => void;
}

/**
 * A minimal memcached text-protocol client over one TCP connection: `set` and single-key `get`.
 * Requests may be pipelined (several in flight); replies come back in order.
 */
export class MemcachedClient {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly pending: Pending[] = [];
  private failure: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.parse();
    });
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('memcached connection closed')));
  }

  static connect(host: string, port: number): Promise<MemcachedClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, host);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new MemcachedClient(socket));
      });
      socket.once('error', reject);
    });
  }

  set(key: string, value: string, flags = 0): Promise<void> {
    const data = Buffer.from(value, 'utf8');
    return this.request('set', `set ${key} ${flags} 0 ${data.length}\r\n${value}\r\n`).then(() => undefined);
  }

  /** The value, or undefined on a miss. */
  get(key: string): Promise<string | undefined> {
    return this.request('get', `get ${key}\r\n`);
  }

  close(): void {
    this.socket.destroy();
  }

  private request(kind: Pending['kind'], bytes: string): Promise<string | undefined> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.push({ kind, resolve, reject });
      this.socket.write(bytes);
    });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const request of this.pending.splice(0)) request.reject(this.failure);
  }

  /** Settles as many pending requests as the buffered bytes complete. */
  private parse(): void {
    for (;;) {
      const request = this.pending[0];
      if (!request) return;
      const consumed = request.kind === 'set' ? this.parseSet(request) : this.parseGet(request);
      if (consumed === 0) return;
      this.pending.shift();
      this.buffer = this.buffer.subarray(consumed);
    }
  }

  private parseSet(request: Pending): number {
    const end = this.buffer.indexOf(CRLF);
    if (end < 0) return 0;
    const line = this.buffer.toString('utf8', 0, end);
    if (line === 'STORED') request.resolve(undefined);
    else request.reject(new MemcachedReplyError(line));
    return end + 2;
  }

  /** `VALUE <key> <flags> <bytes>\r\n<data>\r\nEND\r\n`, or `END\r\n` on a miss. */
  private parseGet(request: Pending): number {
    let offset = 0;
    let value: string | undefined;
    for (;;) {
      const end = this.buffer.indexOf(CRLF, offset);
      if (end < 0) return 0;
      const line = this.buffer.toString('utf8', offset, end);
      if (line === 'END') {
        request.resolve(value);
        return end + 2;
      }
      const header = /^VALUE \S+ \d+ (\d+)/.exec(line);
      if (!header) {
        request.reject(new MemcachedReplyError(line));
        return end + 2;
      }
      const dataStart = end + 2;
      const dataEnd = dataStart + Number(header[1]);
      if (this.buffer.length < dataEnd + 2) return 0;
      value = this.buffer.toString('utf8', dataStart, dataEnd);
      offset = dataEnd + 2;
    }
  }
}
