import type { Logger } from '@nestjs/common';
import { WecomAbortedError } from '../errors/wecom-transport.error.js';
import { linkSignals, type LinkedSignal } from './linked-signal.js';

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
