import { createServer, type Server, type Socket } from 'node:net';
import { listen } from '../listen';
import { MysqlConnection, type MysqlConnectionOptions } from './mysql-connection';

/** The source's MySQL-protocol listener: one MysqlConnection per client socket. */
export class MysqlServer {
  private readonly server: Server;
  private readonly connections = new Set<MysqlConnection>();
  private nextConnectionId = 1;

  constructor(private readonly options: Omit<MysqlConnectionOptions, 'connectionId'>) {
    this.server = createServer((socket) => this.accept(socket));
  }

  listen(port: number, host: string): Promise<number> {
    return listen(this.server, port, host);
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const connection of this.connections) connection.close();
    await closed;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  private accept(socket: Socket): void {
    const connection = new MysqlConnection(socket, { ...this.options, connectionId: this.nextConnectionId++ });
    this.connections.add(connection);
    socket.on('close', () => this.connections.delete(connection));
  }
}
