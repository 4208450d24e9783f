import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Exchange } from './exchange.js';
import type { EmulatorApi } from './wecom-emulator-options.interface.js';

/** Serves one request: `api` is undefined when no API lives at the request's path. */
export interface ExchangeHandler {
  handle(exchange: Exchange, api: EmulatorApi | undefined): Promise<void>;
}

/**
 * The emulator's HTTP side: listens on 127.0.0.1 only, routes each request by its path, and tracks
 * the open sockets so that closing drops keep-alive connections too instead of waiting for them.
 */
export class EmulatorServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private closing = false;
  private origin = '';

  constructor(routes: Readonly<Record<string, EmulatorApi>>, handler: ExchangeHandler) {
    this.server = createServer((req, res) => {
      const exchange = new Exchange(req, res, () => this.closing);
      void handler.handle(exchange, routes[exchange.path]);
    });
    this.server.on('connection', (socket) => {
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
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** `http://127.0.0.1:<port>` once listening. */
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
