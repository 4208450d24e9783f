import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { WECOM_RESOLVED_OPTIONS } from '../wecom-media.constants.js';
import { CONCURRENCY_RETRY_AFTER_MS, Errcode } from '../errors/errcodes.js';
import { WecomRateLimitError } from '../errors/wecom-api.error.js';
import type { ResolvedWecomMediaOptions } from '../options/resolve-options.js';
import { CallBudget } from './call-budget.js';

/** What a call is limited by: the corp it acts for (none: the suite's own calls) and its API. */
export interface LimitedCall {
  corpId?: string;
  api: string;
  signal?: AbortSignal;
  /** A token call: it never waits in the line, since the calls holding places need it. */
  urgent?: boolean;
}

/**
 * WeCom's limits, kept before WeCom enforces them: at most `maxConcurrentCalls` calls of a corp at
 * once in this process (the rest wait in a line of at most `maxQueuedCalls`), and, with
 * `rateLimit`, a budget of calls per corp and API that every replica spends together. Each attempt
 * of a call passes here: WeCom counts retries too.
 */
@Injectable()
export class CallLimits implements OnApplicationBootstrap, OnModuleDestroy {
  /** One line per corp that has calls running or waiting; dropped when it empties. */
  private readonly lines = new Map<string, Semaphore>();
  private readonly budget: CallBudget | undefined;

  constructor(@Inject(WECOM_RESOLVED_OPTIONS) private readonly options: ResolvedWecomMediaOptions) {
    const { rateLimit, store, storeTimeoutMs, storeRetryAfterMs } = options;
    this.budget = rateLimit
      ? new CallBudget({ limits: rateLimit, store, storeTimeoutMs, storeRetryAfterMs })
      : undefined;
  }

  /** With a budget shared in Redis, this replica's heartbeat starts (what it divides by in an outage). */
  async onApplicationBootstrap(): Promise<void> {
    await this.budget?.start();
  }

  /** …and stops, taking this replica out of the count. */
  async onModuleDestroy(): Promise<void> {
    await this.budget?.stop();
  }

  /**
   * Runs `send` within the limits.
   * @throws WecomRateLimitError (`local`) when the budget is spent or the corp's line is full.
   * @throws the signal's reason when it aborts while the call waits.
   */
  async run<T>(call: LimitedCall, send: () => Promise<T>): Promise<T> {
    const corp = call.corpId ?? 'suite';
    const budget = this.budget;
    const spendThenSend = budget
      ? async () => {
          await budget.spend(corp, call.api, call.signal);
          return send();
        }
      : send;
    // A token call never waits in the line: the calls holding its places may be waiting for that
    // very token (they take it once placed). Each corp fetches one token at a time.
    if (call.urgent) return spendThenSend();
    const { perCorp, maxQueued } = this.options.concurrency;
    let line = this.lines.get(corp);
    if (!line) {
      line = new Semaphore(perCorp);
      this.lines.set(corp, line);
    }
    if (line.queued >= maxQueued && !line.hasRoom) {
      throw new WecomRateLimitError(
        Errcode.ConcurrencyLimit,
        `maxQueuedCalls (${maxQueued}) calls of corp ${corp} already wait for one of its maxConcurrentCalls (${perCorp}) places`,
        call.api,
        CONCURRENCY_RETRY_AFTER_MS,
        0,
        true,
      );
    }
    // The place first, then the budget: a call spends it only as it is sent, so a call that
    // waited in line is counted in the window it reaches WeCom in, and one refused or aborted in
    // line spends nothing.
    try {
      return await line.run(spendThenSend, call.signal);
    } finally {
      if (line.idle) this.lines.delete(corp);
    }
  }
}

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

  /** Runs `task` once a place is free, and frees it when `task` settles. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(signal: AbortSignal | undefined): Promise<void> {
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
