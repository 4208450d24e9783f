import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { Exchange } from './exchange.js';
import type { EmulatorApi, EmulatorTls } from './wecom-emulator-options.interface.js';

/** Serves one request: `api` is undefined when no API lives at the request's path. */
export interface ExchangeHandler {
  handle(exchange: Exchange, api: EmulatorApi | undefined): Promise<void>;
}

/**
 * The emulator's HTTP side: listens on 127.0.0.1 only (over HTTPS when given a key and
 * certificate), routes each request by its path, and tracks the open sockets so that closing
 * drops keep-alive connections too instead of waiting for them.
 */
export class EmulatorServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private closing = false;
  private origin = '';

  constructor(
    routes: Readonly<Record<string, EmulatorApi>>,
    handler: ExchangeHandler,
    private readonly tls?: EmulatorTls,
  ) {
    const serve = (req: IncomingMessage, res: ServerResponse): void => {
      const exchange = new Exchange(req, res, () => this.closing);
      void handler.handle(exchange, routes[exchange.path]);
    };
    // Both keep connections alive alike (Node's keepAliveTimeout); `connection` is the TCP socket.
    this.server = tls
      ? createHttpsServer({ key: tls.key, cert: tls.cert }, serve)
      : createServer(serve);
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** Listens on 127.0.0.1 and `port` (0: a free one). */
  async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    const scheme = this.tls ? 'https' : 'http';
    this.origin = `${scheme}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** `http://127.0.0.1:<port>` (`https://` with TLS) once listening. */
  get url(): string {
    return this.origin;
  }

  /** Stops listening and drops every open connection. */
  async close(): Promise<void> {
    this.closing = true;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
