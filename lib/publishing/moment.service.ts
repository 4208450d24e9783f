import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { AttachmentType } from '../attachment-type.enum.js';
import { InFlight, sleep } from '../client/abort.js';
import { errorFor } from '../client/errcode-errors.js';
import {
  addMomentTask,
  ADD_MOMENT_TASK,
  cancelMomentTask,
  getMomentTaskResult,
  type MomentAttachmentBody,
  type MomentTaskBody,
  type MomentTaskState,
} from '../client/moment-task.js';
import type { CorpCall } from '../client/wecom-request.js';
import {
  WecomTaskPendingError,
  type TaskPendingReason,
} from '../errors/wecom-task-pending.error.js';
import { WecomAbortedError } from '../errors/wecom-transport.error.js';
import { MediaType } from '../media-type.enum.js';
import { checkMoment } from '../rules/publish-rules.js';
import { LOGGER_CONTEXT } from '../wecom-media.constants.js';
import { PublishingContext } from './publishing-context.js';
import {
  judgeAll,
  releaseSources,
  sendMarked,
  type PublishFile,
  type SendMarks,
} from './publish-files.js';
import type {
  CorpOptions,
  MomentTaskResult,
  PublishedMoment,
  PublishMomentInput,
} from './publishing.interfaces.js';
import { WecomLogger } from '../operations/telemetry/wecom-logger.js';
import { traced } from '../operations/telemetry/wecom-telemetry.js';

/** How long a publish waits for WeCom to create the moment, by default. */
const DEFAULT_WAIT_MS = 60_000;
/** The first wait between polls, and the longest: a task takes seconds, not minutes. */
const FIRST_POLL_MS = 200;
const LONGEST_POLL_MS = 2_000;
const STATUS = { 1: 'started', 2: 'creating', 3: 'done' } as const;
/** A jobid lasts a day: no publish waits longer. */
const DAY_MS = 86_400_000;

/**
 * Publishes to customers' moments feeds (企业发表内容到客户的朋友圈): from photos, a video or a
 * link to a published moment in one call. Every rule of the moment and of its files is checked
 * before anything is sent; the files are uploaded side by side (moments, attachment_type 1),
 * then add_moment_task, then its task is polled until WeCom has created the moment.
 *
 * @publicApi
 */
@Injectable()
export class MomentService implements OnModuleDestroy {
  private readonly logger = new WecomLogger(LOGGER_CONTEXT);
  private readonly inFlight = new InFlight();

  /** @internal Nest injects it; apps get the service from the module. */
  constructor(private readonly context: PublishingContext) {}

  /**
   * Publishes a moment and waits (at most `waitMs`) until WeCom has created it.
   * @throws AttachmentRuleError listing every rule the moment or its files break; nothing sent.
   * @throws WecomTaskPendingError when the task goes on past `waitMs`: ask `result(jobId)` later,
   * and do not publish again. WecomApiError when the task ends with an errcode, or a call fails.
   */
  publish(input: PublishMomentInput): Promise<PublishedMoment> {
    return this.publishMarked(input);
  }

  /**
   * @internal `publish`, its add_moment_task between `marks` (a queued job's); with a known jobid,
   * only its task is waited for.
   */
  publishMarked(input: PublishMomentInput, marks?: SendMarks): Promise<PublishedMoment> {
    const attributes = { 'wecom.corp_id': input.corpId ?? this.context.options.corpId ?? '' };
    return traced(
      'wecom.publish_moment',
      attributes,
      () =>
        this.inFlight.run(input.signal, (signal) => this.publishNow({ ...input, signal }, marks)),
      'internal',
    );
  }

  /** One look at a moment task (get_moment_task_result): where it stands, and once done, what it made. */
  async result(jobId: string, options: CorpOptions = {}): Promise<MomentTaskResult> {
    const state = await getMomentTaskResult(this.context.client, this.context.call(options), jobId);
    return this.resultOf(state);
  }

  /** Stops a moment from reaching more customers (cancel_moment_task, doc 97612). */
  async cancel(momentId: string, options: CorpOptions = {}): Promise<void> {
    await cancelMomentTask(this.context.client, this.context.call(options), momentId);
  }

  /** Lets publishes under way finish, for at most `shutdownTimeoutMs`, then aborts the rest. */
  onModuleDestroy(): Promise<void> {
    return this.inFlight.drain(this.context.options.shutdownTimeoutMs, this.logger, 'publish(es)');
  }

  private async publishNow(input: PublishMomentInput, marks?: SendMarks): Promise<PublishedMoment> {
    const { images = [], video, link } = input;
    const files: PublishFile[] = [
      ...images.map((source, at) =>
        file(source, `images[${at}]`, MediaType.Image, `image-${at + 1}`),
      ),
      ...(video ? [file(video, 'video', MediaType.Video, 'video')] : []),
      ...(link?.cover ? [file(link.cover, 'link.cover', MediaType.Image, 'cover')] : []),
    ];
    let call: CorpCall;
    let waitMs: number;
    try {
      call = this.context.call(input);
      waitMs = waitOf(input.waitMs);
    } catch (error) {
      releaseSources(files);
      throw error;
    }
    if (marks?.known) {
      releaseSources(files);
      return this.finish(marks.known, call, waitMs, []);
    }
    const rules = this.context.options.rules.moment;
    const violations = checkMoment(
      {
        text: input.text,
        images: images.length,
        video: video !== undefined,
        ...(link
          ? { link: { title: link.title, url: link.url, cover: link.cover !== undefined } }
          : {}),
        ...(input.senders === undefined ? {} : { senders: input.senders }),
        ...(input.customerTagIds === undefined ? {} : { customerTagIds: input.customerTagIds }),
      },
      rules,
      this.context.messages,
    );
    const judged = await judgeAll(
      this.context.attachments,
      files,
      { ...input, maxPixels: rules.maxImagePixels },
      violations,
      this.context.messages,
    );
    const { mediaIds, attachments } = await judged.upload();
    const jobId = await sendMarked(marks, () =>
      addMomentTask(this.context.client, call, this.bodyOf(input, mediaIds)),
    );
    return this.finish(jobId, call, waitMs, attachments);
  }

  /** Waits for the task `jobId` (at most `waitMs`) and reads what it made. */
  private async finish(
    jobId: string,
    call: CorpCall,
    waitMs: number,
    attachments: PublishedMoment['attachments'],
  ): Promise<PublishedMoment> {
    const done = await this.waitFor(jobId, call, waitMs);
    const result = this.resultOf(done);
    return {
      jobId,
      momentId: result.momentId ?? '',
      invalidSenders: result.invalidSenders ?? { userIds: [], departmentIds: [] },
      invalidCustomerTagIds: result.invalidCustomerTagIds ?? [],
      attachments,
    };
  }

  /** add_moment_task's body: the text, the attachments by their media_ids, who sends and who sees. */
  private bodyOf(input: PublishMomentInput, mediaIds: readonly string[]): MomentTaskBody {
    const attachments: MomentAttachmentBody[] = input.link
      ? [
          {
            msgtype: 'link',
            link: {
              title: input.link.title,
              url: input.link.url,
              ...(mediaIds[0] ? { media_id: mediaIds[0] } : {}),
            },
          },
        ]
      : input.video
        ? mediaIds.map((id) => ({ msgtype: 'video', video: { media_id: id } }))
        : mediaIds.map((id) => ({ msgtype: 'image', image: { media_id: id } }));
    const { senders, customerTagIds } = input;
    const senderList = senders &&
      (senders.userIds || senders.departmentIds) && {
        ...(senders.userIds ? { user_list: [...senders.userIds] } : {}),
        ...(senders.departmentIds ? { department_list: [...senders.departmentIds] } : {}),
      };
    const range = {
      ...(senderList ? { sender_list: senderList } : {}),
      ...(customerTagIds ? { external_contact_list: { tag_list: [...customerTagIds] } } : {}),
    };
    return {
      ...(input.text ? { text: { content: input.text } } : {}),
      ...(attachments.length > 0 ? { attachments } : {}),
      ...(Object.keys(range).length > 0 ? { visible_range: range } : {}),
    };
  }

  /**
   * Polls the task, waiting longer each time, until it is done or `waitMs` has passed. Once WeCom
   * has the task, whatever stops the wait — the time, an abort, shutdown, a poll that fails — is
   * a WecomTaskPendingError with the jobId: the moment may still appear, and must not be sent again.
   */
  private async waitFor(jobId: string, call: CorpCall, waitMs: number): Promise<MomentTaskState> {
    const started = Date.now();
    for (let pause = FIRST_POLL_MS; ; pause = Math.min(pause * 2, LONGEST_POLL_MS)) {
      const left = started + waitMs - Date.now();
      if (left <= 0) throw new WecomTaskPendingError(jobId, waitMs);
      let state: MomentTaskState;
      try {
        await sleep(Math.min(pause, left), call.signal);
        state = await getMomentTaskResult(this.context.client, call, jobId);
      } catch (error) {
        throw new WecomTaskPendingError(jobId, Date.now() - started, {
          reason: pendingReason(error, call.signal),
          cause: error,
        });
      }
      if (state.status === 3) return state;
    }
  }

  /** A poll as the caller reads it; a task that ended with an errcode throws it, typed. */
  private resultOf(state: MomentTaskState): MomentTaskResult {
    const { status, result } = state;
    if (!result) return { status: STATUS[status] };
    if (result.errcode !== 0) {
      throw errorFor(
        ADD_MOMENT_TASK,
        result.errcode,
        this.context.client.redact(result.errmsg),
        1,
        this.context.messages,
      );
    }
    return {
      status: 'done',
      ...(result.momentId ? { momentId: result.momentId } : {}),
      invalidSenders: result.invalidSenders,
      invalidCustomerTagIds: result.invalidCustomerTagIds,
    };
  }
}

/** `waitMs` as given, or the default; anything but a number of milliseconds up to a day is a bug. */
function waitOf(waitMs: unknown): number {
  if (waitMs === undefined) return DEFAULT_WAIT_MS;
  if (typeof waitMs !== 'number' || !Number.isFinite(waitMs) || waitMs < 0 || waitMs > DAY_MS) {
    throw new RangeError(
      `waitMs must be a number of milliseconds from 0 to ${DAY_MS} (a jobid lasts a day); got ${String(waitMs)}`,
    );
  }
  return waitMs;
}

/** Why a wait for a task ended early: the caller's abort, shutdown, or a poll that failed. */
function pendingReason(error: unknown, signal: AbortSignal | undefined): TaskPendingReason {
  if (error instanceof WecomAbortedError) return 'shutdown';
  if (signal?.aborted) return 'aborted';
  return 'poll-failed';
}

/** One file of the moment, uploaded for moments. */
const file = (
  source: PublishFile['source'],
  label: string,
  mediaType: MediaType,
  bareName: string,
): PublishFile => ({ source, label, mediaType, attachmentType: AttachmentType.Moment, bareName });
