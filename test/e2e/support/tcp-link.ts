import { type Server, type Socket, connect, createServer } from 'node:net';
import { freePort } from './process-harness';

// A TCP link the test can cut: a relay on a port of its own to a target, which a region's
// processes use instead of the target's address (their DATABASE_URL). `cut()` closes every
// connection and refuses new ones, as a firewall rejecting the route would; `restore()` listens
// again on the same port.

export class TcpLink {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  private constructor(
    readonly port: number,
    private readonly targetPort: number,
    private readonly targetHost: string,
  ) {}

  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpLink> {
    const link = new TcpLink(await freePort(), targetPort, targetHost);
    await link.restore();
    return link;
  }

  get cutOff(): boolean {
    return this.server === undefined;
  }

  /** Listens again (no-op while open). */
  async restore(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => {
      const upstream = connect(this.targetPort, this.targetHost);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.once('close', () => this.sockets.delete(socket));
        socket.once('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  /** Closes every relayed connection and stops listening (no-op while cut). */
  async cut(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}
