import { Inject, Injectable } from '@nestjs/common';
import { Semaphore } from './semaphore.js';
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
  /** A token call: it goes to the front of the line, since every upload behind it needs it. */
  urgent?: boolean;
}

/**
 * WeCom's limits, kept before WeCom enforces them: at most `maxConcurrentCalls` calls of a corp at
 * once in this process (the rest wait in a line of at most `maxQueuedCalls`), and, with
 * `rateLimit`, a budget of calls per corp and API that every replica spends together. Each attempt
 * of a call passes here: WeCom counts retries too.
 */
@Injectable()
export class CallLimits {
  /** One line per corp that has calls running or waiting; dropped when it empties. */
  private readonly lines = new Map<string, Semaphore>();
  private readonly budget: CallBudget | undefined;

  constructor(@Inject(WECOM_RESOLVED_OPTIONS) private readonly options: ResolvedWecomMediaOptions) {
    const { rateLimit, store, storeTimeoutMs, storeRetryAfterMs } = options;
    this.budget = rateLimit
      ? new CallBudget({ limits: rateLimit, store, storeTimeoutMs, storeRetryAfterMs })
      : undefined;
  }

  /**
   * Runs `send` within the limits.
   * @throws WecomRateLimitError (`local`) when the budget is spent or the corp's line is full.
   * @throws the signal's reason when it aborts while the call waits.
   */
  async run<T>(call: LimitedCall, send: () => Promise<T>): Promise<T> {
    const corp = call.corpId ?? 'suite';
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
    const budget = this.budget;
    const spendThenSend = budget
      ? async () => {
          await budget.spend(corp, call.api, call.signal);
          return send();
        }
      : send;
    try {
      return await line.run(spendThenSend, call.signal, call.urgent);
    } finally {
      if (line.idle) this.lines.delete(corp);
    }
  }
}
