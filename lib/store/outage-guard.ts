import { LOGGER_CONTEXT } from '../wecom-media.constants.js';
import { WecomLogger } from '../operations/telemetry/wecom-logger.js';

/** What an {@link OutageGuard} says when a shared service fails, and when it answers again. */
export interface OutageWords {
  down(why: string): string;
  back: string;
}

/** A call's value, or that the shared service could not give it (the caller goes local). */
export type Guarded<T> = { ok: true; value: T } | { ok: false };

/**
 * Calls to a shared service (Redis) that must never fail or stall what they serve: each is bounded
 * by `timeoutMs`; after a failure the guard answers "not ok" at once for `retryAfterMs` (the caller
 * uses its own memory meanwhile) before it asks again. One warning per outage, one line when the
 * service answers again.
 */
export class OutageGuard {
  private readonly logger = new WecomLogger(LOGGER_CONTEXT);
  private downUntil = 0;
  private down = false;

  constructor(
    private readonly settings: { timeoutMs: number; retryAfterMs: number },
    private readonly words: OutageWords,
  ) {}

  /** True while the shared service is considered unreachable. */
  get degraded(): boolean {
    return this.down;
  }

  async attempt<T>(call: () => Promise<T>): Promise<Guarded<T>> {
    if (Date.now() < this.downUntil) return { ok: false };
    try {
      const value = await bounded(call(), this.settings.timeoutMs);
      if (this.down) {
        this.down = false;
        this.logger.log(this.words.back);
      }
      return { ok: true, value };
    } catch (error) {
      this.downUntil = Date.now() + this.settings.retryAfterMs;
      if (!this.down) {
        this.down = true;
        this.logger.warn(this.words.down(error instanceof Error ? error.message : 'no answer'));
      }
      return { ok: false };
    }
  }
}

/** The shared service did not answer in time. */
export class NoAnswer extends Error {}

/** `call`'s result, or a rejection once `ms` have passed without one. */
export async function bounded<T>(call: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      call,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new NoAnswer(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
