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
 * How long a health probe holds a refusal, however short `credentialsCooldownMs` (even 0): the
 * default cool-down. Uploads then ask again as the app chose, but a readiness probe every few
 * seconds on every replica would be the very stream of wrong-secret calls that gets an IP banned.
 */
export const PROBE_HOLD_MS = 5 * 60_000;

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

  /** Where the refusal is held for probes: uploads never read it. */
  private readonly probeKey: string;

  constructor(
    private readonly store: WecomStore,
    private readonly key: string,
    private readonly cooldownMs: number,
  ) {
    this.probeKey = `${key}:probe`;
  }

  /** Records the refusal; returns it with the cool-down's end, which its message states. */
  async remember(error: WecomInvalidCredentialsError): Promise<WecomInvalidCredentialsError> {
    const { errcode, api } = error;
    const holdMs = Math.max(this.cooldownMs, PROBE_HOLD_MS);
    const held: Refusal = { errcode, api, until: Date.now() + holdMs };
    await this.store.set(this.probeKey, JSON.stringify(held), holdMs);
    if (this.cooldownMs <= 0) return error;
    const refusal: Refusal = { errcode, api, until: Date.now() + this.cooldownMs };
    this.local = refusal;
    this.localErrmsg = error.errmsg; // already redacted
    await this.store.set(this.key, JSON.stringify(refusal), this.cooldownMs);
    return error.withRetryAt(new Date(refusal.until));
  }

  /**
   * For a health probe, the refusal while it holds for probes (at least {@link PROBE_HOLD_MS}),
   * else while its cool-down lasts, or undefined: a read that never calls WeCom.
   */
  async refusal(): Promise<{ errcode: number; api: string; retryAt: Date } | undefined> {
    const refusal =
      this.live(parse(await this.store.get(this.probeKey))) ??
      this.live(this.local) ??
      this.live(parse(await this.store.get(this.key)));
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
