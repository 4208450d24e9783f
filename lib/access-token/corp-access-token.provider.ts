import { createHash, randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { sleep } from '../common/sleep.js';
import { LOGGER_CONTEXT } from '../common/wecom-media.constants.js';
import { WecomInvalidCredentialsError } from '../errors/wecom-api.error.js';
import { WecomProtocolError } from '../errors/wecom-transport.error.js';
import type { AccessTokenProvider } from '../interfaces/access-token-provider.interface.js';
import type { WecomStore } from '../interfaces/wecom-store.interface.js';
import type { WecomHttpClient } from '../client/wecom-http.client.js';
import { CredentialsCooldown } from './credentials-cooldown.js';

/** gettoken (developer.work.weixin.qq.com/document/path/91039). */
export const GETTOKEN_PATH = '/cgi-bin/gettoken';

/** What `gettoken` answers. */
interface GettokenAnswer {
  errcode?: number;
  errmsg?: string;
  access_token?: string;
  expires_in?: number;
}

/** A token with its timings, as kept in the store. */
interface CachedToken {
  token: string;
  /** After this, with a safety margin before WeCom's expiry, the token is not handed out. */
  expiresAt: number;
  /** After this, a background refresh starts. */
  refreshAt: number;
  /** The stored text, so that an invalidation deletes exactly what it read. */
  raw: string;
}

export interface CorpAccessTokenProviderSettings {
  corpId: string;
  corpSecret: string;
  store: WecomStore;
  client: WecomHttpClient;
  /** Refresh in the background once the token has less than this left. */
  refreshAheadMs: number;
  /** The refresh lock: its lease, and the longest wait for another holder's token. */
  lock: { leaseMs: number; waitMs: number };
  /** How long a refused secret is remembered (and WeCom not asked again). */
  credentialsCooldownMs: number;
}

/** Tokens are dropped this long before WeCom's expiry (at most a tenth of their life): a request takes time. */
const SAFETY_MS = 60_000;

/**
 * The default {@link AccessTokenProvider}: `gettoken` with the corp id and the app's secret.
 * Caches per corp and app (never per corp alone), refreshes ahead of expiry, lets concurrent
 * callers share one fetch, on a shared store lets one replica refresh under a lock while the
 * others wait for its token, and after a refused secret fails fast for a cool-down, on every
 * replica, instead of calling WeCom again.
 */
export class CorpAccessTokenProvider implements AccessTokenProvider {
  private readonly logger = new Logger(LOGGER_CONTEXT);
  private readonly key: string;
  private readonly lockKey: string;
  private readonly cooldown: CredentialsCooldown;
  private current?: CachedToken;
  private inflight?: Promise<CachedToken>;

  constructor(private readonly settings: CorpAccessTokenProviderSettings) {
    // The app is named by a hash of its secret: the secret itself never becomes a store key, and
    // a new secret (a new deployment) gets keys, and a cool-down, of its own.
    const app = createHash('sha256').update(settings.corpSecret).digest('hex').slice(0, 16);
    this.key = `wecom-media:token:${settings.corpId}:${app}`;
    this.lockKey = `${this.key}:lock`;
    this.cooldown = new CredentialsCooldown(
      settings.store,
      `wecom-media:refused:${settings.corpId}:${app}`,
      settings.credentialsCooldownMs,
    );
  }

  async getToken(signal?: AbortSignal): Promise<string> {
    const now = Date.now();
    const current = this.current;
    if (current && now < current.expiresAt) {
      if (now >= current.refreshAt) this.refreshAhead();
      return current.token;
    }
    return (await this.load(signal)).token;
  }

  async invalidate(token: string): Promise<void> {
    const current = this.current;
    if (current?.token !== token) return; // already replaced
    this.current = undefined;
    // Only if the store still holds the failed token: another replica may have stored a fresh one.
    await this.settings.store.compareAndDelete(this.key, current.raw);
  }

  /** Starts one background refresh; its failure is logged, and the current token stays in use. */
  private refreshAhead(): void {
    if (this.inflight) return;
    this.load(undefined, true).catch((error: unknown) => {
      this.logger.warn(
        `refreshing the access token ahead of expiry failed: ${(error as Error).message}`,
      );
    });
  }

  /** Single-flight: concurrent callers share one load. */
  private load(signal?: AbortSignal, ahead = false): Promise<CachedToken> {
    this.inflight ??= this.loadShared(ahead).finally(() => {
      this.inflight = undefined;
    });
    if (!signal) return this.inflight;
    return Promise.race([this.inflight, abortPromise(signal)]);
  }

  private async loadShared(ahead: boolean): Promise<CachedToken> {
    const { store, lock } = this.settings;
    const fresh = (t: CachedToken | undefined): t is CachedToken =>
      t !== undefined && Date.now() < (ahead ? t.refreshAt : t.expiresAt);
    const stored = await this.readStore();
    if (fresh(stored)) return this.use(stored);
    await this.cooldown.throwIfRefused();

    const owner = randomUUID();
    const deadline = Date.now() + lock.waitMs;
    for (let poll = 1; Date.now() < deadline; poll++) {
      if (await store.acquireLock(this.lockKey, owner, lock.leaseMs)) {
        try {
          const again = await this.readStore(); // another holder may have just stored one
          if (fresh(again)) return this.use(again);
          await this.cooldown.throwIfRefused(); // …or just been refused
          return this.use(await this.fetchAndStore());
        } finally {
          await store.compareAndDelete(this.lockKey, owner);
        }
      }
      // Another replica is refreshing: a still-usable token is good enough meanwhile.
      if (ahead && this.current) return this.current;
      await sleep(Math.min(25 * poll, 250));
      const theirs = await this.readStore();
      if (theirs && Date.now() < theirs.expiresAt) return this.use(theirs);
      await this.cooldown.throwIfRefused();
    }
    this.logger.warn(
      `no access token from the refresh-lock holder within ${lock.waitMs} ms; fetching one directly`,
    );
    return this.use(await this.fetchAndStore());
  }

  private use(token: CachedToken): CachedToken {
    this.current = token;
    return token;
  }

  private async readStore(): Promise<CachedToken | undefined> {
    const raw = await this.settings.store.get(this.key);
    if (!raw) return undefined;
    try {
      const { token, expiresAt, refreshAt } = JSON.parse(raw) as Record<string, unknown>;
      if (
        typeof token === 'string' &&
        typeof expiresAt === 'number' &&
        typeof refreshAt === 'number'
      ) {
        return { token, expiresAt, refreshAt, raw };
      }
    } catch {
      // A foreign or damaged value: fetch a new token.
    }
    return undefined;
  }

  private async fetchAndStore(): Promise<CachedToken> {
    const { corpId, corpSecret, client, store } = this.settings;
    let answer: GettokenAnswer;
    try {
      answer = await client.request<GettokenAnswer>({
        api: GETTOKEN_PATH,
        method: 'GET',
        query: { corpid: corpId, corpsecret: corpSecret },
      });
    } catch (error) {
      if (error instanceof WecomInvalidCredentialsError) throw await this.cooldown.remember(error);
      throw error;
    }
    if (typeof answer.access_token !== 'string' || answer.access_token === '') {
      throw new WecomProtocolError(GETTOKEN_PATH, 200, 'a success answer without access_token');
    }
    const lifetimeMs = (Number(answer.expires_in) > 0 ? Number(answer.expires_in) : 7200) * 1000;
    const usableMs = lifetimeMs - Math.min(SAFETY_MS, lifetimeMs / 10);
    const now = Date.now();
    const token = {
      token: answer.access_token,
      expiresAt: now + usableMs,
      // Never refresh in the first half of a token's life, however large refreshAheadMs is.
      refreshAt: now + Math.max(usableMs - this.settings.refreshAheadMs, usableMs / 2),
    };
    const raw = JSON.stringify(token);
    await store.set(this.key, raw, usableMs);
    return { ...token, raw };
  }
}

function abortPromise(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
  });
}
