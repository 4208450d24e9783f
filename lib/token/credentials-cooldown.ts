import { WecomInvalidCredentialsError } from '../errors/wecom-api.error.js';
import type { WecomStore } from '../store/wecom-store.interface.js';

/**
 * What is stored about a refusal: enough to fail fast with the same errcode. Never WeCom's errmsg:
 * upstream text may echo a credential, and the store is read by every replica (and by whoever can
 * read Redis).
 */
interface Refusal {
  errcode: number;
  api: string;
  until: number;
}

/**
 * Remembers that WeCom refused a secret or corp id (40001, 40013) for a cool-down, in the module's
 * store so that every replica sees it. While it lasts, nobody calls gettoken with those
 * credentials: WeCom bans an IP for an hour after repeated wrong-secret calls.
 */
export class CredentialsCooldown {
  /** This process's copy: answers without a store round trip, and while the store is down. */
  private local?: Refusal;
  /** The errmsg of the refusal this process saw itself (redacted), for its own errors. */
  private localErrmsg = '';

  constructor(
    private readonly store: WecomStore,
    private readonly key: string,
    private readonly cooldownMs: number,
  ) {}

  /** Records the refusal; returns it with the cool-down's end, which its message states. */
  async remember(error: WecomInvalidCredentialsError): Promise<WecomInvalidCredentialsError> {
    if (this.cooldownMs <= 0) return error;
    const refusal: Refusal = {
      errcode: error.errcode,
      api: error.api,
      until: Date.now() + this.cooldownMs,
    };
    this.local = refusal;
    this.localErrmsg = error.errmsg; // already redacted
    await this.store.set(this.key, JSON.stringify(refusal), this.cooldownMs);
    return error.withRetryAt(new Date(refusal.until));
  }

  /**
   * The refusal while its cool-down lasts (this process's, else the store's), or undefined: a
   * read that never calls WeCom, for a health probe.
   */
  async refusal(): Promise<{ errcode: number; api: string; retryAt: Date } | undefined> {
    const refusal = this.live(this.local) ?? this.live(parse(await this.store.get(this.key)));
    return (
      refusal && { errcode: refusal.errcode, api: refusal.api, retryAt: new Date(refusal.until) }
    );
  }

  /** Throws the remembered refusal while the cool-down lasts. */
  async throwIfRefused(): Promise<void> {
    const mine = this.live(this.local);
    const refusal = mine ?? this.live(parse(await this.store.get(this.key)));
    if (!refusal) return;
    if (!mine) this.localErrmsg = '';
    this.local = refusal;
    throw new WecomInvalidCredentialsError(
      refusal.errcode,
      // Another replica's refusal comes without its words: only its errcode was stored.
      mine ? this.localErrmsg : '',
      refusal.api,
      0,
      new Date(refusal.until),
      true,
    );
  }

  private live(refusal: Refusal | undefined): Refusal | undefined {
    return refusal && Date.now() < refusal.until ? refusal : undefined;
  }
}

function parse(raw: string | undefined): Refusal | undefined {
  if (!raw) return undefined;
  try {
    const r = JSON.parse(raw) as Partial<Refusal>;
    if (typeof r.errcode === 'number' && typeof r.api === 'string' && typeof r.until === 'number') {
      return { errcode: r.errcode, api: r.api, until: r.until };
    }
  } catch {
    // A foreign or damaged value: no cool-down.
  }
  return undefined;
}
