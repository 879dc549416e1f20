import { connect, type Socket } from 'node:net';

/**
 * A raw memcached text-protocol client for end-to-end tests: bytes out, bytes in, as telnet
 * would. Replies are read until they are complete (one line, or VALUE…END for retrievals).
 */
export class MemcachedTestClient {
  private buffer = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  private ended = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.waiter?.();
    });
    socket.on('close', () => {
      this.ended = true;
      this.waiter?.();
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number, host = '127.0.0.1'): Promise<MemcachedTestClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, host, () => resolve(new MemcachedTestClient(socket)));
      socket.once('error', reject);
    });
  }

  get isClosed(): boolean {
    return this.ended;
  }

  /** Sends raw bytes and reads until `complete` says the reply is whole; rejects if the server closes first. */
  async call(request: string | Buffer, complete: (reply: string) => boolean = isLine, timeoutMs = 10_000): Promise<string> {
    this.socket.write(request);
    return this.read(complete, timeoutMs);
  }

  async read(complete: (reply: string) => boolean, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = this.buffer.toString('latin1');
      if (complete(text)) {
        this.buffer = Buffer.alloc(0);
        return text;
      }
      if (this.ended) throw new Error(`connection closed; partial reply ${JSON.stringify(text)}`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`no complete reply within ${timeoutMs} ms; got ${JSON.stringify(text)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
  }

  set(key: string, value: string, flags = 0, exptime = 0): Promise<string> {
    return this.call(`set ${key} ${flags} ${exptime} ${Buffer.byteLength(value)}\r\n${value}\r\n`);
  }

  /** gets: key → { value, flags, cas } for each hit. */
  async gets(...keys: string[]): Promise<Map<string, { value: string; flags: number; cas: string }>> {
    const reply = await this.call(`gets ${keys.join(' ')}\r\n`, isRetrieval);
    const hits = new Map<string, { value: string; flags: number; cas: string }>();
    const pattern = /VALUE (\S+) (\d+) (\d+) (\d+)\r\n/g;
    for (let match = pattern.exec(reply); match; match = pattern.exec(reply)) {
      const start = match.index + match[0].length;
      hits.set(match[1], { flags: Number(match[2]), value: reply.slice(start, start + Number(match[3])), cas: match[4] });
      pattern.lastIndex = start + Number(match[3]) + 2;
    }
    return hits;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** One reply line. */
export function isLine(reply: string): boolean {
  return reply.endsWith('\r\n');
}

/** A get/gets reply: VALUE blocks then END, or an error line. */
export function isRetrieval(reply: string): boolean {
  return /(^|\r\n)END\r\n$/.test(reply) || /^(ERROR|CLIENT_ERROR[^\r]*|SERVER_ERROR[^\r]*)\r\n$/.test(reply);
}
