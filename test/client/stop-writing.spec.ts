import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopWriting } from '../../lib/client/connection-agents.js';

/** POSTs `body` and resolves with the request once the whole answer has arrived. */
function post(port: number, path: string, body: Buffer) {
  return new Promise<ReturnType<typeof request>>((resolve, reject) => {
    const req = request({ port, path, method: 'POST', headers: { 'content-length': body.length } });
    req.on('error', reject);
    req.on('response', (res: IncomingMessage) => {
      res.resume();
      res.on('end', () => resolve(req));
    });
    req.end(body);
  });
}

describe('stopWriting', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((req, res) => {
      // /early answers without reading the body, which then stays in the client's socket.
      if (req.url === '/early') res.end('{}');
      else req.on('end', () => res.end('{}')).resume();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('destroys a request answered before its body was written', async () => {
    const req = await post(port, '/early', Buffer.alloc(32 * 1024 * 1024));
    expect(req.writableFinished).toBe(false);
    stopWriting(req);
    expect(req.destroyed).toBe(true);
    expect(req.socket?.destroyed ?? true).toBe(true);
  });

  it('leaves a request whose body was written alone', async () => {
    const req = await post(port, '/read', Buffer.alloc(256 * 1024));
    expect(req.writableFinished).toBe(true);
    let destroyed = false;
    req.destroy = () => {
      destroyed = true;
      return req;
    };
    stopWriting(req);
    expect(destroyed).toBe(false);
  });
});
