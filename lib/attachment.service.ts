import { Inject, Injectable, Optional, type OnModuleDestroy } from '@nestjs/common';
import { InFlight } from './client/abort.js';
import { sanitizeFilename } from './client/multipart-body.js';
import { uploadAttachment } from './client/upload-attachment.js';
import { WecomHttpClient } from './client/wecom-http.client.js';
import { WecomAbortedError } from './errors/wecom-transport.error.js';
import { resolveFit, type JudgedImage } from './media/fit/fit-plan.js';
import { ImageFitter } from './media/fit/image-fitter.js';
import { inspectMedia, planLocationCut } from './media/inspect-media.js';
import { MIME_TYPES, type MediaInfo } from './media/media-format.js';
import { ruleError, type Messages } from './messages/index.js';
import {
  callMetadata,
  type ResolvedFit,
  type ResolvedWecomMediaOptions,
} from './options/resolve-options.js';
import { checkAttachment } from './rules/check-attachment.js';
import { checkCorpId, receiveLimit, servedBy } from './rules/attachment-rules.js';
import { checkMomentImagePixels } from './rules/publish-rules.js';
import { AttachmentType } from './attachment-type.enum.js';
import { MediaType } from './media-type.enum.js';
import type { Violation } from './rules/violation.interface.js';
import type { AttachmentSource } from './source/attachment-source.js';
import { releaseStream, SourceResolver } from './source/attachment-source.js';
import { piecesOf } from './source/pieces.js';
import { MediaIdCache } from './store/media-id.cache.js';
import { OTEL_GLOBAL, type OtelGlobal } from './operations/telemetry/otel-api.js';
import { WecomTelemetry, type UploadTally } from './operations/telemetry/wecom-telemetry.js';
import type { AccessTokenProvider } from './token/access-token-provider.interface.js';
import type { AttachmentInput } from './attachment-input.interface.js';
import type { UploadedAttachment } from './uploaded-attachment.interface.js';
import {
  LOGGER_CONTEXT,
  WECOM_ACCESS_TOKEN_PROVIDER,
  WECOM_MESSAGES,
  WECOM_RESOLVED_OPTIONS,
} from './wecom-media.constants.js';
import { WecomLogger } from './operations/telemetry/wecom-logger.js';

/** An input whose bytes have been read and judged: what `check` reports and `upload` acts on. */
export interface Judged extends JudgedImage {
  corpId: string;
  violations: Violation[];
  /** What of a photo's metadata goes to WeCom. */
  metadata: 'strip-location' | 'keep';
  /** The most pixels of a moments image, when publishing sets one (`rules.moment`). */
  maxPixels?: number;
  /** How to fit it, when fitting is on for this call. */
  fit: ResolvedFit | false;
}

/**
 * Uploads moments and product-album attachments to WeCom. Every upload goes the same way, top to
 * bottom: resolve the source → inspect its bytes → judge them against the rules → fit when asked
 * → reuse a cached media_id → send. Nothing is sent unless every rule passes.
 *
 * @publicApi
 */
@Injectable()
export class AttachmentService implements OnModuleDestroy {
  private readonly logger = new WecomLogger(LOGGER_CONTEXT);
  /** Uploads under way, each with the means to cut it short at shutdown. */
  private readonly inFlight = new InFlight();

  /** @internal Nest injects these; apps get the service from the module. */
  constructor(
    private readonly sources: SourceResolver,
    @Inject(WECOM_ACCESS_TOKEN_PROVIDER) private readonly tokens: AccessTokenProvider,
    private readonly client: WecomHttpClient,
    @Inject(WECOM_RESOLVED_OPTIONS) private readonly options: ResolvedWecomMediaOptions,
    @Inject(WECOM_MESSAGES) private readonly messages: Messages,
    private readonly fitter: ImageFitter,
    private readonly telemetry: WecomTelemetry,
    @Optional() private readonly cache?: MediaIdCache,
  ) {}

  /**
   * Every rule `input` breaks, without uploading; with `fit`, only what fitting cannot repair.
   * Empty when `upload` would send it. Consumes a stream source.
   */
  async check(input: AttachmentInput): Promise<Violation[]> {
    const judged = await this.judge(input);
    if (!isJudged(judged)) return judged.violations;
    try {
      return await this.remaining(input, judged);
    } finally {
      await judged.source.dispose();
    }
  }

  /** @internal What `judged` breaks that fitting (when on) cannot repair: what `check` reports. */
  async remaining(input: AttachmentInput, judged: Judged): Promise<Violation[]> {
    const { fit, violations } = judged;
    if (!fit || violations.length === 0) return violations;
    return (await this.fitter.plan(judged, input.mediaType, fit, this.messages)).remaining;
  }

  /**
   * Checks `input` against every rule and uploads it.
   * @throws AttachmentRuleError when a rule is broken; nothing is sent then.
   * @throws WecomApiError (and subclasses) when WeCom refuses; WecomNetworkError when it cannot be
   * reached; WecomAbortedError when shutdown cut it short; the signal's reason when it aborts.
   */
  async upload(input: AttachmentInput): Promise<UploadedAttachment> {
    try {
      return await this.inFlight.run(input.signal, (signal) => this.finish({ ...input, signal }));
    } catch (error) {
      // Not a failure of the module's, but worth a line: the media_id was never given to anyone.
      if (error instanceof WecomAbortedError && error.reason === 'client-gone') {
        this.logger.log(
          `an upload (${input.mediaType}${input.corpId ? `, corp ${input.corpId}` : ''}) stopped: its client went away before WeCom answered`,
        );
      }
      throw error;
    }
  }

  /**
   * Lets uploads under way finish, for at most `shutdownTimeoutMs`, then aborts the rest; their
   * spooled files go with the temp directory afterwards.
   */
  onModuleDestroy(): Promise<void> {
    return this.inFlight.drain(this.options.shutdownTimeoutMs, this.logger);
  }

  /**
   * @internal Resolve the source → inspect its bytes → judge them: for no corp, or the wrong one,
   * nothing is read at all. The caller disposes the source. Publishing's way in too: every file of
   * a moment or an album is judged before any is sent; `maxPixels` caps a moments image.
   */
  async judge(input: AttachmentInput, maxPixels?: number): Promise<Judged | Refused> {
    const corp = checkCorpId(input.corpId, servedBy(this.options), this.messages);
    if (corp) {
      releaseStream(input.file);
      return { violations: [corp] };
    }
    // The call's fit over the module's; most calls name none and take the module's as it is.
    const fit =
      input.fit === undefined ? this.options.fit : resolveFit(input.fit, this.options.fit);
    // Fit asked for without sharp fails every time, not only on the images that need it.
    if (fit)
      await this.fitter.ensureAvailable().catch((error: unknown) => {
        releaseStream(input.file);
        throw error;
      });
    const metadata =
      input.metadata === undefined ? this.options.metadata : callMetadata(input.metadata);
    const { rules } = this.options;
    // A stream (or a URL) of an image to fit is kept as far as fitting takes.
    const limit = receiveLimit(rules, input.mediaType, fit ? fit.maxInputBytes : undefined);
    const source = await this.sources.resolve(input, limit, input.signal);
    try {
      const media = await inspectMedia(source.reader);
      const filename = sanitizeFilename(source.filename);
      const violations = this.violationsOf(input, source, media, filename, maxPixels);
      const corpId = input.corpId ?? (this.options.corpId as string);
      return { corpId, fit, metadata, maxPixels, source, media, filename, violations };
    } catch (error) {
      await source.dispose();
      throw error;
    }
  }

  /** Every rule the bytes of `source`, as `input` names them, break. */
  private violationsOf(
    input: AttachmentInput,
    source: AttachmentSource,
    media: MediaInfo,
    filename: string,
    maxPixels: number | undefined,
  ): Violation[] {
    const { size, sizeExceeded } = source;
    // Undefined would mean "not fixed" (a FileValidator's); from a caller it is simply invalid.
    const attachmentType = input.attachmentType ?? null;
    const facts = {
      mediaType: input.mediaType,
      attachmentType,
      size,
      sizeExceeded,
      filename,
      media,
    };
    const violations = checkAttachment(facts, this.options.rules, this.messages);
    const pixels = maxPixels && input.attachmentType === AttachmentType.Moment;
    if (pixels) violations.push(...checkMomentImagePixels(media, maxPixels, this.messages));
    return violations;
  }

  /**
   * @internal Fits (when asked and needed), reuses a cached media_id, or sends: the rest of an
   * upload once judged (judged here unless given). Disposes the source. Traced and counted while
   * an OpenTelemetry SDK is registered; without one, not a line of telemetry runs.
   */
  finish(input: AttachmentInput, given?: Judged | Refused): Promise<UploadedAttachment> {
    // An SDK's tracer or meter provider, read from the API's own global (see otel-api.ts).
    const sdk = (globalThis as OtelGlobal)[OTEL_GLOBAL];
    if (sdk?.trace === undefined && sdk?.metrics === undefined) return this.finishNow(input, given);
    const { corpId = this.options.corpId, mediaType, attachmentType } = input;
    const facts = { corpId, mediaType, attachmentType };
    return this.telemetry.upload(facts, (tally) => this.finishNow({ ...input, tally }, given));
  }

  private async finishNow(
    input: AttachmentInput & { tally?: UploadTally },
    given?: Judged | Refused,
  ): Promise<UploadedAttachment> {
    const judged = given ?? (await this.judge(input));
    if (!isJudged(judged)) throw ruleError(judged.violations, this.messages);
    const { source, violations, fit } = judged;
    const fits = violations.length > 0 && fit !== false;
    try {
      // With fit, only what fitting cannot repair refuses the upload.
      const remaining = await this.remaining(input, judged);
      if (remaining.length > 0) throw ruleError(remaining, this.messages);
    } catch (error) {
      await source.dispose();
      throw error;
    }
    const send = (signal: AbortSignal | undefined): Promise<UploadedAttachment> =>
      fits ? this.fitAndSend(input, judged, signal) : this.send(input, judged, signal);
    if (!this.cache) return send(input.signal).finally(() => source.dispose());
    // The key is the bytes as given and what shapes what is sent (the JPEG qualities of a fit,
    // the metadata kept): a repeat is not fitted nor cleaned again, on any replica.
    const variant = `${fits && fit ? `fit:${fit.jpegQualities.join(',')}` : ''}|${judged.metadata}`;
    const { corpId, filename } = judged;
    const { mediaType, attachmentType } = input as { mediaType: MediaType; attachmentType: number };
    const what = { corpId, source, mediaType, attachmentType, filename, variant };
    return this.cache.reuseOrUpload(what, send, input.signal);
  }

  /** Fits the image of `judged`, judges the result by the same rules, and sends it in its place. */
  private async fitAndSend(
    input: AttachmentInput & { tally?: UploadTally },
    judged: Judged,
    signal: AbortSignal | undefined,
  ): Promise<UploadedAttachment> {
    const outcome = await this.fitter.fit({
      image: judged,
      attachmentType: input.attachmentType,
      rules: this.options.rules,
      messages: this.messages,
      settings: judged.fit as ResolvedFit,
      maxPixels: judged.maxPixels,
      signal,
    });
    if ('violations' in outcome) throw ruleError(outcome.violations, this.messages);
    if (input.tally) input.tally.fitted = true; // said even if the upload fails after
    const { source, media, filename, fitted } = outcome;
    try {
      const violations = this.violationsOf(input, source, media, filename, judged.maxPixels);
      if (violations.length > 0) throw ruleError(violations, this.messages);
      const sent = await this.send(input, { ...judged, source, media, filename }, signal);
      return { ...sent, fitted };
    } finally {
      await source.dispose();
    }
  }

  /** Sends the judged bytes to WeCom: without a photo's location, unless the call keeps it. */
  private async send(
    input: AttachmentInput & { tally?: UploadTally },
    { corpId, source, media, filename, metadata }: Judged,
    signal: AbortSignal | undefined,
  ): Promise<UploadedAttachment> {
    const cut =
      metadata === 'strip-location'
        ? await planLocationCut(source.reader, media.format)
        : undefined;
    if (input.tally) input.tally.size = cut?.size ?? source.size;
    const answer = await uploadAttachment(this.client, {
      corpId,
      tally: input.tally,
      tokens: {
        get: (abort) => this.tokens.getToken({ corpId, signal: abort }),
        invalidate: (token) => this.tokens.invalidate(token, { corpId }),
      },
      mediaType: input.mediaType,
      attachmentType: input.attachmentType,
      filename,
      // The type the bytes show; the caller's only where they show none (media type file).
      contentType:
        media.format !== 'unknown'
          ? MIME_TYPES[media.format]
          : (input.contentType ?? MIME_TYPES.unknown),
      size: cut?.size ?? source.size,
      body: () => (cut ? piecesOf(source, cut) : source.body()),
      signal,
    });
    const type = (Object.values(MediaType) as string[]).includes(answer.type ?? '')
      ? (answer.type as MediaType)
      : (input.mediaType as MediaType);
    return { ...answer, type, reused: false, ...(cut ? { cleaned: cut.removed } : {}) };
  }
}

/** A call refused before any file was read (no corp, or the wrong one). */
type Refused = { violations: Violation[] };

/** Whether `judged` read a file (and holds its source), rather than refusing the call at once. */
export const isJudged = (judged: Judged | Refused): judged is Judged => 'source' in judged;
