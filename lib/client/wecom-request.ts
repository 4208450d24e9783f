import type { AccessTokenProvider } from '../token/access-token-provider.interface.js';
import type { MultipartBody } from './multipart-body.js';

/** A request body: a multipart upload, or JSON. */
export interface WecomRequestBody {
  stream: MultipartBody['stream'] | Buffer;
  headers: Record<string, string>;
  /** Releases what the body holds (a file's stream); called after every attempt. */
  destroy(): void;
}

/** The token a call carries, bound to its corp (or suite). */
export interface RequestTokens {
  get(signal?: AbortSignal): Promise<string>;
  invalidate(token: string): Promise<void>;
  /** The query parameter it goes in. @default 'access_token' */
  param?: 'access_token' | 'suite_access_token';
  /** The errcodes that say it is expired or invalid. @default 42001, 40014, 41001 */
  expired?: ReadonlySet<number>;
}

/** One call to a WeCom API. */
export interface WecomRequest {
  /** The API path, e.g. `/cgi-bin/media/upload_attachment`. */
  api: string;
  method: 'GET' | 'POST';
  /** Query parameters other than the token. */
  query: Record<string, string>;
  /** Builds a fresh body for each attempt: a retry re-reads the file from its start. */
  body?: () => WecomRequestBody;
  /** Adds the token; one of its `expired` errcodes drops the token and retries once. */
  tokens?: RequestTokens;
  signal?: AbortSignal;
  /** The corp the call acts for, named in the log lines about it. */
  corpId?: string;
  /** A token call: it never waits in the corp's line (maxConcurrentCalls); the calls in it need it. */
  urgent?: boolean;
  /**
   * A call that creates something (add_moment_task, add_product_album): never sent again once it
   * may have reached WeCom — not after a connection reset mid-call, nor after -1 — since WeCom may
   * have acted on it and a second send makes a second moment or album. A refused connection, and
   * a token WeCom refused (it acted on nothing), are still retried.
   */
  once?: boolean;
  /** Told each time the call is sent to WeCom (telemetry's `wecom.attempts`); not when held back. */
  tally?: { attempts: number };
}

/** A JSON request body. */
export function jsonBody(value: unknown): () => WecomRequestBody {
  const bytes = Buffer.from(JSON.stringify(value));
  return () => ({
    stream: bytes,
    headers: { 'content-type': 'application/json', 'content-length': String(bytes.length) },
    destroy: () => undefined,
  });
}

/** `provider`'s tokens of `corpId`, as a call carries them: never another corp's. */
export function corpTokens(provider: AccessTokenProvider, corpId: string): RequestTokens {
  return {
    get: (signal) => provider.getToken({ corpId, signal }),
    invalidate: (token) => provider.invalidate(token, { corpId }),
  };
}

/** What every call for a corp carries: the corp, its tokens, the caller's signal. */
export interface CorpCall {
  corpId: string;
  tokens: RequestTokens;
  signal?: AbortSignal;
}

/** The span of a call to `api`: `wecom.add_moment_task` for `/cgi-bin/externalcontact/add_moment_task`. */
export const spanName = (api: string): string => `wecom.${api.slice(api.lastIndexOf('/') + 1)}`;
