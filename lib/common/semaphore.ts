/**
 * At most `limit` holders at once; the others wait in line, first come first served. A waiter
 * whose signal aborts leaves the line (its reason rejects its wait) and never holds a place.
 */
export class Semaphore {
  private held = 0;
  private readonly waiting: Array<{ start: () => void }> = [];

  constructor(private readonly limit: number) {}

  /** Runs `task` once a place is free, and frees it when `task` settles. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(signal?: AbortSignal): Promise<void> {
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
      this.waiting.push(entry);
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
