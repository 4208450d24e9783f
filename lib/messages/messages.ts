import type { AttachmentType } from '../attachment-type.enum.js';
import type { MediaType } from '../media-type.enum.js';
import type { MediaFormat } from '../media/media-format.js';

/** The languages of violation and HTTP error messages. */
export type Locale = 'en' | 'zh-CN';

/** An image's format and size, as a message states it. */
export interface ImageFacts {
  format: MediaFormat;
  width: number;
  height: number;
}

/** The last encoding a fit tried: a JPEG quality, a lossless PNG (100) or a palette PNG. */
export interface FitEncoding {
  format: 'jpeg' | 'png';
  quality: number;
}

/**
 * Every message a user or an operator reads, in one language: each names the rule, the limit, the
 * actual value and the next step. Rule names, limits and actual values stay language-neutral.
 */
export interface Messages {
  minSize(limit: number, actual: number): string;
  maxSize(mediaType: MediaType, limit: number, actual: number, exceeded: boolean): string;
  format(mediaType: MediaType, accepted: readonly MediaFormat[], actual: MediaFormat): string;
  /** The bytes are no format any accepted media type takes (a FileValidator without a type). */
  formatOfAny(accepted: readonly MediaFormat[], actual: MediaFormat): string;
  mediaTypeMismatch(
    mediaType: MediaType,
    accepted: readonly MediaFormat[],
    actual: MediaFormat,
    actualType: MediaType,
  ): string;
  mediaType(actual: unknown): string;
  attachmentType(actual: unknown): string;
  attachmentMediaType(
    attachmentType: AttachmentType,
    accepted: readonly MediaType[],
    actual: MediaType,
    /** The attachment types that do take `actual`. */
    elsewhere: readonly AttachmentType[],
  ): string;
  momentImageShortEdge(
    limit: number,
    image: ImageFacts,
    fit: { width: number; height: number },
  ): string;
  momentImageLongEdge(
    limit: number,
    image: ImageFacts,
    fit: { width: number; height: number },
  ): string;
  momentVideoDuration(limit: number, seconds: number): string;
  momentVideoDurationUnknown(limit: number, format: MediaFormat, why: string): string;
  /** `why` is the inspector's own (English) account of the damage. */
  unreadable(format: MediaFormat, why: string): string;
  /** A decode bomb: an image to be fitted declares more pixels than the limit. */
  imagePixels(limit: number, width: number, height: number): string;
  /** A format fitting would convert, but the installed sharp cannot decode (HEIC, usually). */
  formatNotDecodable(
    mediaType: MediaType,
    accepted: readonly MediaFormat[],
    actual: MediaFormat,
  ): string;
  /** Fitting re-encoded down to its lowest JPEG quality, and the image is still too large. */
  fitTooLarge(limit: number, bytes: number, last: FitEncoding | undefined): string;
  /** A fit that took longer than `fit.timeoutMs`. */
  fitTimeout(limitMs: number): string;
  /** An image too large for fitting even to start (`fit.maxInputBytes`); `bytes` may be a floor. */
  fitInputTooLarge(limit: number, bytes: number, exceeded: boolean): string;
  /** No corp to upload for: the module has no default corp, and the upload names none. */
  corpMissing(): string;
  /** A corp id that is no corp id (not a string of letters, digits, _ or -). */
  corpInvalid(): string;
  /** The controller's `corpId` resolved the request to no corp. */
  corpUnresolved(): string;
  /** The controller's `corpId` threw (the error is logged, not shown). */
  corpResolverFailed(): string;
  /** The module holds one corp's secret; the upload names another corp. */
  corpNotServed(served: string, asked: string): string;
  filenameEmpty(): string;
  filenameLength(limit: number, actual: number): string;
  /** A URL whose scheme is not http: or https:. */
  urlScheme(actual: string): string;
  /** A URL whose host (`name:port`) `urlSources.allowedHosts` (of `listed` entries) does not list. */
  urlHost(host: string, listed: number): string;
  /** A listed host that resolves to `address`, of class `addressClass` (private, loopback…). */
  urlAddress(host: string, address: string, addressClass: string): string;
  /** `url` (scheme, host and path only) redirected more than `limit` times. */
  urlRedirects(limit: number, url: string): string;
  /** `url` declares `actual` bytes, over `limit`. */
  urlTooLarge(limit: number, actual: number, url: string): string;
  /** The caller's file could not be read (a missing path, a stream that failed, a URL down). */
  sourceFailed(kind: 'path' | 'buffer' | 'stream' | 'multer' | 'url'): string;

  /** A moment with neither text nor an attachment. */
  momentEmpty(): string;
  /** A moment's text that is no string. */
  momentTextNotText(): string;
  /** A moment with more than one kind of attachment (`kinds`: images, video, link). */
  momentAttachmentKinds(kinds: readonly string[]): string;
  momentImageCount(limit: number, actual: number): string;
  momentTextLength(limitChars: number, limitBytes: number, chars: number, bytes: number): string;
  /** `actual` is the title's bytes (0: none). */
  momentLinkTitle(limit: number, actual: number): string;
  /** `scheme` is the link's scheme only (`javascript:`), never the whole URL. */
  momentLinkUrl(scheme: string): string;
  momentLinkCover(): string;
  momentImagePixels(limit: number, width: number, height: number): string;
  albumDescription(limit: number, actual: number): string;
  albumPrice(min: number, max: number, actual: string): string;
  albumProductSn(limit: number, actual: number): string;
  albumImageCount(limit: number, actual: number): string;
  momentVisibleRange(field: string, actual: string): string;
  mediaIdInvalid(actual: string): string;
  /** A moment WeCom accepted and goes on creating: the 202 of WecomErrorFilter. */
  taskPending(jobId: string): string;
  /** A file given to a queue that a worker cannot read (`kind`: a Buffer, a stream…). */
  queueSource(kind: string): string;
  /** A key enqueued before with other content (`since`: when, ISO 8601). */
  queueKeyContent(publish: 'album' | 'moment', since: string): string;

  /** The summary of an AttachmentRuleError, for a 400. */
  ruleError(violations: readonly string[]): string;
  /** A credential callback (`secretFor`, `suite.*`) failed; its own words go to the log only. */
  credentialSourceFailed(source: string): string;
  /** Several messages as one sentence. */
  list(messages: readonly string[]): string;
  noFile(field: string): string;
  sendFileIn(field: string): string;
  atMostFilesIn(field: string, limit: number): string;
  oneFileIn(field: string): string;
  oneFile(): string;
  tooManyParts(limit: number): string;
  tooManyFields(limit: number): string;
  fieldNameTooLong(): string;
  fieldNameMissing(): string;
  fieldTooLarge(limit: number): string;
  bodyUnreadable(detail: string): string;
  fileTooLarge(limit: number): string;
  receiveTimeout(ms: number): string;

  /** WeCom refused; `errmsg` (redacted) only for an error's own message, never an HTTP answer. */
  wecomRefused(api: string, errcode: number, errmsg?: string): string;
  wecomBusy(api: string, errcode: number): string;
  wecomRateLimited(api: string, errcode: number, retryAfterSeconds: number): string;
  /** The module held a call back itself (its `rateLimit` budget, or a full line of calls). */
  heldBack(api: string, errcode: number, retryAfterSeconds: number): string;
  credentialsRefused(api: string, errcode: number, retryAt: Date | undefined): string;
  wecomTimeout(api: string, ms: number): string;
  /** `proxy`: the proxy the call went through (its origin), if any. */
  wecomUnreachable(api: string, code: string, proxy?: string): string;
  /** `proxy`: set when the proxy answered in WeCom's place. */
  wecomGarbled(api: string, status: number, reason: string, proxy?: string): string;
  aborted(reason: 'shutdown' | 'client-gone'): string;
}
