import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { boundaryOf, parseMultipart } from './multipart-parser.js';

/** An app the emulator knows: a corp id and the secret that gets its token. */
export interface EmulatorApp {
  corpId: string;
  corpSecret: string;
}

/** Settings of a {@link WecomEmulator}. */
export interface WecomEmulatorOptions {
  /** The apps gettoken accepts. Default: one app, {@link WecomEmulator.DEFAULT_APP}. */
  apps?: EmulatorApp[];
  /** `expires_in` of issued tokens, in seconds. Default 7200. */
  tokenTtlSeconds?: number;
  /** Largest upload per media type, in bytes. Default 10 MiB each. */
  maxBytes?: Partial<Record<'image' | 'video' | 'file', number>>;
  /** The media types each attachment_type accepts. Default WeCom's: 1 → image, video; 2 → image. */
  accepts?: Partial<Record<'1' | '2', Array<'image' | 'video' | 'file'>>>;
  /** Answer `created_at` as a quoted string, as some doc pages show. Default false. */
  createdAtAsString?: boolean;
  /** Hash each uploaded file into `sha256`. Default true; the benchmark turns it off. */
  hashUploads?: boolean;
  /** Port to listen on; default 0 (a free one). Always on 127.0.0.1. */
  port?: number;
}

/** What the emulator saw of one upload_attachment body. */
export interface RecordedUpload {
  /** The Content-Disposition of the `media` part, raw. */
  disposition: string;
  /** The part's name. */
  name?: string;
  /** The filename decoded as UTF-8. */
  filename?: string;
  /** The filename's bytes as they arrived. */
  filenameBytes?: Buffer;
  /** `filelength` as sent, if it was. */
  filelength?: number;
  contentType?: string;
  /** The bytes of the file. */
  size: number;
  /** The sha256 of the file, hex; empty when `hashUploads` is off. */
  sha256: string;
  /** How many parts the body had. */
  partCount: number;
}

/** One request the emulator answered (or dropped). */
export interface RecordedRequest {
  api: string;
  method: string;
  /** Query parameters, with tokens and secrets masked. */
  query: Record<string, string>;
  /** The access_token used, unmasked, so tests can tell which token a call carried. */
  accessToken?: string;
  headers: IncomingHttpHeaders;
  /** The errcode answered; undefined when the connection was reset or a raw answer was sent. */
  errcode?: number;
  upload?: RecordedUpload;
  /** The media_id issued, on success. */
  mediaId?: string;
}

/** A canned non-WeCom answer, for testing what proxies and broken servers do. */
export interface RawAnswer {
  status: number;
  body: string;
  headers?: Record<string, string>;
  /** Send the head and the body, and never end the response. */
  hang?: boolean;
}

/** Random faults for soak runs. Rates are per request, 0 to 1. */
export interface EmulatorFaults {
  /** errcode -1. */
  busyRate?: number;
  /** A reset connection before any answer. */
  resetRate?: number;
  /** errcode 45009. */
  rateLimitRate?: number;
  /** A random delay in [min, max] ms before each answer. */
  delayMs?: [number, number];
  /** Expire every token after this many uploads. */
  expireTokensEvery?: number;
  /** The random source; default Math.random. */
  random?: () => number;
}

interface WecomAnswer {
  errcode: number;
  [field: string]: unknown;
}

interface IssuedToken {
  app: EmulatorApp;
  expiresAt: number;
}

type ApiName = 'gettoken' | 'upload_attachment';
const PATHS: Record<string, ApiName> = {
  '/cgi-bin/gettoken': 'gettoken',
  '/cgi-bin/media/upload_attachment': 'upload_attachment',
};
const TEN_MIB = 10 * 1024 * 1024;
const SIZE_ERRCODE = { image: 40009, video: 40011, file: 40006 } as const;
const ERRMSG: Record<number, string> = {
  0: 'ok',
  [-1]: 'system busy',
  40001: 'invalid credential',
  40004: 'invalid media type',
  40005: 'invalid file type',
  40006: 'invalid file size',
  40009: 'invalid image size',
  40011: 'invalid video size',
  40013: 'invalid corpid',
  40014: 'invalid access_token',
  40123: 'invalid image format, or filelength differs from the file size',
  41001: 'access_token missing',
  41072: 'invalid media_type and attachment_type combination',
  42001: 'access_token expired',
  44001: 'empty media data, check the multipart headers and body',
  45009: 'api freq out of limit',
};

/**
 * A WeCom API on 127.0.0.1 for tests and the sample: `gettoken` with corp id and secret checks and
 * expiring tokens, and `upload_attachment` that parses the multipart body strictly (part `media`,
 * `filename`, `filelength`, Content-Length, no chunking) and applies the size rules. It records
 * every request and injects faults on demand. Emits `arrival` with the API name as a request comes
 * in, and `request` with each {@link RecordedRequest} once it is answered.
 */
export class WecomEmulator extends EventEmitter<{ request: [RecordedRequest]; arrival: [string] }> {
  static readonly DEFAULT_APP: EmulatorApp = {
    corpId: 'wwemulator0000001',
    corpSecret: 'emulator-secret-0001',
  };

  /** Every request, oldest first. */
  readonly requests: RecordedRequest[] = [];
  /** Every token issued, oldest first. */
  readonly issuedTokens: string[] = [];

  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly apps: EmulatorApp[];
  private readonly queued: Record<ApiName, Array<number | RawAnswer | 'reset'>> = {
    gettoken: [],
    upload_attachment: [],
  };
  private delayMs = 0;
  private faults: EmulatorFaults = {};
  private uploadCount = 0;
  private baseUrl = '';

  private constructor(private readonly options: WecomEmulatorOptions) {
    super();
    this.apps = options.apps ?? [WecomEmulator.DEFAULT_APP];
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** Starts an emulator on 127.0.0.1 and a free port. */
  static async start(options: WecomEmulatorOptions = {}): Promise<WecomEmulator> {
    const emulator = new WecomEmulator(options);
    await new Promise<void>((resolve, reject) => {
      emulator.server.once('error', reject);
      emulator.server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    const { port } = emulator.server.address() as AddressInfo;
    emulator.baseUrl = `http://127.0.0.1:${port}`;
    return emulator;
  }

  /** The origin to give the module as `baseUrl`. */
  get url(): string {
    return this.baseUrl;
  }

  /** The first app's corp id. */
  get corpId(): string {
    return (this.apps[0] ?? WecomEmulator.DEFAULT_APP).corpId;
  }

  /** The first app's secret. */
  get corpSecret(): string {
    return (this.apps[0] ?? WecomEmulator.DEFAULT_APP).corpSecret;
  }

  /** gettoken requests so far. */
  get gettokenCalls(): number {
    return this.requests.filter((r) => r.api === 'gettoken').length;
  }

  /** upload_attachment requests so far, including failed ones. */
  get uploads(): RecordedRequest[] {
    return this.requests.filter((r) => r.api === 'upload_attachment');
  }

  /** Makes every issued token expired: the next call with one gets 42001. */
  expireTokens(): void {
    for (const issued of this.tokens.values()) issued.expiresAt = 0;
  }

  /** Answers the next `times` calls of `api` with `errcode`. */
  failNext(api: ApiName, errcode: number, times = 1): this {
    for (let i = 0; i < times; i++) this.queued[api].push(errcode);
    return this;
  }

  /** Resets the next `times` connections to `api` before any answer. */
  resetNext(api: ApiName, times = 1): this {
    for (let i = 0; i < times; i++) this.queued[api].push('reset');
    return this;
  }

  /** Answers the next call of `api` with a raw, non-WeCom answer. */
  answerNextWith(api: ApiName, answer: RawAnswer): this {
    this.queued[api].push(answer);
    return this;
  }

  /** Waits `ms` before every answer. */
  setDelay(ms: number): this {
    this.delayMs = ms;
    return this;
  }

  /** Injects random faults into every request from now on; `{}` turns them off. */
  setFaults(faults: EmulatorFaults): this {
    this.faults = faults;
    return this;
  }

  /** Forgets requests, queued faults and tokens. */
  reset(): void {
    this.requests.length = 0;
    this.issuedTokens.length = 0;
    this.tokens.clear();
    this.queued.gettoken.length = 0;
    this.queued.upload_attachment.length = 0;
    this.delayMs = 0;
    this.faults = {};
    this.uploadCount = 0;
  }

  /** Resolves once a request matching `predicate` has been recorded (counting earlier ones). */
  waitFor(predicate: (r: RecordedRequest) => boolean): Promise<RecordedRequest> {
    const seen = this.requests.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const listener = (r: RecordedRequest): void => {
        if (!predicate(r)) return;
        this.off('request', listener);
        resolve(r);
      };
      this.on('request', listener);
    });
  }

  /** Stops listening and drops every open connection. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const api = PATHS[url.pathname];
    const query = Object.fromEntries(url.searchParams);
    this.emit('arrival', api ?? url.pathname);
    const record: RecordedRequest = {
      api: api ?? url.pathname,
      method: req.method ?? 'GET',
      query: maskQuery(query),
      accessToken: query.access_token,
      headers: req.headers,
    };
    if (!api) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return this.record(record);
    }
    const queued = this.queued[api].shift() ?? this.randomFault(api);
    if (queued === 'reset') {
      req.socket.destroy();
      return this.record(record);
    }
    const body = await readBody(req).catch(() => undefined);
    if (body === undefined) return this.record(record); // the client went away
    await this.pause();
    if (typeof queued === 'object') {
      res.writeHead(queued.status, { 'content-type': 'text/html', ...queued.headers });
      if (queued.hang) res.write(queued.body);
      else res.end(queued.body);
      return this.record(record);
    }
    // An upload is always parsed, so that a failed attempt's body is recorded too.
    const real = api === 'upload_attachment' ? this.upload(req, query, body, record) : undefined;
    const answer: WecomAnswer =
      typeof queued === 'number' ? { errcode: queued } : (real ?? this.gettoken(query));
    record.errcode = answer.errcode;
    if (typeof answer.media_id === 'string') record.mediaId = answer.media_id;
    res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
    res.end(JSON.stringify({ errmsg: ERRMSG[answer.errcode] ?? 'error', ...answer }));
    this.record(record);
  }

  private record(record: RecordedRequest): void {
    this.requests.push(record);
    this.emit('request', record);
  }

  private randomFault(api: ApiName): number | 'reset' | undefined {
    const {
      busyRate = 0,
      resetRate = 0,
      rateLimitRate = 0,
      expireTokensEvery,
      random = Math.random,
    } = this.faults;
    if (api !== 'upload_attachment') return undefined;
    this.uploadCount += 1;
    if (expireTokensEvery && this.uploadCount % expireTokensEvery === 0) this.expireTokens();
    const roll = random();
    if (roll < resetRate) return 'reset';
    if (roll < resetRate + busyRate) return -1;
    if (roll < resetRate + busyRate + rateLimitRate) return 45009;
    return undefined;
  }

  private async pause(): Promise<void> {
    const [min, max] = this.faults.delayMs ?? [0, 0];
    const ms = this.delayMs + min + (this.faults.random ?? Math.random)() * (max - min);
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  }

  private gettoken(query: Record<string, string>): WecomAnswer {
    const corpApps = this.apps.filter((a) => a.corpId === query.corpid);
    if (corpApps.length === 0) return { errcode: 40013 };
    const app = corpApps.find((a) => a.corpSecret === query.corpsecret);
    if (!app) return { errcode: 40001 };
    const token = randomBytes(48).toString('base64url');
    const ttl = this.options.tokenTtlSeconds ?? 7200;
    this.tokens.set(token, { app, expiresAt: Date.now() + ttl * 1000 });
    this.issuedTokens.push(token);
    return { errcode: 0, access_token: token, expires_in: ttl };
  }

  private upload(
    req: IncomingMessage,
    query: Record<string, string>,
    body: Buffer,
    record: RecordedRequest,
  ): WecomAnswer {
    const token = query.access_token;
    if (!token) return { errcode: 41001 };
    const issued = this.tokens.get(token);
    if (!issued) return { errcode: 40014 };
    if (issued.expiresAt <= Date.now()) return { errcode: 42001 };

    const mediaType = query.media_type;
    if (mediaType !== 'image' && mediaType !== 'video' && mediaType !== 'file')
      return { errcode: 40004 };
    const attachmentType = query.attachment_type;
    if (attachmentType !== '1' && attachmentType !== '2') return { errcode: 40005 };
    const allowed =
      this.options.accepts?.[attachmentType] ??
      (attachmentType === '1' ? ['image', 'video'] : ['image']);
    if (!allowed.includes(mediaType)) return { errcode: 41072 };

    // The wire-format traps: chunked bodies and a Content-Type without boundary are refused.
    if (req.headers['transfer-encoding'] || req.headers['content-length'] === undefined)
      return { errcode: 44001 };
    const boundary = boundaryOf(req.headers['content-type']);
    if (!boundary) return { errcode: 44001 };
    const parts = parseMultipart(body, boundary);
    if (typeof parts === 'string') return { errcode: 44001 };
    const media = parts.find((p) => p.params.name === 'media');
    if (!media) return { errcode: 44001 };
    const filelength = media.params.filelength;
    record.upload = {
      disposition: media.disposition,
      name: media.params.name,
      filename: media.params.filename,
      filenameBytes: media.filenameBytes,
      filelength: filelength === undefined ? undefined : Number(filelength),
      contentType: media.contentType,
      size: media.content.length,
      sha256:
        this.options.hashUploads === false
          ? ''
          : createHash('sha256').update(media.content).digest('hex'),
      partCount: parts.length,
    };
    if (!media.params.filename) return { errcode: 44001 };
    if (filelength !== undefined && Number(filelength) !== media.content.length)
      return { errcode: 40123 };
    const max = this.options.maxBytes?.[mediaType] ?? TEN_MIB;
    if (media.content.length <= 5 || media.content.length > max)
      return { errcode: SIZE_ERRCODE[mediaType] };

    const createdAt = Math.floor(Date.now() / 1000);
    return {
      errcode: 0,
      type: mediaType,
      media_id: `${randomBytes(30).toString('base64url')}`,
      created_at: this.options.createdAtAsString ? String(createdAt) : createdAt,
    };
  }
}

const SECRET_KEYS = new Set(['access_token', 'corpsecret', 'suite_access_token', 'permanent_code']);

function maskQuery(query: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(query).map(([k, v]) => [k, SECRET_KEYS.has(k) ? '***' : v]),
  );
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
