import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { Job, Worker } from 'bullmq';
import { backoffDelay } from '../../client/backoff.js';
import { SecretRedactor } from '../../client/secret-redactor.js';
import { AttachmentRuleError } from '../../errors/attachment-rule.error.js';
import { AttachmentSourceError } from '../../errors/attachment-source.error.js';
import { Errcode } from '../../errors/errcodes.js';
import { WecomApiError, WecomRateLimitError } from '../../errors/wecom-api.error.js';
import type { WecomStore } from '../../store/wecom-store.interface.js';
import type { ResolvedWecomMediaOptions } from '../../options/resolve-options.js';
import {
  LOGGER_CONTEXT,
  WECOM_RESOLVED_OPTIONS,
  WECOM_STORE,
} from '../../wecom-media.constants.js';
import { MomentService } from '../moment.service.js';
import { ProductAlbumService } from '../product-album.service.js';
import { failedReasonOf } from './failed-reason.js';
import { createAlbumOnce, publishMomentOnce, type MarkLedger } from './publish-once.js';
import type { PublishJobError } from './publish-queue.interfaces.js';
import { PublishRecords, type RecordRef } from './publish-records.js';
import type { PublishJobData } from './queued-job.js';
import {
  WECOM_BULL,
  WECOM_QUEUE_SETTINGS,
  type BullHandle,
  type QueueSettings,
} from './queue-settings.js';

/** The longest wait before a retry (a rate limit's own wait aside). */
const LONGEST_RETRY_DELAY_MS = 5 * 60_000;
/** A limiter that never binds by itself: the shared budget sets the queue's waits. */
const NO_LIMIT = { max: 1_000_000, duration: 1_000 };
/** WeCom errcodes that a later try can get past: busy, the frequency and concurrency limits. */
const RETRYABLE_ERRCODES: ReadonlySet<number> = new Set([
  Errcode.SystemBusy,
  Errcode.FrequencyLimit,
  Errcode.ConcurrencyLimit,
]);
/** Sources that may read on a later try: a URL that failed on the way, a stream that broke. */
const RETRYABLE_SOURCES: ReadonlySet<string> = new Set([
  'unreachable',
  'timeout',
  'truncated',
  'stream-error',
]);

/** A failed attempt to try again, its message redacted; a rate limit's wait travels with it. */
class RetryLater extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number | undefined,
  ) {
    super(message);
  }
}

/**
 * The queue's worker in this process (`queue.worker`, on by default): runs jobs `concurrency` at
 * a time, on BullMQ's connection. Retries what retrying can fix (network, timeouts, -1, 45009,
 * 45033, a URL on the way) with backoff, at most 5 attempts; fails at once on rule violations and
 * on refusals retrying cannot fix. A wait for the shared rate limit is BullMQ's rate limit, not an
 * attempt. What a job came to is written to the module's store.
 */
@Injectable()
export class PublishWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(LOGGER_CONTEXT);
  private readonly records: PublishRecords;
  private worker: Worker | undefined;

  constructor(
    @Inject(WECOM_BULL) private readonly bull: BullHandle,
    @Inject(WECOM_QUEUE_SETTINGS) private readonly settings: QueueSettings,
    @Inject(WECOM_STORE) store: WecomStore,
    @Inject(WECOM_RESOLVED_OPTIONS) private readonly options: ResolvedWecomMediaOptions,
    private readonly albums: ProductAlbumService,
    private readonly moments: MomentService,
    private readonly redactor: SecretRedactor,
  ) {
    this.records = new PublishRecords(store, settings.keyTtlMs);
  }

  /** Starts taking jobs once the app is up. */
  onApplicationBootstrap(): void {
    if (!this.settings.worker) return;
    const { queue, bullmq } = this.bull;
    const s = this.settings;
    this.worker = new bullmq.Worker<PublishJobData>(
      queue.name,
      (job, _token, signal) => this.run(job, signal),
      {
        connection: queue.opts.connection,
        ...(queue.opts.prefix === undefined ? {} : { prefix: queue.opts.prefix }),
        concurrency: s.concurrency,
        stalledInterval: s.stalledIntervalMs,
        lockDuration: s.lockDurationMs,
        maxStalledCount: s.maxStalledCount,
        // BullMQ honours a manual rate limit (queue.rateLimit) only on a worker with a limiter.
        limiter: NO_LIMIT,
        settings: { backoffStrategy: (attempts, _type, error) => this.backoff(attempts, error) },
      },
    );
    // A lost Redis connection is BullMQ's to recover from; unheard, its 'error' would end the app.
    this.worker.on('error', (error) =>
      this.logger.error(`queue ${queue.name}: ${this.redactor.redact(String(error.message))}`),
    );
  }

  /**
   * Takes no new job, and lets those under way finish for at most `shutdownTimeoutMs`. Past that
   * the services' own shutdown aborts their calls (they run after this), which ends the jobs: each
   * is retried, by this worker's peers. A process killed first leaves them to stall recovery.
   */
  async onModuleDestroy(): Promise<void> {
    const { worker } = this;
    if (!worker) return;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), this.options.shutdownTimeoutMs);
    });
    const closed = worker.close();
    try {
      if ((await Promise.race([closed, late])) === 'late') {
        this.logger.warn(
          `queue ${this.bull.queue.name}: jobs still running after ${this.options.shutdownTimeoutMs} ms; their calls are aborted now, and they will be retried`,
        );
        void closed.catch(() => undefined);
      }
    } finally {
      clearTimeout(timer);
    }
  }

  private async run(job: Job<PublishJobData>, signal?: AbortSignal): Promise<unknown> {
    const { data } = job;
    const ref: RecordRef = { kind: data.kind, corpId: data.corpId, key: data.key };
    const base = { jobId: job.id ?? '', fingerprint: data.fingerprint };
    const ledger: MarkLedger = {
      read: async () => job.data.mark ?? (await this.records.get(ref))?.mark,
      // The job's own data first: it lives as long as the job, wherever the store is.
      write: async (mark) => {
        await job.updateData({ ...job.data, mark });
        await this.records.update(ref, base, { mark });
      },
    };
    try {
      // Its key done already (a job removed, then enqueued again): nothing to send.
      const done = (await this.records.get(ref))?.result;
      if (done) return done;
      const result =
        data.kind === 'album'
          ? await createAlbumOnce(this.albums, data.input, data.corpId, ledger, signal)
          : await publishMomentOnce(this.moments, data.input, data.corpId, ledger, signal);
      await this.records.update(ref, base, {
        result: { ...result },
        attempts: job.attemptsMade + 1,
        error: undefined,
        failed: false,
      });
      return result;
    } catch (error) {
      throw await this.failure(job, ref, base, error);
    }
  }

  /** What to throw to BullMQ for `error`: a rate-limit wait, a retry, or a failure for good. */
  private async failure(
    job: Job<PublishJobData>,
    ref: RecordRef,
    base: { jobId: string; fingerprint: string },
    error: unknown,
  ): Promise<Error> {
    const { bullmq, queue } = this.bull;
    if (error instanceof WecomRateLimitError && error.local) {
      // Every worker of the queue waits with this one: the budget is shared. Not an attempt.
      await queue.rateLimit(error.retryAfterMs);
      return new bullmq.RateLimitError();
    }
    const summary = this.summaryOf(error);
    const permanent = isPermanent(error);
    const attempts = job.attemptsMade + 1;
    const last = permanent || attempts >= (job.opts.attempts ?? 1);
    // A store that fails here (the app closing, Redis gone) must not stand in for the job's error:
    // BullMQ keeps it in failedReason, which status() reads when the store has none.
    await this.records.update(ref, base, { error: summary, attempts, failed: last }).catch(() => {
      this.logger.warn(
        `queued ${ref.kind} "${ref.key}": its error could not be written to the store`,
      );
    });
    const reason = failedReasonOf(summary);
    const said = `queued ${ref.kind} "${ref.key}" (corp ${ref.corpId}), attempt ${attempts}: ${reason}`;
    this.logger.warn(last ? `${said}; not retried` : `${said}; retrying`);
    if (permanent) return new bullmq.UnrecoverableError(reason);
    const retryAfterMs = error instanceof WecomRateLimitError ? error.retryAfterMs : undefined;
    return new RetryLater(reason, retryAfterMs);
  }

  /** The wait before retry `attempt`: doubling from `retryDelayMs`, or WeCom's limit's own. */
  private backoff(attempt: number, error: Error | undefined): number {
    const { retryDelayMs } = this.settings;
    const options = {
      baseDelayMs: retryDelayMs,
      maxDelayMs: Math.max(retryDelayMs, LONGEST_RETRY_DELAY_MS),
      busyRetries: 0,
    };
    const delay = backoffDelay(Math.max(1, attempt), options);
    return error instanceof RetryLater && error.retryAfterMs !== undefined
      ? Math.max(delay, error.retryAfterMs)
      : delay;
  }

  /** The error as the store keeps it: its name, its message redacted, WeCom's errcode. */
  private summaryOf(error: unknown): PublishJobError {
    const name = error instanceof Error ? error.name : 'Error';
    const message = this.redactor.redact(error instanceof Error ? error.message : String(error));
    return {
      name,
      message,
      ...(error instanceof WecomApiError ? { errcode: error.errcode } : {}),
    };
  }
}

/** True when no later try can succeed: a broken rule, a refusal, a file that is not there. */
function isPermanent(error: unknown): boolean {
  if (error instanceof AttachmentRuleError) return true;
  if (error instanceof AttachmentSourceError) return !RETRYABLE_SOURCES.has(error.reason);
  if (error instanceof WecomApiError) {
    return !(error instanceof WecomRateLimitError) && !RETRYABLE_ERRCODES.has(error.errcode);
  }
  // A bad value (a programmer's error) or sharp missing stays so; anything else may pass.
  return (
    error instanceof TypeError ||
    error instanceof RangeError ||
    (error instanceof Error && error.name === 'SharpMissingError')
  );
}
