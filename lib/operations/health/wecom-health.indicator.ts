import { Inject, Injectable } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { WecomApiError, WecomInvalidCredentialsError } from '../../errors/wecom-api.error.js';
import { WecomNetworkError } from '../../errors/wecom-transport.error.js';
import { WecomError } from '../../errors/wecom.error.js';
import { errorAnswer } from '../../http/error-answer.js';
import type { Messages } from '../../messages/index.js';
import { FallbackStore } from '../../store/fallback.store.js';
import type { WecomStore } from '../../store/wecom-store.interface.js';
import { PerCorpTokens, type TokenState } from '../../token/stored-token.js';
import { LOGGER_CONTEXT } from '../../wecom-media.constants.js';
import { WecomLogger } from '../telemetry/wecom-logger.js';
import { choose, registrationsIn, type Probed } from './probed-registrations.js';

/**
 * What {@link WecomHealthIndicator.isHealthy} checks.
 *
 * @publicApi
 */
export interface WecomHealthCheckOptions {
  /**
   * The corp whose token is checked, by the registration of the module that uploads for it (an
   * app may register the module once per corp). Needed when the registrations have several
   * default corps, or none.
   * @default the module's `corpId`
   */
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
  /** When a probe may next ask WeCom with the refused credentials (no sooner than uploads may). */
  retryAt?: string;
  /**
   * Why it is down, in the module's words: never WeCom's errmsg (it may carry the server's IP)
   * nor a credential callback's (it may carry a credential); those go to the server log.
   */
  message?: string;
}

/** The part of the details that the token gives. */
type TokenDetails = Pick<
  WecomHealthDetails,
  'token' | 'failed' | 'errcode' | 'retryAt' | 'message'
>;

/**
 * A Terminus health indicator of the module: can this replica upload for the corp — with a token
 * held or one WeCom issues now — and does the shared store answer? A probe never costs a gettoken
 * while a token is held, and none at all for five minutes (or the credentials' longer cool-down)
 * after WeCom refused them with 40001 or 40013: twenty probes a minute from every replica leave
 * WeCom's counters alone. Down, never thrown: Terminus reports it as the check's 503.
 *
 * @publicApi
 */
@Injectable()
export class WecomHealthIndicator {
  private readonly logger = new WecomLogger(LOGGER_CONTEXT);
  private registrations?: Probed[];
  /** The last failure written to the log: a probe every few seconds repeats it. */
  private lastLogged?: string;

  /** @internal Nest injects these. */
  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(ModulesContainer) private readonly modules: ModulesContainer,
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
    // Read once the app is up (each registration's providers built); none yet is read again.
    if (!this.registrations?.length) this.registrations = registrationsIn(this.modules);
    const choice = choose(this.registrations, options.corpId);
    const corp = choice.corpId === undefined ? {} : { corpId: choice.corpId };
    if ('wrong' in choice) {
      const store = await storeStateOf(this.registrations[0]?.store);
      return indicator.down({ ...corp, failed: 'corp', message: choice.wrong, store });
    }
    const { store } = choice.probed;
    const [token, storeState] = await Promise.all([
      this.token(choice.probed, choice.corpId),
      storeStateOf(store),
    ]);
    const details: WecomHealthDetails = { ...corp, ...token, store: storeState };
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
  private async token({ tokens, messages }: Probed, corpId: string): Promise<TokenDetails> {
    try {
      const state: TokenState =
        tokens instanceof PerCorpTokens ? await tokens.inspect(corpId) : { held: false };
      if (state.held) return { token: 'held' };
      if (state.refused) {
        const { errcode, api, retryAt } = state.refused;
        const message = messages.credentialsRefused(api, errcode, retryAt);
        return {
          token: 'refused',
          failed: 'token',
          errcode,
          retryAt: retryAt.toISOString(),
          message,
        };
      }
      await tokens.getToken({ corpId });
      // An app's own provider caches as it will: what it answers, it holds.
      return { token: tokens instanceof PerCorpTokens ? 'fetched' : 'held' };
    } catch (error) {
      this.log(error);
      return failure(error, messages);
    }
  }

  /** The failure's own words, WeCom's or a callback's, go to the server log: once each in a row. */
  private log(error: unknown): void {
    if (!(error instanceof WecomError) || error.message === this.lastLogged) return;
    this.lastLogged = error.message;
    this.logger.warn(`health check: ${error.message}`);
  }
}

/** The store's part: this process's memory, or whether the shared store answers now. */
async function storeStateOf(store: WecomStore | undefined): Promise<WecomHealthDetails['store']> {
  if (!(store instanceof FallbackStore)) return 'memory';
  return (await store.ping()) ? 'up' : 'down';
}

/**
 * Why no token could be had, in the words the module answers its HTTP clients with: WeCom's
 * errcode without its errmsg, a callback named without its words. An app's own provider may say
 * anything, and may reject with no error at all: only its error's class is named.
 */
function failure(error: unknown, messages: Messages): TokenDetails {
  if (!(error instanceof WecomError)) {
    // A rejection's own value is not quoted either: a string may be anything.
    const what =
      error instanceof Error ? error.constructor.name : error === null ? 'null' : typeof error;
    return { token: 'failed', failed: 'token', message: `the token provider failed with ${what}` };
  }
  const { message } = errorAnswer(error, messages);
  const errcode = error instanceof WecomApiError ? { errcode: error.errcode } : {};
  if (error instanceof WecomInvalidCredentialsError) {
    const retryAt = error.retryAt ? { retryAt: error.retryAt.toISOString() } : {};
    return { token: 'refused', failed: 'token', ...errcode, ...retryAt, message };
  }
  const failed = error instanceof WecomNetworkError ? 'network' : 'token';
  return { token: 'failed', failed, ...errcode, message };
}
