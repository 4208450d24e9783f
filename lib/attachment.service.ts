import { Inject, Injectable, Logger, Optional, type OnModuleDestroy } from '@nestjs/common';
import type { MediaIdCache } from './cache/media-id.cache.js';
import { linkSignals } from './client/linked-signal.js';
import { createMultipartBody } from './client/multipart-body.js';
import { WecomHttpClient } from './client/wecom-http.client.js';
import type { WecomResponseBase } from './client/wecom-response.js';
import { MediaType } from './enums/media-type.enum.js';
import { AttachmentRuleError } from './errors/attachment-rule.error.js';
import { WecomProtocolError } from './errors/wecom-transport.error.js';
import type { AccessTokenProvider } from './interfaces/access-token-provider.interface.js';
import type { AttachmentInput } from './interfaces/attachment-input.interface.js';
import type { UploadedAttachment } from './interfaces/uploaded-attachment.interface.js';
import type { Violation } from './interfaces/violation.interface.js';
import type { WecomMediaModuleOptions } from './interfaces/wecom-media-module-options.interface.js';
import { MIME_TYPES, type MediaInfo } from './media/media-format.js';
import type { AttachmentRules } from './media/media-rules.js';
import type { AttachmentSource } from './source/attachment-source.js';
import { prepareAttachment, type PreparedAttachment } from './source/prepare-attachment.js';
import type { TempDirectory } from './source/temp-directory.js';
import {
  LOGGER_CONTEXT,
  MEDIA_ID_LIFETIME_MS,
  UPLOAD_ATTACHMENT_PATH,
  WECOM_ACCESS_TOKEN_PROVIDER,
  WECOM_ATTACHMENT_RULES,
  WECOM_MEDIA_ID_CACHE,
  WECOM_MEDIA_OPTIONS,
  WECOM_TEMP_DIRECTORY,
} from './wecom-media.constants.js';

/** How long shutdown waits for uploads under way, by default. */
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

/** What upload_attachment answers. */
interface UploadAttachmentResponse extends WecomResponseBase {
  type?: string;
  media_id?: string;
  created_at?: number | string;
}

/**
 * Uploads moments and product-album attachments to WeCom. Every source goes the same way: open or
 * spool it, read its format and dimensions from the bytes, check every rule, and only then send.
 */
@Injectable()
export class AttachmentService implements OnModuleDestroy {
  private readonly logger = new Logger(LOGGER_CONTEXT);
  /** Uploads under way, each with the means to cut it short at shutdown. */
  private readonly inFlight = new Map<Promise<unknown>, AbortController>();
  private readonly shutdownTimeoutMs: number;

  constructor(
    @Inject(WECOM_TEMP_DIRECTORY) private readonly temp: TempDirectory,
    @Inject(WECOM_ACCESS_TOKEN_PROVIDER) private readonly tokens: AccessTokenProvider,
    @Inject(WECOM_ATTACHMENT_RULES) private readonly rules: AttachmentRules,
    private readonly client: WecomHttpClient,
    @Inject(WECOM_MEDIA_OPTIONS) options: WecomMediaModuleOptions,
    @Optional() @Inject(WECOM_MEDIA_ID_CACHE) private readonly cache?: MediaIdCache,
  ) {
    this.shutdownTimeoutMs = options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  }

  /**
   * Every rule `input` breaks, without uploading. Empty when `upload` would send it.
   * Consumes a stream source.
   */
  async check(input: AttachmentInput): Promise<Violation[]> {
    const prepared = await this.prepare(input);
    await prepared.source.dispose();
    return prepared.violations;
  }

  /**
   * Checks `input` against every rule and uploads it.
   * @throws AttachmentRuleError when a rule is broken; nothing is sent then.
   * @throws WecomApiError (and subclasses) when WeCom refuses; WecomNetworkError when it cannot be reached.
   */
  async upload(input: AttachmentInput): Promise<UploadedAttachment> {
    const stop = new AbortController();
    const linked = linkSignals([input.signal, stop.signal]);
    const running = this.uploadChecked({ ...input, signal: linked.signal });
    this.inFlight.set(running, stop);
    try {
      return await running;
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
    this.logger.log(
      `waiting up to ${this.shutdownTimeoutMs} ms for ${this.inFlight.size} upload(s) to finish`,
    );
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.shutdownTimeoutMs);
    });
    const settled = Promise.allSettled(this.inFlight.keys());
    if ((await Promise.race([settled, bound])) === 'timeout') {
      this.logger.warn(`aborting ${this.inFlight.size} upload(s) still running at shutdown`);
      for (const stop of this.inFlight.values())
        stop.abort(new Error('the application is shutting down'));
      await settled;
    }
    clearTimeout(timer);
  }

  private async uploadChecked(input: AttachmentInput): Promise<UploadedAttachment> {
    const { source, media, filename, violations } = await this.prepare(input);
    try {
      if (violations.length > 0) throw new AttachmentRuleError(violations);
      const mediaType = input.mediaType as MediaType;
      const send = (): Promise<UploadedAttachment> =>
        this.send(input, mediaType, source, media, filename);
      if (!this.cache) return await send();
      const key = await this.cache.keyFor(source, mediaType, input.attachmentType, filename);
      return await this.cache.getOrUpload(key, send);
    } finally {
      await source.dispose();
    }
  }

  private async send(
    input: AttachmentInput,
    mediaType: MediaType,
    source: AttachmentSource,
    media: MediaInfo,
    filename: string,
  ): Promise<UploadedAttachment> {
    const contentType =
      media.format !== 'unknown'
        ? MIME_TYPES[media.format]
        : (input.contentType ?? MIME_TYPES.unknown);
    const answer = await this.client.request<UploadAttachmentResponse>({
      api: UPLOAD_ATTACHMENT_PATH,
      method: 'POST',
      query: { media_type: mediaType, attachment_type: String(input.attachmentType) },
      tokens: this.tokens,
      signal: input.signal,
      body: () => createMultipartBody({ filename, contentType, size: source.size }, source.body()),
    });
    this.logger.debug?.(`uploaded ${mediaType} "${filename}" (${source.size} bytes)`);
    return toUploadedAttachment(answer, mediaType);
  }

  private prepare(input: AttachmentInput): Promise<PreparedAttachment> {
    // Undefined would mean "not known yet"; from a caller it is simply invalid.
    return prepareAttachment(
      { ...input, attachmentType: input.attachmentType ?? null },
      this.rules,
      this.temp,
    );
  }
}

function toUploadedAttachment(
  answer: UploadAttachmentResponse,
  requested: MediaType,
): UploadedAttachment {
  if (typeof answer.media_id !== 'string' || answer.media_id === '') {
    throw new WecomProtocolError(UPLOAD_ATTACHMENT_PATH, 200, 'a success answer without media_id');
  }
  // created_at is a number on one doc page and a quoted string on others.
  const seconds = Number(answer.created_at);
  const createdAt = Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : new Date();
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
