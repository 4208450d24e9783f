import type { Logger } from '@nestjs/common';
import { WecomAbortedError } from '../errors/wecom-transport.error.js';

/** A signal that aborts when any of its sources does, or when its time runs out. */
export interface LinkedSignal {
  signal: AbortSignal;
  /** True when the time ran out (rather than a source aborting). */
  readonly timedOut: boolean;
  /** Aborts the signal with `reason` (a source of its own: shutdown, say). */
  abort(reason: unknown): void;
  /** Detaches from the sources and stops the timer; call it when the operation is over. */
  dispose(): void;
}

/**
 * Links `sources` (and an optional timeout) into one signal, and lets go of everything on
 * `dispose()`: the timer is cleared and the listeners on the sources are removed as soon as the
 * operation is over, where `AbortSignal.timeout` would keep each request's timer and signal alive
 * for the whole timeout (30 s by default) under load.
 */
export function linkSignals(
  sources: ReadonlyArray<AbortSignal | undefined>,
  timeoutMs?: number,
): LinkedSignal {
  const controller = new AbortController();
  let timedOut = false;
  const attached: Array<[AbortSignal, () => void]> = [];
  for (const source of sources) {
    if (!source) continue;
    if (source.aborted) {
      controller.abort(source.reason);
      break;
    }
    const onAbort = (): void => controller.abort(source.reason);
    source.addEventListener('abort', onAbort, { once: true });
    attached.push([source, onAbort]);
  }
  const timer =
    timeoutMs === undefined || controller.signal.aborted
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          controller.abort(new DOMException(`timed out after ${timeoutMs} ms`, 'TimeoutError'));
        }, timeoutMs);
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    abort(reason: unknown) {
      controller.abort(reason);
    },
    dispose() {
      clearTimeout(timer);
      for (const [source, onAbort] of attached) source.removeEventListener('abort', onAbort);
      attached.length = 0;
    },
  };
}

/**
 * `promise`, or `signal`'s reason as soon as it aborts: a caller who gives up stops waiting, while
 * the work it waited for (shared with other callers) goes on. The listener is removed either way.
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Calls under way, each with the means to cut it short: at shutdown they get a grace period to
 * finish, then the rest are aborted with `WecomAbortedError('shutdown')`.
 */
export class InFlight {
  private readonly calls = new Map<Promise<unknown>, LinkedSignal>();

  /** Runs `call` with one signal for the caller's abort and shutdown's. */
  async run<T>(
    signal: AbortSignal | undefined,
    call: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const linked = linkSignals([signal]);
    const running = call(linked.signal);
    this.calls.set(running, linked);
    try {
      return await running;
    } finally {
      this.calls.delete(running);
      linked.dispose();
    }
  }

  /**
   * Lets the calls under way finish, for at most `graceMs`, then aborts the rest and waits for
   * them to end.
   */
  async drain(graceMs: number, logger: Logger, what = 'upload(s)'): Promise<void> {
    if (this.calls.size === 0) return;
    logger.log(`waiting up to ${graceMs} ms for ${this.calls.size} ${what} to finish`);
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), graceMs);
    });
    const settled = Promise.allSettled(this.calls.keys());
    if ((await Promise.race([settled, bound])) === 'timeout') {
      logger.warn(`aborting ${this.calls.size} ${what} still running at shutdown`);
      const reason = new WecomAbortedError('shutdown');
      for (const call of this.calls.values()) call.abort(reason);
      await settled;
    }
    clearTimeout(timer);
  }
}
