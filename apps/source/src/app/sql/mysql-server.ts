import { createServer, type Server, type Socket } from 'node:net';
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
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  get size(): number {
    return this.connections.size;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const connection of this.connections) connection.close();
    await closed;
  }

  private accept(socket: Socket): void {
    const connection = new MysqlConnection(socket, { ...this.options, connectionId: this.nextConnectionId++ });
    this.connections.add(connection);
    socket.on('close', () => this.connections.delete(connection));
  }
}
