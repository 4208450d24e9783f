import { randomUUID } from 'node:crypto';
import { sleep, untilAborted } from '../client/abort.js';
import { LOGGER_CONTEXT } from '../wecom-media.constants.js';
import { WecomInvalidCredentialsError } from '../errors/wecom-api.error.js';
import { detached, type WecomTelemetry } from '../operations/telemetry/wecom-telemetry.js';
import type { WecomStore } from '../store/wecom-store.interface.js';
import type { CredentialsCooldown } from './credentials-cooldown.js';
import type { AccessTokenProvider, TokenRequest } from './access-token-provider.interface.js';
import { WecomLogger } from '../operations/telemetry/wecom-logger.js';

/** What a token fetch brings back. */
export interface FetchedToken {
  token: string;
  /** WeCom's `expires_in`, in seconds. */
  expiresInSeconds: number;
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

/** How one token is fetched and kept. */
export interface StoredTokenSettings {
  /** Its key in the store: one per token kind, app and corp. */
  key: string;
  /** What the logs call it ("the access token of corp ww…"). */
  label: string;
  store: WecomStore;
  /** Fetches a new token from WeCom. */
  fetch: () => Promise<FetchedToken>;
  /**
   * The API that issues it: only its refusal is this token's credentials' fault (a corp token's
   * fetch may fail on the suite token's refusal, which is the suite's).
   */
  api: string;
  /**
   * The cool-down of the credentials the next fetch would use (a secret, a ticket, a permanent
   * code): while it lasts, nobody fetches with them.
   */
  cooldown: () => Promise<CredentialsCooldown>;
  /** Refresh in the background once the token has less than this left. */
  refreshAheadMs: number;
  /** The refresh lock: its lease, and the longest wait for another holder's token. */
  lock: { leaseMs: number; waitMs: number };
  /** Work a fetch depends on, done before the lock is taken (a third-party app's suite token). */
  before?: (signal?: AbortSignal) => Promise<void>;
  /** Traces and counts each fetch. */
  telemetry?: WecomTelemetry;
  /** The corp the token acts for (none for a suite token), as telemetry names it. */
  corpId?: string;
}

/** What a health probe may know of a token without asking WeCom for one. */
export type TokenState =
  { held: true } | { held: false; refused?: { errcode: number; api: string; retryAt: Date } };

/** Tokens are dropped this long before WeCom's expiry (at most a tenth of their life): a request takes time. */
const SAFETY_MS = 60_000;

/**
 * One token kept the careful way, whatever API issues it (gettoken, get_suite_token,
 * get_corp_token): cached in this process and in the module's store, refreshed ahead of expiry,
 * one fetch shared by concurrent callers and — through a lock in a shared store — by every
 * replica, and after refused credentials no fetch at all for a cool-down.
 */
export class StoredToken {
  private readonly logger = new WecomLogger(LOGGER_CONTEXT);
  private readonly lockKey: string;
  private current?: CachedToken;
  private inflight?: Promise<CachedToken>;

  constructor(private readonly settings: StoredTokenSettings) {
    this.lockKey = `${settings.key}:lock`;
  }

  /** The token, from memory when it is fresh: the warm path does no I/O. */
  async get(signal?: AbortSignal): Promise<string> {
    const now = Date.now();
    const current = this.current;
    if (current && now < current.expiresAt) {
      if (now >= current.refreshAt) this.refreshAhead();
      return current.token;
    }
    return (await this.load(signal)).token;
  }

  /**
   * Whether a usable token is held (in memory, else in the store), or else the cool-down that
   * holds: never a fetch, nor a refresh ahead of expiry.
   */
  async inspect(): Promise<TokenState> {
    if (this.current && Date.now() < this.current.expiresAt) return { held: true };
    const stored = await this.readStore();
    if (stored && Date.now() < stored.expiresAt) {
      this.use(stored);
      return { held: true };
    }
    const refused = await (await this.settings.cooldown()).refusal();
    return refused ? { held: false, refused } : { held: false };
  }

  /** Drops `token` if it is still the current one, here and in the store. */
  async invalidate(token: string): Promise<void> {
    const current = this.current;
    if (current?.token !== token) return; // already replaced
    this.current = undefined;
    // Only if the store still holds the failed token: another replica may have stored a fresh one.
    await this.settings.store.compareAndDelete(this.settings.key, current.raw);
  }

  /**
   * Starts one background refresh; its failure is logged, and the current token stays in use.
   * Detached from the caller's trace: the upload that started it does not wait for it.
   */
  private refreshAhead(): void {
    if (this.inflight) return;
    detached(() => this.load(undefined, true)).catch((error: unknown) => {
      this.logger.warn(
        `refreshing ${this.settings.label} ahead of expiry failed: ${(error as Error).message}`,
      );
    });
  }

  /** Single-flight: concurrent callers share one load. */
  private load(signal?: AbortSignal, ahead = false): Promise<CachedToken> {
    this.inflight ??= this.loadShared(ahead).finally(() => {
      this.inflight = undefined;
    });
    return untilAborted(this.inflight, signal);
  }

  private async loadShared(ahead: boolean): Promise<CachedToken> {
    const { store, lock } = this.settings;
    const fresh = (t: CachedToken | undefined): t is CachedToken =>
      t !== undefined && Date.now() < (ahead ? t.refreshAt : t.expiresAt);
    const stored = await this.readStore();
    if (fresh(stored)) return this.use(stored);
    const cooldown = await this.settings.cooldown();
    await cooldown.throwIfRefused();
    await this.settings.before?.();

    const owner = randomUUID();
    const deadline = Date.now() + lock.waitMs;
    for (let poll = 1; Date.now() < deadline; poll++) {
      if (await store.acquireLock(this.lockKey, owner, lock.leaseMs)) {
        try {
          const again = await this.readStore(); // another holder may have just stored one
          if (fresh(again)) return this.use(again);
          await cooldown.throwIfRefused(); // …or just been refused
          return this.use(await this.fetchAndStore(cooldown));
        } finally {
          await store.compareAndDelete(this.lockKey, owner);
        }
      }
      // Another replica is refreshing: a still-usable token is good enough meanwhile.
      if (ahead && this.current) return this.current;
      await sleep(Math.min(25 * poll, 250));
      const theirs = await this.readStore();
      if (theirs && Date.now() < theirs.expiresAt) return this.use(theirs);
      await cooldown.throwIfRefused();
    }
    this.logger.warn(
      `no ${this.settings.label} from the refresh-lock holder within ${lock.waitMs} ms; fetching one directly`,
    );
    return this.use(await this.fetchAndStore(cooldown));
  }

  private use(token: CachedToken): CachedToken {
    this.current = token;
    return token;
  }

  private async readStore(): Promise<CachedToken | undefined> {
    const raw = await this.settings.store.get(this.settings.key);
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

  private async fetchAndStore(cooldown: CredentialsCooldown): Promise<CachedToken> {
    let fetched: FetchedToken;
    const { telemetry, corpId, api, fetch } = this.settings;
    try {
      fetched = await (telemetry ? telemetry.tokenFetch({ corpId, api }, fetch) : fetch());
    } catch (error) {
      // Refused credentials are remembered, on every replica: nobody asks again for a while.
      if (error instanceof WecomInvalidCredentialsError && error.api === this.settings.api) {
        throw await cooldown.remember(error);
      }
      throw error;
    }
    const lifetimeMs = (fetched.expiresInSeconds > 0 ? fetched.expiresInSeconds : 7200) * 1000;
    const usableMs = lifetimeMs - Math.min(SAFETY_MS, lifetimeMs / 10);
    const now = Date.now();
    const token = {
      token: fetched.token,
      expiresAt: now + usableMs,
      // Never refresh in the first half of a token's life, however large refreshAheadMs is.
      refreshAt: now + Math.max(usableMs - this.settings.refreshAheadMs, usableMs / 2),
    };
    const raw = JSON.stringify(token);
    await this.settings.store.set(this.settings.key, raw, usableMs);
    return { ...token, raw };
  }
}

/**
 * A provider that keeps one {@link StoredToken} per corp, made on first use from the corp's
 * credential (a secret, a permanent code) that the app's callback gives. A credential that could
 * not be read, or that WeCom refused (or a cool-down remembers as refused), is asked for again on
 * the corp's next call: a rotated secret or a re-authorised corp's new code is used at once, while
 * the same credential meets the cool-down without calling WeCom.
 */
export abstract class PerCorpTokens implements AccessTokenProvider {
  private readonly corps = new Map<string, Promise<StoredToken>>();

  /** The API whose refusal is the corp credential's fault (gettoken, get_corp_token). */
  protected abstract readonly issuer: string;

  /** The corp's StoredToken, after asking the app's callback for its credential. */
  protected abstract create(corpId: string): Promise<StoredToken>;

  async getToken({ corpId, signal }: TokenRequest): Promise<string> {
    const entry = this.tokenOf(corpId);
    try {
      // A caller who gives up stops waiting, even for a callback that has not answered yet.
      return await (await untilAborted(entry, signal)).get(signal);
    } catch (error) {
      if (error instanceof WecomInvalidCredentialsError && error.api === this.issuer) {
        this.forget(corpId, entry);
      }
      throw error;
    }
  }

  async invalidate(token: string, { corpId }: { corpId: string }): Promise<void> {
    const stored = await this.corps.get(corpId)?.catch(() => undefined);
    await stored?.invalidate(token);
  }

  /**
   * @internal For a health probe: whether `corpId`'s token is held, or its credentials cool down,
   * without asking WeCom (the app's credential callback may be asked, as for an upload).
   */
  async inspect(corpId: string): Promise<TokenState> {
    return (await this.tokenOf(corpId)).inspect();
  }

  private tokenOf(corpId: string): Promise<StoredToken> {
    let entry = this.corps.get(corpId);
    if (!entry) {
      entry = this.create(corpId);
      this.corps.set(corpId, entry);
      // A credential that could not be read is asked for again next time.
      entry.catch(() => this.forget(corpId, entry));
    }
    return entry;
  }

  private forget(corpId: string, entry: Promise<StoredToken> | undefined): void {
    if (this.corps.get(corpId) === entry) this.corps.delete(corpId);
  }
}
