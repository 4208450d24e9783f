import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP relay on 127.0.0.1 in front of a server: counts the connections clients open and see
 * closed, and can hold new connections unanswered (a WeCom that does not answer yet).
 */
export interface TcpRelay {
  /** `http://127.0.0.1:PORT` (or https), to use as the module's baseUrl. */
  url: string;
  /** Connections accepted so far. */
  readonly opened: number;
  /** Connections the client closed (its FIN came before the server's) so far. */
  readonly closedByClient: number;
  /** Resolves when the client has closed `count` connections in all. */
  closedByClientCount(count: number): Promise<void>;
  /** Resolves when `count` connections in all have been opened. */
  openedCount(count: number): Promise<void>;
  /** While held, new connections are accepted but nothing is relayed. */
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

/** Starts a relay to `target` (`http(s)://127.0.0.1:PORT`). */
export async function startTcpRelay(target: string): Promise<TcpRelay> {
  const to = new URL(target);
  const sockets = new Set<Socket>();
  const held: Array<() => void> = [];
  const waiters: Array<() => void> = [];
  let holding = false;
  let opened = 0;
  let closedByClient = 0;
  const notify = (): void => {
    for (const wake of waiters.splice(0)) wake();
  };
  const server: Server = createServer((client) => {
    opened += 1;
    sockets.add(client);
    client.pause();
    let serverEnded = false;
    const relay = (): void => {
      const upstream = connect(Number(to.port), to.hostname);
      sockets.add(upstream);
      client.pipe(upstream).pipe(client);
      client.resume();
      upstream.on('end', () => {
        serverEnded = true;
      });
      upstream.on('error', () => client.destroy());
      upstream.on('close', () => {
        sockets.delete(upstream);
        client.destroy();
      });
    };
    client.on('end', () => {
      if (serverEnded) return;
      closedByClient += 1;
      notify();
    });
    client.on('error', () => undefined);
    client.on('close', () => {
      sockets.delete(client);
    });
    if (holding) held.push(relay);
    else relay();
    notify();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('the relay is not on TCP');
  const until = (done: () => boolean): Promise<void> =>
    new Promise((resolve) => {
      const check = (): void => {
        if (done()) resolve();
        else waiters.push(check);
      };
      check();
    });
  return {
    url: `${to.protocol}//127.0.0.1:${address.port}`,
    get opened() {
      return opened;
    },
    get closedByClient() {
      return closedByClient;
    },
    closedByClientCount: (count) => until(() => closedByClient >= count),
    openedCount: (count) => until(() => opened >= count),
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      for (const relay of held.splice(0)) relay();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
