// This process's own count of calls, in fixed windows: the `rateLimit` budget without Redis, or a
// replica's share of it while Redis fails (see call-budget.ts).

/** How often the counts of windows that ended are swept from this process's memory. */
const SWEEP_EVERY_MS = 60_000;

/** A call that does not fit: when the window ends, and which call of it this would have been. */
export interface Refusal {
  msBeforeNext: number;
  consumedPoints: number;
  /** Counting alone: the calls this process's own count allowed in the window. */
  allowed?: number;
  /** Counting alone while Redis fails: the replicas the budget was divided by. */
  replicas?: number;
}

/** Values that lapse at a time of their own, swept now and then rather than on every call. */
export class Expiring<T> {
  private readonly entries = new Map<string, { value: T; endsAt: number }>();
  private sweptAt = 0;

  /** The entry of `key`, unless it lapsed by `now`. */
  get(key: string, now: number): { value: T; endsAt: number } | undefined {
    const entry = this.entries.get(key);
    return entry && entry.endsAt > now ? entry : undefined;
  }

  /** Sets `key` until `endsAt`, and returns its entry. */
  set(key: string, value: T, endsAt: number, now: number): { value: T; endsAt: number } {
    if (now - this.sweptAt >= SWEEP_EVERY_MS) {
      this.sweptAt = now;
      for (const [k, old] of this.entries) if (old.endsAt <= now) this.entries.delete(k);
    }
    const entry = { value, endsAt };
    this.entries.set(key, entry);
    return entry;
  }
}

/** Fixed windows counted in this process's memory, per key, each allowing as many calls as it opened with. */
export class OwnCount {
  private readonly counts = new Expiring<{ used: number; allowed: number }>();

  /**
   * Counts one call of `key`: undefined when it fits; a refusal when its window is spent. A key
   * without a window in progress opens one with `open`'s room and end.
   */
  consume(
    key: string,
    now: number,
    open: () => { allowed: number; endsAt: number },
  ): Refusal | undefined {
    let entry = this.counts.get(key, now);
    if (!entry) {
      const { allowed, endsAt } = open();
      entry = this.counts.set(key, { used: 0, allowed }, endsAt, now);
    }
    const count = entry.value;
    if (count.used >= count.allowed) {
      return {
        msBeforeNext: entry.endsAt - now,
        consumedPoints: count.used + 1,
        allowed: count.allowed,
      };
    }
    count.used += 1;
    return undefined;
  }
}
