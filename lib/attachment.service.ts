import { Readable } from 'node:stream';
import { Inject, Injectable, Logger, Optional, type OnModuleDestroy } from '@nestjs/common';
import { MediaIdCache } from './store/media-id.cache.js';
import { createMultipartBody } from './client/multipart-body.js';
import { corpTokens } from './token/corp-tokens.js';
import { inputLimit } from './media/fit/fit-plan.js';
import { ImageFitter } from './media/fit/image-fitter.js';
import { WecomHttpClient } from './client/wecom-http.client.js';
import type { WecomResponseBase } from './client/wecom-response.js';
import { linkSignals, type LinkedSignal } from './client/linked-signal.js';
import {
  LOGGER_CONTEXT,
  MEDIA_ID_LIFETIME_MS,
  WECOM_ACCESS_TOKEN_PROVIDER,
  WECOM_MESSAGES,
  WECOM_RESOLVED_OPTIONS,
} from './wecom-media.constants.js';
import { MediaType } from './rules/media-type.enum.js';
import { AttachmentRuleError } from './errors/attachment-rule.error.js';
import { WecomAbortedError, WecomProtocolError } from './errors/wecom-transport.error.js';
import type { AccessTokenProvider } from './token/access-token-provider.interface.js';
import type { AttachmentInput } from './attachment-input.interface.js';
import type { UploadedAttachment } from './uploaded-attachment.interface.js';
import type { Violation } from './rules/violation.interface.js';
import { MIME_TYPES, type MediaInfo } from './media/media-format.js';
import { isCorpId } from './options/option-problems.js';
import {
  resolveFit,
  type ResolvedFit,
  type ResolvedWecomMediaOptions,
} from './options/resolve-options.js';
import type { Messages } from './messages/index.js';
import type { AttachmentSource } from './source/attachment-source.js';
import { prepareAttachment, type PreparedAttachment } from './source/prepare-attachment.js';
import { TempDirectory } from './source/temp-directory.js';

/** upload_attachment (developer.work.weixin.qq.com/document/path/95098). */
const UPLOAD_ATTACHMENT_PATH = '/cgi-bin/media/upload_attachment';
/**
 * How far `created_at` may lie from the answer's arrival and still be taken as true: WeCom stamps
 * the upload it has just stored, so anything further off is no clock's reading (and would keep a
 * dead media_id in the cache, or drop a live one).
 */
const CREATED_AT_BEFORE_S = 24 * 60 * 60;
const CREATED_AT_AFTER_S = 10 * 60;

/** What WeCom answers to upload_attachment. */
interface UploadAttachmentAnswer extends WecomResponseBase {
  type?: string;
  media_id?: string;
  created_at?: number | string;
}

/**
 * Uploads moments and product-album attachments to WeCom. Every source goes the same way: open or
 * spool it, read its format and dimensions from the bytes, check every rule, and only then send.
 *
 * @publicApi
 */
@Injectable()
export class AttachmentService implements OnModuleDestroy {
  private readonly logger = new Logger(LOGGER_CONTEXT);
  /** Uploads under way, each with the means to cut it short at shutdown. */
  private readonly inFlight = new Map<Promise<unknown>, LinkedSignal>();
  private warnedAboutCreatedAt = false;

  /** @internal Nest injects these; apps get the service from the module. */
  constructor(
    private readonly temp: TempDirectory,
    @Inject(WECOM_ACCESS_TOKEN_PROVIDER) private readonly tokens: AccessTokenProvider,
    private readonly client: WecomHttpClient,
    @Inject(WECOM_RESOLVED_OPTIONS) private readonly options: ResolvedWecomMediaOptions,
    @Inject(WECOM_MESSAGES) private readonly messages: Messages,
    private readonly fitter: ImageFitter,
    @Optional() private readonly cache?: MediaIdCache,
  ) {}

  /**
   * Every rule `input` breaks, without uploading. Empty when `upload` would send it.
   * Consumes a stream source.
   */
  async check(input: AttachmentInput): Promise<Violation[]> {
    const corp = this.corpProblem(input.corpId);
    if (corp) {
      discardStream(input);
      return [corp];
    }
    const fit = resolveFit(input.fit, this.options.fit);
    // Fit asked for without sharp fails every time, not only on the images that need it.
    if (fit) await this.fitter.ensureAvailable().catch(rethrowAfter(input));
    const prepared = await this.prepare(input, fit);
    try {
      if (!fit || prepared.violations.length === 0) return prepared.violations;
      // With fit, only what fitting cannot repair: a UI can validate before it uploads.
      return (await this.fitter.plan(prepared, input.mediaType, fit, this.messages)).remaining;
    } finally {
      await prepared.source.dispose();
    }
  }

  /**
   * Checks `input` against every rule and uploads it.
   * @throws AttachmentRuleError when a rule is broken; nothing is sent then.
   * @throws WecomApiError (and subclasses) when WeCom refuses; WecomNetworkError when it cannot be
   * reached; WecomAbortedError when shutdown cut it short; the signal's reason when it aborts.
   */
  async upload(input: AttachmentInput): Promise<UploadedAttachment> {
    // One signal for the caller's and shutdown's aborts: shutdown aborts it directly.
    const linked = linkSignals([input.signal]);
    const running = this.uploadChecked({ ...input, signal: linked.signal });
    this.inFlight.set(running, linked);
    try {
      return await running;
    } catch (error) {
      // Not a failure of the module's, but worth a line: the media_id was never given to anyone.
      if (error instanceof WecomAbortedError && error.reason === 'client-gone') {
        this.logger.log(
          `an upload (${input.mediaType}${input.corpId ? `, corp ${input.corpId}` : ''}) stopped: its client went away before WeCom answered`,
        );
      }
      throw error;
    } finally {
      this.inFlight.delete(running);
      linked.dispose();
    }
  }

  /**
   * Lets uploads under way finish, for at most `shutdownTimeoutMs`, then aborts the rest; their
   * spooled files go with the temp directory afterwards.
   */
  async onModuleDestroy(): Promise<void> {
    if (this.inFlight.size === 0) return;
    const { shutdownTimeoutMs } = this.options;
    this.logger.log(
      `waiting up to ${shutdownTimeoutMs} ms for ${this.inFlight.size} upload(s) to finish`,
    );
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), shutdownTimeoutMs);
    });
    const settled = Promise.allSettled(this.inFlight.keys());
    if ((await Promise.race([settled, bound])) === 'timeout') {
      this.logger.warn(`aborting ${this.inFlight.size} upload(s) still running at shutdown`);
      const reason = new WecomAbortedError('shutdown');
      for (const stop of this.inFlight.values()) stop.abort(reason);
      await settled;
    }
    clearTimeout(timer);
  }

  private async uploadChecked(input: AttachmentInput): Promise<UploadedAttachment> {
    // Before a byte is read: an upload for no corp, or the wrong one, costs nothing.
    const corp = this.corpProblem(input.corpId);
    if (corp) {
      discardStream(input);
      throw this.ruleError([corp]);
    }
    const corpId = (input.corpId ?? this.options.corpId) as string;
    const fit = resolveFit(input.fit, this.options.fit);
    if (fit) await this.fitter.ensureAvailable().catch(rethrowAfter(input));
    const prepared = await this.prepare(input, fit);
    const { source, violations } = prepared;
    // This caller closes its source, unless an upload shared with others took it over.
    let owned = true;
    try {
      const fits = violations.length > 0 && fit !== false;
      if (violations.length > 0) {
        const remaining = fit
          ? (await this.fitter.plan(prepared, input.mediaType, fit, this.messages)).remaining
          : violations;
        if (remaining.length > 0) throw this.ruleError(remaining);
      }
      const mediaType = input.mediaType as MediaType;
      const send = (signal: AbortSignal | undefined): Promise<UploadedAttachment> =>
        fits && fit
          ? this.fitAndSend(input, mediaType, prepared, fit, signal)
          : this.send(input, mediaType, source, prepared.media, prepared.filename, signal);
      if (!this.cache) return await send(input.signal);
      // The key is the bytes as given and, when fitted, what shapes the result (the JPEG
      // qualities; bounds and concurrency do not): a repeat is not fitted again, on any replica.
      const key = await this.cache.keyFor(
        corpId,
        source,
        mediaType,
        input.attachmentType,
        prepared.filename,
        fits && fit ? `fit:${fit.jpegQualities.join(',')}` : '',
      );
      // Identical uploads share one call to WeCom, which stops only when all their callers leave;
      // it reads this caller's source, which must outlive this caller then.
      const shared = (signal: AbortSignal): Promise<UploadedAttachment> => {
        owned = false;
        return send(signal).finally(() => source.dispose());
      };
      return await this.cache.getOrUpload(key, shared, input.signal);
    } finally {
      if (owned) await source.dispose();
    }
  }

  /** Fits the image of `prepared` and sends the result in its place. */
  private async fitAndSend(
    input: AttachmentInput,
    mediaType: MediaType,
    prepared: PreparedAttachment,
    settings: ResolvedFit,
    signal: AbortSignal | undefined,
  ): Promise<UploadedAttachment> {
    const outcome = await this.fitter.fit({
      prepared,
      mediaType,
      attachmentType: input.attachmentType,
      rules: this.options.rules,
      messages: this.messages,
      settings,
      signal,
    });
    if ('violations' in outcome) throw this.ruleError(outcome.violations);
    try {
      const sent = await this.send(
        input,
        mediaType,
        outcome.source,
        outcome.media,
        outcome.filename,
        signal,
      );
      return { ...sent, fitted: outcome.fitted };
    } finally {
      await outcome.source.dispose();
    }
  }

  /**
   * Why `corpId` (or, without it, the module's default) cannot be uploaded for: none at all, a
   * malformed one, or another corp than the one whose secret the module holds.
   */
  private corpProblem(given: unknown): Violation | undefined {
    const m = this.messages;
    const { corpId, credentials } = this.options;
    if (given === undefined) {
      return corpId === undefined ? { rule: 'corp-id', message: m.corpMissing() } : undefined;
    }
    if (!isCorpId(given)) {
      return { rule: 'corp-id', message: m.corpInvalid(), actual: String(given).slice(0, 80) };
    }
    if (credentials.kind === 'secret' && given !== corpId) {
      return { rule: 'corp-id', message: m.corpNotServed(corpId ?? '', given), actual: given };
    }
    return undefined;
  }

  private ruleError(violations: Violation[]): AttachmentRuleError {
    return new AttachmentRuleError(
      violations,
      this.messages.ruleError(violations.map((v) => v.message)),
    );
  }

  private async send(
    input: AttachmentInput,
    mediaType: MediaType,
    source: AttachmentSource,
    media: MediaInfo,
    filename: string,
    signal: AbortSignal | undefined,
  ): Promise<UploadedAttachment> {
    const contentType =
      media.format !== 'unknown'
        ? MIME_TYPES[media.format]
        : (input.contentType ?? MIME_TYPES.unknown);
    const corpId = input.corpId ?? (this.options.corpId as string);
    const answer = await this.client.request<UploadAttachmentAnswer>({
      api: UPLOAD_ATTACHMENT_PATH,
      method: 'POST',
      query: { media_type: mediaType, attachment_type: String(input.attachmentType) },
      tokens: corpTokens(this.tokens, corpId),
      corpId,
      signal,
      body: () => createMultipartBody({ filename, contentType, size: source.size }, source.body()),
    });
    this.logger.debug?.(
      `uploaded ${mediaType} "${filename}" (${source.size} bytes) for corp ${corpId}`,
    );
    return this.toUploadedAttachment(answer, mediaType, Date.now());
  }

  private prepare(input: AttachmentInput, fit: ResolvedFit | false): Promise<PreparedAttachment> {
    const { rules } = this.options;
    // Undefined would mean "not known yet"; from a caller it is simply invalid.
    return prepareAttachment(
      { ...input, attachmentType: input.attachmentType ?? null },
      rules,
      this.temp,
      this.messages,
      // A stream of an image to fit is spooled as far as fitting takes.
      inputLimit(rules, fit, input.mediaType),
    );
  }

  private toUploadedAttachment(
    answer: UploadAttachmentAnswer,
    requested: MediaType,
    receivedAt: number,
  ): UploadedAttachment {
    if (typeof answer.media_id !== 'string' || answer.media_id === '') {
      throw new WecomProtocolError(
        UPLOAD_ATTACHMENT_PATH,
        200,
        'a success answer without media_id',
      );
    }
    const createdAt = new Date(this.createdAtMs(answer.created_at, receivedAt));
    return {
      type: (Object.values(MediaType) as string[]).includes(answer.type ?? '')
        ? (answer.type as MediaType)
        : requested,
      mediaId: answer.media_id,
      createdAt,
      expiresAt: new Date(createdAt.getTime() + MEDIA_ID_LIFETIME_MS),
      reused: false,
    };
  }

  /**
   * `created_at` in milliseconds: a number on one doc page, a quoted string of digits on others. A
   * value that is no time near the answer (negative, NaN, 1e13, a year off, hex) falls back to
   * when the answer arrived, never an invalid date.
   */
  private createdAtMs(raw: unknown, receivedAt: number): number {
    const seconds =
      typeof raw === 'number'
        ? raw
        : typeof raw === 'string' && /^\d+$/.test(raw)
          ? Number(raw)
          : NaN;
    const now = receivedAt / 1000;
    if (
      Number.isInteger(seconds) &&
      seconds >= now - CREATED_AT_BEFORE_S &&
      seconds <= now + CREATED_AT_AFTER_S
    ) {
      return seconds * 1000;
    }
    if (raw !== undefined && !this.warnedAboutCreatedAt) {
      this.warnedAboutCreatedAt = true;
      // The value itself is not quoted: it is upstream text, and might echo anything.
      this.logger.warn(
        `WeCom answered a created_at that is no time near now (a ${typeof raw}); using the time of the answer (warned once)`,
      );
    }
    return receivedAt;
  }
}

/**
 * Releases a stream the caller handed over when the upload ends before reading it (a refused
 * corp, fit without sharp), as a read one is released: the caller's file or socket is not left
 * open.
 */
function discardStream(input: AttachmentInput): void {
  const file: unknown = input.file;
  if (file instanceof Readable) file.destroy();
}

/** A rejection handler that releases `input`'s stream, then rethrows. */
const rethrowAfter =
  (input: AttachmentInput) =>
  (error: unknown): never => {
    discardStream(input);
    throw error;
  };
