import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RawAnswer } from './wecom-emulator-options.interface.js';

/**
 * One request in flight, from its arrival to the emulator's answer. It reads the body, sends the
 * answer, and tells at once, through {@link clientGone}, when the client hangs up before that.
 */
export class Exchange {
  /** The URL's path, which names the API. */
  readonly path: string;
  readonly query: Record<string, string>;
  private readonly hangUp = new AbortController();
  /** Set once the emulator answered or dropped the connection: a close after that is no news. */
  private settled = false;

  constructor(
    readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    /** True while the emulator closes: its own dropping of connections is no client's doing. */
    private readonly serverClosing: () => boolean,
  ) {
    const url = new URL(req.url ?? '/', 'http://emulator');
    this.path = url.pathname;
    this.query = Object.fromEntries(url.searchParams);
    // The response closes when the connection does, whether the body had arrived or not.
    res.on('close', () => this.clientClosed());
  }

  /** Aborts when the client closes the connection before the emulator has answered. */
  get clientGone(): AbortSignal {
    return this.hangUp.signal;
  }

  /** The whole body, or undefined when the connection broke first. */
  async body(): Promise<Buffer | undefined> {
    try {
      return await readBody(this.req);
    } catch {
      this.clientClosed();
      return undefined;
    }
  }

  /** Drops the connection without an answer, as a reset fault. */
  reset(): void {
    this.settled = true;
    this.req.socket.destroy();
  }

  /** Answers a path where no API lives. */
  notFound(): void {
    this.settled = true;
    this.res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }

  /** Answers as WeCom does: HTTP 200 and a JSON body, errors included. */
  answerJson(body: string): void {
    this.settled = true;
    this.res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
    this.res.end(body);
  }

  /** Answers as a proxy or a broken server might; a hanging answer never ends. */
  answerRaw(answer: RawAnswer): void {
    this.settled = true;
    this.res.writeHead(answer.status, { 'content-type': 'text/html', ...answer.headers });
    if (answer.resetAfterBody) {
      // Flushed first, so that the client has begun reading the answer when the connection dies.
      this.res.write(answer.body, () => this.req.socket.destroy());
    } else if (answer.hang) this.res.write(answer.body);
    else this.res.end(answer.body);
  }

  private clientClosed(): void {
    if (!this.settled && !this.serverClosing()) this.hangUp.abort();
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('aborted')));
  });
}
