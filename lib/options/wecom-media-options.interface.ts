import type { IncomingMessage } from 'node:http';
import type { CanActivate, Type } from '@nestjs/common';
import type { AccessTokenProvider } from '../token/access-token-provider.interface.js';
import type { AttachmentRulesOverride } from '../rules/attachment-rules.interface.js';
import type { FitOptions } from '../media/fit/fit-options.interface.js';
import type { RateLimitOptions } from '../client/rate-limit-options.interface.js';
import type { SuiteCredentials } from '../token/suite-credentials.interface.js';
import type { WecomStore } from '../store/wecom-store.interface.js';

/**
 * Retries of errcode -1 (system busy): exponential backoff with jitter.
 *
 * @publicApi
 */
export interface RetryOptions {
  /** How many times to retry -1 after the first attempt. WeCom advises at most 3. @default 3 */
  busyRetries?: number;
  /** The first backoff, in milliseconds; it doubles each retry. @default 200 */
  baseDelayMs?: number;
  /** The longest backoff, in milliseconds. @default 5000 */
  maxDelayMs?: number;
}

/**
 * Settings of the media-id cache.
 *
 * @publicApi
 */
export interface MediaCacheOptions {
  /** Stop reusing a media_id this long before it expires, in milliseconds. @default 3600000 (1 h) */
  safetyMarginMs?: number;
}

/**
 * Options shared by every way of getting a token.
 *
 * @publicApi
 */
export interface WecomMediaCommonOptions {
  /** WeCom's API origin; tests point it at the emulator. @default 'https://qyapi.weixin.qq.com' */
  baseUrl?: string;
  /**
   * Where tokens, the refresh lock, the credentials cool-down and the media-id cache live. Give a
   * `RedisStore` to share them between replicas.
   * @default a `MemoryStore` of this process
   */
  store?: WecomStore;
  /** The longest wait for a shared store per call before this process carries on alone. @default 500 */
  storeTimeoutMs?: number;
  /** Reuse the media_id of an identical upload while it is valid. @default false */
  mediaCache?: boolean | MediaCacheOptions;
  /** Overrides of the upload rules; the rest keep the doc's values. @default the doc's limits */
  rules?: AttachmentRulesOverride;
  /**
   * Time allowed for each request to WeCom, in milliseconds. It also bounds the token refresh
   * lock: its lease is `timeoutMs` + 1 s (a live holder never loses it mid-request) and other
   * replicas wait at most `timeoutMs` + 3 s for the holder's token.
   * @default 30000
   */
  timeoutMs?: number;
  /** Retries of errcode -1. @default `{ busyRetries: 3, baseDelayMs: 200, maxDelayMs: 5000 }` */
  retry?: RetryOptions;
  /** The parent of the module's private spool folder (`wecom-media-*`, mode 0700). @default `os.tmpdir()` */
  tempDir?: string;
  /** At shutdown, how long to let uploads under way finish before aborting them. @default 10000 */
  shutdownTimeoutMs?: number;
  /** Refresh the token this long before it expires, in milliseconds. @default 300000 (5 min) */
  tokenRefreshAheadMs?: number;
  /**
   * After WeCom refuses the secret or the corp id (40001, 40013), how long to fail fast without
   * asking again, in milliseconds: repeated wrong-secret calls get the server's IP banned.
   * @default 300000 (5 min)
   */
  credentialsCooldownMs?: number;
  /**
   * The language of violation messages and of the HTTP error messages the controller, the
   * interceptor and the error filter answer with. Rule names, limits and values stay as they are.
   * @default 'en'
   */
  locale?: 'en' | 'zh-CN';
  /**
   * An HTTP proxy (`http://…`; TLS to WeCom runs inside its tunnel) to reach WeCom through (HTTP
   * CONNECT), e.g. the gateway whose fixed IP is in
   * WeCom's trusted-IP list (errcode 60020 otherwise); `false` connects directly whatever the
   * environment says.
   * @default from HTTPS_PROXY (HTTP_PROXY for an http:// baseUrl) or ALL_PROXY, unless NO_PROXY
   *   excludes WeCom's host; a value without a scheme is an HTTP proxy, as curl reads it
   */
  proxy?: string | false;
  /**
   * Fetch a token at start-up, so that a wrong secret or corp id fails the boot with
   * `WecomInvalidCredentialsError` rather than the first upload.
   * @default false
   */
  verifyCredentials?: boolean;
  /**
   * Make images that break a rule pass instead of refusing them: phone photos scaled down to the
   * moments edges, WebP/GIF/AVIF/TIFF converted, large files re-encoded (`FitOptions`). Needs the
   * optional peer `sharp`; without it, the module refuses to start.
   * @default false
   */
  fit?: boolean | FitOptions;
  /**
   * The most calls this process sends to WeCom at once for one corp (uploads and token requests
   * alike); the others wait in line, first come first served, and leave it when their `signal`
   * aborts. WeCom answers 45033 when a corp runs too many calls at once.
   * @default 8
   */
  maxConcurrentCalls?: number;
  /**
   * The longest line of calls waiting for one corp in this process; a call that finds it full
   * fails at once with `WecomRateLimitError` (45033, `local: true`).
   * @default 1000
   */
  maxQueuedCalls?: number;
  /**
   * Keep within WeCom's frequency limits per corp and API before WeCom enforces them (45009):
   * `true` takes WeCom's published limits, an object sets its own. Shared by every replica through
   * `store`.
   * @default false
   */
  rateLimit?: boolean | RateLimitOptions;
  /**
   * At application bootstrap, fetch the default corp's token and open a pooled connection to
   * WeCom in the background, so that the first upload costs what a warm one costs. Never delays
   * nor fails the boot (a failure is logged once); `verifyCredentials` is the option that may.
   * @default true
   */
  warmUp?: boolean;
  /**
   * How long an idle pooled connection to WeCom is kept, in milliseconds; a shorter
   * `Keep-Alive: timeout` the server announces wins. A connection the server has already closed
   * would fail the next upload's first attempt.
   * @default 15000
   */
  idleConnectionTimeoutMs?: number;
  /**
   * Certificate authorities (PEM) to trust for WeCom's HTTPS besides Node's own roots: a private
   * CA of a TLS-inspecting gateway, or of an emulator served over HTTPS. The module's agent reads
   * neither `https.globalAgent` nor axios's defaults; `NODE_EXTRA_CA_CERTS` works as well.
   * @default Node's roots only
   */
  ca?: string | Buffer | ReadonlyArray<string | Buffer>;
}

/**
 * The usual set-up: the module fetches the token with `gettoken` from the corp id and the app's
 * secret.
 *
 * @publicApi
 */
export interface WecomMediaSecretOptions extends WecomMediaCommonOptions {
  /** The corp's id, `ww…`. */
  corpId: string;
  /** The app's secret (代开发 apps: the permanent_code). Never logged, never quoted. */
  corpSecret: string;
  tokenProvider?: never;
  secretFor?: never;
  suite?: never;
}

/**
 * Custom set-ups: the app supplies each corp's token.
 *
 * @publicApi
 */
export interface WecomMediaTokenProviderOptions extends WecomMediaCommonOptions {
  /** The default corp: uploads without a `corpId` act for it. */
  corpId: string;
  /** Supplies access tokens per corp. */
  tokenProvider: AccessTokenProvider;
  corpSecret?: never;
  secretFor?: never;
  suite?: never;
}

/**
 * 代开发 apps and several self-built apps: one secret per corp, `gettoken` per corp. Each upload
 * names its corp (`corpId`), or goes to the default one.
 *
 * @publicApi
 */
export interface WecomMediaSecretForOptions extends WecomMediaCommonOptions {
  /** The default corp, for uploads without a `corpId`; without it, every upload must name one. */
  corpId?: string;
  /**
   * The secret of the app in `corpId` (代开发: its permanent_code), from a database or a vault.
   * Called once per corp and process, and again on each upload for the corp after WeCom refused
   * it (a rotated secret is used at once). Bounded by `timeoutMs`: one that throws, gives no
   * string or hangs fails that corp's upload with `WecomCredentialSourceError`.
   */
  secretFor: (corpId: string) => string | Promise<string>;
  corpSecret?: never;
  tokenProvider?: never;
  suite?: never;
}

/**
 * Third-party (第三方) apps: the module gets the suite token and each authorised corp's token
 * itself. Each upload names its corp (`corpId`), or goes to the default one.
 *
 * @publicApi
 */
export interface WecomMediaSuiteOptions extends WecomMediaCommonOptions {
  /** The default corp, for uploads without a `corpId`; without it, every upload must name one. */
  corpId?: string;
  /** The app's suite id, secret, latest ticket, and each corp's permanent code. */
  suite: SuiteCredentials;
  corpSecret?: never;
  tokenProvider?: never;
  secretFor?: never;
}

/**
 * Options of `WecomMediaModule.forRoot`, and what `forRootAsync`'s factory returns: one corp by
 * its secret, any token source of your own, one secret per corp (`secretFor`), or a third-party
 * app (`suite`). Checked at start-up: a bad value fails the boot with every problem listed.
 *
 * @publicApi
 */
export type WecomMediaModuleOptions =
  | WecomMediaSecretOptions
  | WecomMediaTokenProviderOptions
  | WecomMediaSecretForOptions
  | WecomMediaSuiteOptions;

/**
 * The upload controller's settings (the `controller` extra).
 *
 * @publicApi
 */
export interface WecomMediaControllerOptions {
  /** The route, without leading slash. @default 'wecom/attachments' */
  path?: string;
  /** Guards run before every upload. Without any, the module warns at start-up. @default [] */
  guards?: Array<Type<CanActivate> | CanActivate>;
  /** How long a client may take to send its whole upload; a slower one gets 408. @default 120000 */
  receiveTimeoutMs?: number;
  /**
   * The corp each request uploads for, typically from what the app's guard put on the request
   * (`(req) => (req.user as Tenant).corpId`). A request it resolves to no corp is answered 400,
   * never sent to the default corp.
   * @default every upload goes to the module's `corpId`
   */
  corpId?: (
    req: IncomingMessage & Record<string, unknown>,
  ) => string | undefined | Promise<string | undefined>;
}

/**
 * The extras both `forRoot` and `forRootAsync` take: known when the module is defined, before
 * `forRootAsync`'s factory has run.
 *
 * @publicApi
 */
export interface WecomMediaModuleExtras {
  /** Register the module globally. @default false */
  isGlobal?: boolean;
  /** Serve `POST /{path}` that uploads a multipart `media` file; `true` takes the defaults. @default false */
  controller?: boolean | WecomMediaControllerOptions;
}
