import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { PublishJobFailedError, PublishJobPendingError } from '../../errors/publish-job.error.js';
import type { Messages } from '../../messages/index.js';
import type { ResolvedWecomMediaOptions } from '../../options/resolve-options.js';
import { checkCorpId, servedBy } from '../../rules/attachment-rules.js';
import type { Violation } from '../../rules/violation.interface.js';
import type { WecomStore } from '../../store/wecom-store.interface.js';
import {
  WECOM_MESSAGES,
  WECOM_RESOLVED_OPTIONS,
  WECOM_STORE,
} from '../../wecom-media.constants.js';
import { ruleError } from '../publish-files.js';
import { errorOfFailedReason } from './failed-reason.js';
import type {
  EnqueuedPublish,
  PublishJobState,
  PublishJobStatus,
  PublishKeyOptions,
  PublishKind,
  PublishQueueProgress,
  QueuedAlbumInput,
  QueuedMomentInput,
  QueuedResult,
} from './publish-queue.interfaces.js';
import { PublishRecords, type PublishRecord, type RecordRef } from './publish-records.js';
import {
  albumJob,
  checkKey,
  fingerprintOf,
  jobIdOf,
  momentJob,
  type AlbumJob,
  type MomentJob,
  type PublishJobData,
} from './queued-job.js';
import {
  BACKOFF_TYPE,
  JOB_ATTEMPTS,
  WECOM_BULL,
  WECOM_QUEUE_SETTINGS,
  type BullHandle,
  type QueueSettings,
} from './queue-settings.js';

/** BullMQ's states, as a key's job is reported. */
const STATES: Record<string, PublishJobState> = {
  waiting: 'waiting',
  prioritized: 'waiting',
  'waiting-children': 'waiting',
  active: 'active',
  delayed: 'delayed',
  completed: 'completed',
  failed: 'failed',
};
/** The first and the longest pause between two looks of `wait`. */
const FIRST_LOOK_MS = 50;
const LONGEST_LOOK_MS = 1_000;

/**
 * Albums and moments through a BullMQ queue (the `queue` extra): enqueued under the caller's
 * idempotency key, run by the workers of every replica, retried when retrying can help, and made
 * once per key and corp. Keys are remembered in the module's store for `queue.keyTtlMs`, however
 * long BullMQ keeps the jobs.
 *
 * @publicApi
 */
@Injectable()
export class PublishQueue {
  private readonly records: PublishRecords;

  /** @internal Nest injects these; apps get the queue from the module. */
  constructor(
    @Inject(WECOM_BULL) private readonly bull: BullHandle,
    @Inject(WECOM_QUEUE_SETTINGS) settings: QueueSettings,
    @Inject(WECOM_STORE) store: WecomStore,
    @Inject(WECOM_RESOLVED_OPTIONS) private readonly options: ResolvedWecomMediaOptions,
    @Inject(WECOM_MESSAGES) private readonly messages: Messages,
  ) {
    this.records = new PublishRecords(store, settings.keyTtlMs);
  }

  /**
   * Enqueues an album under `input.key`. The same key (for the same corp) again returns the same
   * job, and never makes a second album; a failed one is tried again.
   * @throws AttachmentRuleError for a source no worker can read (rule `queue-source`), a text
   * field, price or count the album rules refuse, or a key enqueued before with other content
   * (`queue-key-content`); nothing is enqueued then. File rules are judged by the worker.
   */
  async createAlbum(input: QueuedAlbumInput): Promise<EnqueuedPublish> {
    checkKey(input.key);
    const { job, violations } = albumJob(input, this.options.rules.album, this.messages);
    return this.enqueue('album', input, job, violations);
  }

  /**
   * Enqueues a moment under `input.key`: one moment per key and corp (see docs/scale.md for the
   * one window where add_moment_task, which has no lookup, can publish twice).
   * @throws AttachmentRuleError as {@link PublishQueue.createAlbum} does, for the moment rules.
   */
  async publishMoment(input: QueuedMomentInput): Promise<EnqueuedPublish> {
    checkKey(input.key);
    const { job, violations } = momentJob(input, this.options.rules.moment, this.messages);
    return this.enqueue('moment', input, job, violations);
  }

  /** Where the job of `key` stands, from BullMQ while it keeps the job, from the store after. */
  async status<K extends PublishKind>(
    key: string,
    options: PublishKeyOptions<K>,
  ): Promise<PublishJobStatus<K>> {
    const ref = this.refOf(key, options);
    const record = await this.records.get(ref);
    const job = (await this.bull.queue.getJob(jobIdOf(ref.kind, ref.corpId, key))) as
      Job<PublishJobData> | undefined;
    const state = job ? (STATES[await job.getState()] ?? 'unknown') : stateOf(record);
    const result = (job?.returnvalue ?? record?.result) as QueuedResult<K> | undefined;
    // The store's summary names the error; BullMQ's failedReason stands in when the store lost it.
    const failedReason = job?.failedReason ? errorOfFailedReason(job.failedReason) : undefined;
    const error = state === 'completed' ? undefined : (record?.error ?? failedReason);
    return {
      state,
      attempts: job?.attemptsMade ?? record?.attempts ?? 0,
      ...(state === 'completed' && result ? { result } : {}),
      ...(error ? { error } : {}),
    };
  }

  /**
   * Waits for the job of `key` to finish, at most `timeoutMs`.
   * @throws PublishJobFailedError when it failed for good; PublishJobPendingError when
   * `timeoutMs` passed first (the job goes on).
   */
  async wait<K extends PublishKind>(
    key: string,
    options: PublishKeyOptions<K> & { timeoutMs: number },
  ): Promise<QueuedResult<K>> {
    const { timeoutMs } = options;
    if (!Number.isFinite(timeoutMs) || timeoutMs < 0) {
      throw new RangeError(`timeoutMs must be 0 or more milliseconds; got ${String(timeoutMs)}`);
    }
    const until = Date.now() + timeoutMs;
    for (let pause = FIRST_LOOK_MS; ; pause = Math.min(pause * 2, LONGEST_LOOK_MS)) {
      const status = await this.status(key, options);
      if (status.state === 'completed' && status.result) return status.result;
      if (status.state === 'failed') {
        const error = status.error ?? { name: 'Error', message: 'the job failed' };
        throw new PublishJobFailedError(options.kind, key, error, status.attempts);
      }
      if (status.state === 'unknown') {
        throw new Error(`no ${options.kind} was enqueued under the key "${key}" for this corp`);
      }
      const left = until - Date.now();
      if (left <= 0) throw new PublishJobPendingError(options.kind, key, timeoutMs);
      await sleep(Math.min(pause, left));
    }
  }

  /** Jobs of the queue per state, all kinds and corps together. */
  async progress(): Promise<PublishQueueProgress> {
    const counts = await this.bull.queue.getJobCounts(
      'waiting',
      'prioritized',
      'waiting-children',
      'active',
      'delayed',
      'completed',
      'failed',
    );
    const n = (state: string): number => counts[state] ?? 0;
    return {
      waiting: n('waiting') + n('prioritized') + n('waiting-children'),
      active: n('active'),
      delayed: n('delayed'),
      completed: n('completed'),
      failed: n('failed'),
    };
  }

  private async enqueue(
    kind: PublishKind,
    input: { key: string; corpId?: string },
    job: AlbumJob | MomentJob,
    violations: Violation[],
  ): Promise<EnqueuedPublish> {
    const corp = checkCorpId(input.corpId, servedBy(this.options), this.messages);
    if (corp) violations.unshift(corp);
    if (violations.length > 0) throw ruleError(violations, this.messages);
    const ref = this.refOf(input.key, { kind, corpId: input.corpId });
    const jobId = jobIdOf(kind, ref.corpId, ref.key);
    const fingerprint = fingerprintOf(job);
    const found = await this.records.claim(ref, {
      jobId,
      fingerprint,
      enqueuedAt: new Date().toISOString(),
    });
    if (found && found.fingerprint !== fingerprint) {
      const message = this.messages.queueKeyContent(kind, found.enqueuedAt);
      throw ruleError([{ rule: 'queue-key-content', message }], this.messages);
    }
    if (found?.result) return { key: ref.key, jobId: found.jobId };
    const data = { kind, corpId: ref.corpId, key: ref.key, fingerprint, input: job };
    const added = await this.bull.queue.add(kind, data as PublishJobData, {
      jobId,
      attempts: JOB_ATTEMPTS,
      backoff: { type: BACKOFF_TYPE },
    });
    // BullMQ keeps a job of this id as it is; one that failed for good is given another go.
    const failed = (await added.getState()) === 'failed';
    if (failed || found?.failed) {
      const again = { failed: false, attempts: 0, error: undefined };
      await this.records.update(ref, { jobId, fingerprint }, again);
      if (failed) await added.retry('failed');
    }
    return { key: ref.key, jobId };
  }

  private refOf(key: string, { kind, corpId }: { kind: PublishKind; corpId?: string }): RecordRef {
    checkKey(key);
    if (kind !== 'album' && kind !== 'moment') {
      throw new TypeError(`kind must be 'album' or 'moment'; got ${JSON.stringify(kind)}`);
    }
    const problem = checkCorpId(corpId, servedBy(this.options), this.messages);
    if (problem) throw ruleError([problem], this.messages);
    return { kind, corpId: corpId ?? (this.options.corpId as string), key };
  }
}

/** The state of a key BullMQ no longer keeps a job for, from its record. */
const stateOf = (record: PublishRecord | undefined): PublishJobState =>
  record?.result ? 'completed' : record?.failed ? 'failed' : 'unknown';
