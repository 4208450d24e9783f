import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

/** A forward proxy on loopback that only tunnels (HTTP CONNECT), and counts its tunnels. */
export class ConnectProxy {
  readonly tunnels: string[] = [];
  private readonly sockets = new Set<Socket>();
  private constructor(private readonly server: Server) {}

  static async start(): Promise<ConnectProxy> {
    const proxy = new ConnectProxy(
      createServer((_req, res) => res.writeHead(405).end('CONNECT only')),
    );
    proxy.server.on('connect', (req, client: Socket, head: Buffer) => {
      proxy.tunnels.push(req.url ?? '');
      const [host, port] = (req.url ?? '').split(':');
      const upstream = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client).pipe(upstream);
      });
      for (const socket of [client, upstream]) {
        proxy.sockets.add(socket);
        socket.on('close', () => proxy.sockets.delete(socket));
        socket.on('error', () => (socket === client ? upstream : client).destroy());
      }
    });
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** Sockets open through the proxy, both sides of each tunnel. */
  get openSockets(): number {
    return this.sockets.size;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
