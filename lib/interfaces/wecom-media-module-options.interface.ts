import type { CanActivate, Type } from '@nestjs/common';
import type { RetryOptions } from '../client/backoff.js';
import type { AttachmentRulesOverride } from '../media/media-rules.js';
import type { AccessTokenProvider } from './access-token-provider.interface.js';
import type { WecomStore } from './wecom-store.interface.js';

/** Options shared by both ways of getting a token. */
interface WecomMediaCommonOptions {
  /** The corp's id, `ww…`. */
  corpId: string;
  /** WeCom's API origin. Default `https://qyapi.weixin.qq.com`; tests point it at the emulator. */
  baseUrl?: string;
  /**
   * Where tokens, the refresh lock and the media-id cache live. Default: a `MemoryStore`. Give a
   * `RedisStore` to share them between replicas.
   */
  store?: WecomStore;
  /** The longest wait for a shared store per call before this process carries on alone. Default 500 ms. */
  storeTimeoutMs?: number;
  /** Reuse the media_id of an identical upload while it is valid. Off by default. */
  mediaCache?: boolean | MediaCacheOptions;
  /** Overrides of the upload rules; the rest keep the doc's values. */
  rules?: AttachmentRulesOverride;
  /** Time allowed for each request to WeCom, in milliseconds. Default 30 000. */
  timeoutMs?: number;
  /** Retries of errcode -1. Default: 3 retries, backoff from 200 ms doubling to at most 5 s. */
  retry?: RetryOptions;
  /** Where streams are spooled before they are inspected and sent. Default: the OS temp dir. */
  tempDir?: string;
  /** At shutdown, how long to let uploads under way finish before aborting them. Default 10 000 ms. */
  shutdownTimeoutMs?: number;
  /** Refresh the token this long before it expires, in milliseconds. Default 300 000 (5 min). */
  tokenRefreshAheadMs?: number;
}

/** Settings of the media-id cache. */
export interface MediaCacheOptions {
  /** Stop reusing a media_id this long before it expires, in milliseconds. Default 3 600 000 (1 h). */
  safetyMarginMs?: number;
}

/** The default: the module fetches the token with `gettoken` from the corp id and the app's secret. */
export interface WecomMediaSecretOptions extends WecomMediaCommonOptions {
  /** The app's secret (代开发 apps: the permanent_code). Never logged. */
  corpSecret: string;
  tokenProvider?: never;
}

/** Third-party apps and custom set-ups: the app supplies the token. */
export interface WecomMediaTokenProviderOptions extends WecomMediaCommonOptions {
  /** Supplies access tokens, e.g. from `get_corp_token`. */
  tokenProvider: AccessTokenProvider;
  corpSecret?: never;
}

/** Options of `WecomMediaModule.forRoot` and what `forRootAsync`'s factory returns. */
export type WecomMediaModuleOptions = WecomMediaSecretOptions | WecomMediaTokenProviderOptions;

/** The upload controller's settings (the `controller` extra). */
export interface WecomMediaControllerOptions {
  /** The route, without leading slash. Default `wecom/attachments`. */
  path?: string;
  /** Guards run before every upload. Without any, the module warns at start-up. */
  guards?: Array<Type<CanActivate> | CanActivate>;
  /** How long a client may take to send its whole upload; a slower one gets 408. Default 120 000 ms. */
  receiveTimeoutMs?: number;
}

/** The extras both `forRoot` and `forRootAsync` take. */
export interface WecomMediaModuleExtras {
  /** Register the module globally. Default false. */
  isGlobal?: boolean;
  /** Serve `POST /{path}` that uploads a multipart `media` file. Off unless given; `true` takes the defaults. */
  controller?: boolean | WecomMediaControllerOptions;
}
