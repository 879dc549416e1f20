import { type Command, MemcachedParser, replyLine } from '@kbinlog/memcached-protocol';
import { createServer, type Server, type Socket } from 'node:net';
import { listen } from '../listen';

/** Executes one command for one connection; returns the reply bytes (empty for noreply), or 'close'. */
export interface CommandHandler {
  execute(command: Command, session: MemcachedSession): Promise<Buffer | 'close'>;
}

/** Per-connection state the plugin keeps: the container chosen with @@name. */
export interface MemcachedSession {
  container: string | undefined;
}

export interface MemcachedServerLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

/**
 * The memcached text-protocol listener: framing and parsing in libs/memcached-protocol, execution
 * in the handler. Commands of one connection run one at a time, in order, so pipelined requests
 * get their replies in order; connections run concurrently. `close` ends open connections too,
 * since net.Server#close only stops new ones.
 */
export class MemcachedServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly handler: CommandHandler,
    private readonly maxItemSize: number,
    private readonly log: MemcachedServerLog,
  ) {
    this.server = createServer((socket) => this.accept(socket));
  }

  listen(port: number, host: string): Promise<number> {
    return listen(this.server, port, host);
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  get connections(): number {
    return this.sockets.size;
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const parser = new MemcachedParser({ maxItemSize: this.maxItemSize });
    const session: MemcachedSession = { container: undefined };
    let draining = false;

    const drain = async (): Promise<void> => {
      if (draining) return;
      draining = true;
      // Stop reading while commands run: a fast client cannot grow our buffers without bound.
      socket.pause();
      try {
        for (let item = parser.next(); item !== undefined && !socket.destroyed; item = parser.next()) {
          if (item.type === 'error') {
            socket.write(replyLine(item.reply));
            if (item.close) {
              socket.end();
              return;
            }
            continue;
          }
          const reply = await this.handler.execute(item.command, session);
          if (reply === 'close') {
            socket.end();
            return;
          }
          if (reply.length > 0 && !socket.destroyed) socket.write(reply);
        }
      } catch (error) {
        this.log.warn({ event: 'memcached.connection_error', error: String(error) }, 'closing connection after an internal error');
        socket.destroy();
      } finally {
        draining = false;
        if (!socket.destroyed) socket.resume();
      }
    };

    socket.on('data', (chunk: Buffer) => {
      parser.push(chunk);
      void drain();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
  }
}
