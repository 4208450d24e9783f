import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { WecomInvalidCredentialsError } from '../../errors/wecom-api.error.js';
import { WecomNetworkError } from '../../errors/wecom-transport.error.js';
import { WecomError } from '../../errors/wecom.error.js';
import type { Messages } from '../../messages/index.js';
import type { ResolvedWecomMediaOptions } from '../../options/resolve-options.js';
import { checkCorpId, servedBy } from '../../rules/attachment-rules.js';
import { FallbackStore } from '../../store/fallback.store.js';
import type { WecomStore } from '../../store/wecom-store.interface.js';
import type { AccessTokenProvider } from '../../token/access-token-provider.interface.js';
import { PerCorpTokens, type TokenState } from '../../token/stored-token.js';
import {
  WECOM_ACCESS_TOKEN_PROVIDER,
  WECOM_MESSAGES,
  WECOM_RESOLVED_OPTIONS,
  WECOM_STORE,
} from '../../wecom-media.constants.js';

/**
 * What {@link WecomHealthIndicator.isHealthy} checks.
 *
 * @publicApi
 */
export interface WecomHealthCheckOptions {
  /** The corp whose token is checked. @default the module's `corpId` */
  corpId?: string;
  /**
   * Report down when the shared store (a `RedisStore`) does not answer. Off by default: the module
   * carries on with this process's own memory, and every replica failing readiness at once
   * because Redis blinked would be an outage the module does not have.
   * @default false
   */
  storeRequired?: boolean;
}

/**
 * The details of a WeCom health check. Never a token nor a secret.
 *
 * @publicApi
 */
export interface WecomHealthDetails {
  /** The corp checked. */
  corpId?: string;
  /**
   * `held`: a token was in hand (no call to WeCom); `fetched`: none was, and WeCom issued one now;
   * `refused`: WeCom refused the credentials (or a cool-down remembers it did); `failed`: it could
   * not be had.
   */
  token?: 'held' | 'fetched' | 'refused' | 'failed';
  /** `memory`: this process's own; `up`/`down`: whether the shared store answers. */
  store: 'memory' | 'up' | 'down';
  /** What failed, when the check is down. */
  failed?: 'token' | 'network' | 'store' | 'corp';
  /** WeCom's errcode, when WeCom refused. */
  errcode?: number;
  /** When the credentials' cool-down ends: no call to WeCom is made with them before. */
  retryAt?: string;
  /** Why it is down, in the module's words. */
  message?: string;
}

/** The module's providers a probe reads, found wherever the app registered the module. */
interface Probed {
  tokens: AccessTokenProvider;
  store: WecomStore;
  options: ResolvedWecomMediaOptions;
  messages: Messages;
}

/**
 * A Terminus health indicator of the module: can this replica upload for the corp — with a token
 * held or one WeCom issues now — and does the shared store answer? A probe never costs a gettoken
 * while a token is held, and none at all during the credentials' cool-down (after WeCom refused
 * them with 40001 or 40013): twenty probes a minute from every replica leave WeCom's counters
 * alone. Down, never thrown: Terminus reports it as the check's 503.
 *
 * @publicApi
 */
@Injectable()
export class WecomHealthIndicator {
  private probed?: Probed;

  /** @internal Nest injects these. */
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly moduleRef: ModuleRef,
  ) {}

  /**
   * Checks that a token for the corp is held or can be fetched, and reports the store.
   * @param key - the key of the result in Terminus's answer. @default 'wecom'
   */
  async isHealthy<const Key extends string = 'wecom'>(
    key: Key = 'wecom' as Key,
    options: WecomHealthCheckOptions = {},
  ): Promise<HealthIndicatorResult<Key>> {
    const indicator = this.health.check(key);
    const { tokens, store, options: module, messages } = this.module();
    const corpId = options.corpId ?? module.corpId;
    const [token, storeState] = await Promise.all([
      this.token(tokens, corpId, module, messages),
      storeStateOf(store),
    ]);
    const details: WecomHealthDetails = {
      ...(corpId === undefined ? {} : { corpId }),
      ...token,
      store: storeState,
    };
    if (details.failed) return indicator.down({ ...details });
    if (options.storeRequired && storeState === 'down') {
      return indicator.down({
        ...details,
        failed: 'store',
        message: 'the shared store does not answer; this process carries on with its own memory',
      });
    }
    return indicator.up({ ...details });
  }

  /** The token's part: held, fetched now, or why not; never a fetch while one is held. */
  private async token(
    tokens: AccessTokenProvider,
    corpId: string | undefined,
    options: ResolvedWecomMediaOptions,
    messages: Messages,
  ): Promise<Pick<WecomHealthDetails, 'token' | 'failed' | 'errcode' | 'retryAt' | 'message'>> {
    const wrong = checkCorpId(corpId, servedBy(options), messages);
    if (wrong || corpId === undefined) {
      return { failed: 'corp', message: wrong?.message ?? messages.corpMissing() };
    }
    try {
      const state: TokenState =
        tokens instanceof PerCorpTokens ? await tokens.inspect(corpId) : { held: false };
      if (state.held) return { token: 'held' };
      if (state.refused) {
        const { errcode, api, retryAt } = state.refused;
        return {
          token: 'refused',
          failed: 'token',
          errcode,
          retryAt: retryAt.toISOString(),
          message: `WeCom ${api} refused the credentials of corp ${corpId} with errcode ${errcode}; not asked again before ${retryAt.toISOString()}`,
        };
      }
      await tokens.getToken({ corpId });
      // An app's own provider caches as it will: what it answers, it holds.
      return { token: tokens instanceof PerCorpTokens ? 'fetched' : 'held' };
    } catch (error) {
      return failure(error);
    }
  }

  private module(): Probed {
    // strict: false finds the module's providers wherever the app registered it.
    const find = <T>(token: symbol): T => this.moduleRef.get<T>(token, { strict: false });
    this.probed ??= {
      tokens: find(WECOM_ACCESS_TOKEN_PROVIDER),
      store: find(WECOM_STORE),
      options: find(WECOM_RESOLVED_OPTIONS),
      messages: find(WECOM_MESSAGES),
    };
    return this.probed;
  }
}

/** The store's part: this process's memory, or whether the shared store answers now. */
async function storeStateOf(store: WecomStore): Promise<WecomHealthDetails['store']> {
  if (!(store instanceof FallbackStore)) return 'memory';
  return (await store.ping()) ? 'up' : 'down';
}

/**
 * Why no token could be had. The module's errors name no token nor secret; an app's own provider
 * may say anything, so only its error's class is named.
 */
function failure(
  error: unknown,
): Pick<WecomHealthDetails, 'token' | 'failed' | 'errcode' | 'retryAt' | 'message'> {
  if (error instanceof WecomInvalidCredentialsError) {
    return {
      token: 'refused',
      failed: 'token',
      errcode: error.errcode,
      ...(error.retryAt ? { retryAt: error.retryAt.toISOString() } : {}),
      message: error.message,
    };
  }
  const failed = error instanceof WecomNetworkError ? 'network' : 'token';
  const message =
    error instanceof WecomError
      ? error.message
      : `the token provider failed with ${error instanceof Error ? error.constructor.name : typeof error}`;
  const errcode = (error as { errcode?: unknown }).errcode;
  return {
    token: 'failed',
    failed,
    ...(error instanceof WecomError && typeof errcode === 'number' ? { errcode } : {}),
    message,
  };
}
