/**
 * At most `limit` holders at once; the others wait in line, first come first served. A waiter
 * whose signal aborts leaves the line (its reason rejects its wait) and never holds a place.
 */
export class Semaphore {
  private held = 0;
  private readonly waiting: Array<{ start: () => void }> = [];

  constructor(private readonly limit: number) {}

  /** How many wait in line. */
  get queued(): number {
    return this.waiting.length;
  }

  /** True when a newcomer would get a place at once. */
  get hasRoom(): boolean {
    return this.held < this.limit;
  }

  /** True when nobody holds a place nor waits for one. */
  get idle(): boolean {
    return this.held === 0 && this.waiting.length === 0;
  }

  /**
   * Runs `task` once a place is free, and frees it when `task` settles. `first` puts it at the
   * front of the line.
   */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal, first = false): Promise<T> {
    await this.acquire(signal, first);
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(signal: AbortSignal | undefined, first: boolean): Promise<void> {
    signal?.throwIfAborted();
    if (this.held < this.limit) {
      this.held += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const at = this.waiting.indexOf(entry);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(signal?.reason as Error);
      };
      const entry = {
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      if (first) this.waiting.unshift(entry);
      else this.waiting.push(entry);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    // The place passes straight to the next in line: `held` stays as it is.
    if (next) next.start();
    else this.held -= 1;
  }
}
