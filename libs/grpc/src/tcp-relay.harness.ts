import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * For specs: a TCP relay in front of a gRPC server that can die like a SIGKILLed process. The
 * client's connections are reset (as the kernel answers for a dead process whose sockets still
 * held unread calls) and new ones refused, while the server behind only sees its callers go away.
 */
export class TcpRelay {
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;

  constructor(private readonly targetPort: number) {}

  /** Listens on a free port of 127.0.0.1 and resolves with it. */
  start(): Promise<number> {
    const server = createServer((client) => {
      const upstream = connect(this.targetPort, '127.0.0.1');
      for (const [from, to] of [
        [client, upstream],
        [upstream, client],
      ] as const) {
        this.sockets.add(from);
        from.pipe(to);
        from.on('error', () => to.destroy());
        from.on('close', () => {
          this.sockets.delete(from);
          to.destroy();
        });
      }
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        if (address === null || typeof address === 'string') reject(new Error('no TCP address'));
        else resolve(address.port);
      });
    });
  }

  /** Dies: resets every connection and refuses new ones (the port is closed). */
  kill(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.resetAndDestroy();
    this.sockets.clear();
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}
