// A proxy in front of a server that loses the answer to one call on its way back: the server
// acted on the request, the client never hears of it (a reset after WeCom took the call).
import { once } from 'node:events';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';

/**
 * A proxy in front of `target` that drops the connection of the first answer of `api` after
 * `target` has acted on the request: the answer is lost on the way back.
 */
export async function lossyProxy(
  target: string,
  api: string,
): Promise<{ url: string; close(): Promise<void> }> {
  let dropped = false;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const up = request(
        `${target}${req.url ?? ''}`,
        { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
        (answer: IncomingMessage) => {
          const body: Buffer[] = [];
          answer.on('data', (c: Buffer) => body.push(c));
          answer.on('end', () => {
            if (!dropped && (req.url ?? '').includes(api)) {
              dropped = true;
              req.socket.destroy(); // WeCom did it; the client never hears
              return;
            }
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(Buffer.concat(body));
          });
        },
      );
      up.end(Buffer.concat(chunks));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
