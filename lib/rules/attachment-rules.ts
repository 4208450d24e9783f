import {
  ATTACHMENT_TYPES,
  AttachmentType,
  describeAttachmentType,
} from '../enums/attachment-type.enum.js';
import { MEDIA_TYPES, MediaType } from '../enums/media-type.enum.js';
import type { Violation } from '../interfaces/violation.interface.js';
import { FORMAT_LABELS, type MediaFormat, type MediaInfo } from './media-format.js';

/** Size and format limits of one media type. */
export interface MediaTypeRule {
  /** The largest file accepted, in bytes. */
  maxBytes: number;
  /** The formats the bytes may be; empty means any. */
  formats: readonly MediaFormat[];
}

/** Every limit the upload doc sets, as data. The service, the DTO and the FileValidator all read it. */
export interface AttachmentRules {
  /** Files must be larger than this many bytes (the doc: "所有文件size必须大于5个字节"). */
  minBytesExclusive: number;
  mediaTypes: Readonly<Record<MediaType, MediaTypeRule>>;
  /** The media types each attachment type accepts. */
  attachmentTypes: Readonly<Record<AttachmentType, readonly MediaType[]>>;
  /** Moments images: the longer and the shorter edge, in pixels. */
  momentImage: { maxLongEdge: number; maxShortEdge: number };
  /** Moments videos: the longest duration, in seconds. */
  momentVideo: { maxDurationSeconds: number };
  /** The longest filename, in UTF-8 bytes. WeCom does not document one; 255 is the common file-system bound. */
  maxFilenameBytes: number;
}

/** Any part of the rules, to override the defaults (option `rules`). */
export interface AttachmentRulesOverride {
  minBytesExclusive?: number;
  mediaTypes?: Partial<Record<`${MediaType}`, Partial<MediaTypeRule>>>;
  attachmentTypes?: Partial<Record<AttachmentType, readonly MediaType[]>>;
  momentImage?: Partial<AttachmentRules['momentImage']>;
  momentVideo?: Partial<AttachmentRules['momentVideo']>;
  maxFilenameBytes?: number;
}

/** "10 MB" in the doc, read as 10 × 1024 × 1024 bytes. */
const TEN_MIB = 10 * 1024 * 1024;

/** The limits of the upload doc (document 34657 / 95098). */
export const DEFAULT_ATTACHMENT_RULES: AttachmentRules = Object.freeze<AttachmentRules>({
  minBytesExclusive: 5,
  mediaTypes: Object.freeze<AttachmentRules['mediaTypes']>({
    [MediaType.Image]: { maxBytes: TEN_MIB, formats: ['jpeg', 'png'] },
    [MediaType.Video]: { maxBytes: TEN_MIB, formats: ['mp4'] },
    [MediaType.File]: { maxBytes: TEN_MIB, formats: [] },
  }),
  attachmentTypes: Object.freeze<AttachmentRules['attachmentTypes']>({
    [AttachmentType.Moment]: [MediaType.Image, MediaType.Video],
    [AttachmentType.ProductAlbum]: [MediaType.Image],
  }),
  momentImage: { maxLongEdge: 10_800, maxShortEdge: 1080 },
  momentVideo: { maxDurationSeconds: 30 },
  maxFilenameBytes: 255,
});

/** The defaults with `override` laid over them. */
export function resolveRules(override: AttachmentRulesOverride = {}): AttachmentRules {
  const d = DEFAULT_ATTACHMENT_RULES;
  const media = (type: MediaType): MediaTypeRule => ({
    ...d.mediaTypes[type],
    ...override.mediaTypes?.[type as `${MediaType}`],
  });
  return {
    minBytesExclusive: override.minBytesExclusive ?? d.minBytesExclusive,
    mediaTypes: {
      [MediaType.Image]: media(MediaType.Image),
      [MediaType.Video]: media(MediaType.Video),
      [MediaType.File]: media(MediaType.File),
    },
    attachmentTypes: { ...d.attachmentTypes, ...override.attachmentTypes },
    momentImage: { ...d.momentImage, ...override.momentImage },
    momentVideo: { ...d.momentVideo, ...override.momentVideo },
    maxFilenameBytes: override.maxFilenameBytes ?? d.maxFilenameBytes,
  };
}

/** The largest file any media type accepts: uploads above it can be refused before reading on. */
export function largestLimit(rules: AttachmentRules): number {
  return Math.max(...MEDIA_TYPES.map((type) => rules.mediaTypes[type].maxBytes));
}

export function isMediaType(value: unknown): value is MediaType {
  return MEDIA_TYPES.includes(value as MediaType);
}

export function isAttachmentType(value: unknown): value is AttachmentType {
  return ATTACHMENT_TYPES.includes(value as AttachmentType);
}

/** The query-level rule: may `attachmentType` carry `mediaType`? Null when it may. */
export function checkCombination(
  mediaType: MediaType,
  attachmentType: AttachmentType,
  rules: AttachmentRules,
): Violation | null {
  const accepted = rules.attachmentTypes[attachmentType];
  if (accepted.includes(mediaType)) return null;
  return {
    rule: 'attachment-media-type',
    message: `${describeAttachmentType(attachmentType)} attachments accept only ${list(accepted)}; got ${mediaType}`,
    limit: accepted.join(', '),
    actual: mediaType,
  };
}

/** What the rules look at. */
export interface AttachmentFacts {
  mediaType: unknown;
  /** Undefined when not known yet (a FileValidator without a fixed type): its rules are skipped. */
  attachmentType: unknown;
  /** Size in bytes; with `sizeExceeded`, only known to be larger than this. */
  size: number;
  /** True when reading stopped at `size` because the file was already too large. */
  sizeExceeded?: boolean;
  filename: string;
  media: MediaInfo;
}

/** Every rule `facts` break, each named with its limit and the actual value. Empty when all pass. */
export function checkAttachment(facts: AttachmentFacts, rules: AttachmentRules): Violation[] {
  const violations: Violation[] = [];
  const { mediaType, attachmentType, media } = facts;
  if (!isMediaType(mediaType)) {
    violations.push({
      rule: 'attachment-media-type',
      message: `media_type must be one of ${MEDIA_TYPES.join(', ')}; got ${JSON.stringify(mediaType)}`,
      limit: MEDIA_TYPES.join(', '),
      actual: String(mediaType),
    });
  }
  if (attachmentType !== undefined && !isAttachmentType(attachmentType)) {
    violations.push({
      rule: 'attachment-media-type',
      message: `attachment_type must be 1 (moments) or 2 (product album); got ${JSON.stringify(attachmentType)}`,
      limit: ATTACHMENT_TYPES.join(', '),
      actual: String(attachmentType),
    });
  }
  if (isMediaType(mediaType) && isAttachmentType(attachmentType)) {
    const combination = checkCombination(mediaType, attachmentType, rules);
    if (combination) violations.push(combination);
  }
  violations.push(...checkFilename(facts.filename, rules));
  violations.push(...checkSize(facts, rules));
  if (!isMediaType(mediaType)) return violations;

  const accepted = rules.mediaTypes[mediaType].formats;
  if (accepted.length > 0 && !accepted.includes(media.format)) {
    violations.push(formatViolation(mediaType, media.format, accepted, rules));
    return violations; // size or duration of the wrong format would only add noise
  }
  if (media.unreadable) {
    violations.push({
      rule: 'unreadable',
      message: media.unreadable,
      actual: FORMAT_LABELS[media.format],
    });
    return violations;
  }
  if (attachmentType === AttachmentType.Moment)
    violations.push(...checkMoment(mediaType, media, rules));
  return violations;
}

function checkSize(facts: AttachmentFacts, rules: AttachmentRules): Violation[] {
  const out: Violation[] = [];
  if (facts.size <= rules.minBytesExclusive) {
    out.push({
      rule: 'min-size',
      message: `every file must be larger than ${rules.minBytesExclusive} bytes; this one is ${facts.size} bytes`,
      limit: rules.minBytesExclusive,
      actual: facts.size,
    });
  }
  if (isMediaType(facts.mediaType)) {
    const max = rules.mediaTypes[facts.mediaType].maxBytes;
    if (facts.sizeExceeded || facts.size > max) {
      const actual = facts.sizeExceeded
        ? `more than ${formatBytes(facts.size)}`
        : formatBytes(facts.size);
      out.push({
        rule: 'max-size',
        message: `${facts.mediaType} files may be at most ${formatBytes(max)}; this one is ${actual}`,
        limit: max,
        actual: facts.sizeExceeded ? `>${facts.size}` : facts.size,
      });
    }
  }
  return out;
}

function checkFilename(filename: string, rules: AttachmentRules): Violation[] {
  const bytes = Buffer.byteLength(filename);
  if (filename.trim() === '') {
    return [
      { rule: 'filename', message: 'the filename is empty; WeCom shows it to users', actual: 0 },
    ];
  }
  if (bytes > rules.maxFilenameBytes) {
    return [
      {
        rule: 'filename',
        message: `filenames may be at most ${rules.maxFilenameBytes} bytes of UTF-8; this one is ${bytes} bytes`,
        limit: rules.maxFilenameBytes,
        actual: bytes,
      },
    ];
  }
  return [];
}

function formatViolation(
  mediaType: MediaType,
  format: MediaFormat,
  accepted: readonly MediaFormat[],
  rules: AttachmentRules,
): Violation {
  const label = FORMAT_LABELS[format];
  const other = MEDIA_TYPES.find(
    (t) => t !== mediaType && rules.mediaTypes[t].formats.includes(format),
  );
  const base = { limit: accepted.map((f) => FORMAT_LABELS[f]).join(', '), actual: label };
  if (other) {
    return {
      ...base,
      rule: 'media-type-mismatch',
      message: `media_type ${mediaType} needs ${list(accepted.map((f) => FORMAT_LABELS[f]))}, but the bytes are ${label}, which is a ${other}`,
    };
  }
  return {
    ...base,
    rule: 'format',
    message: `${mediaType} files must be ${list(accepted.map((f) => FORMAT_LABELS[f]))}; the bytes are ${label}`,
  };
}

function checkMoment(mediaType: MediaType, media: MediaInfo, rules: AttachmentRules): Violation[] {
  const out: Violation[] = [];
  if (mediaType === MediaType.Image && media.width !== undefined && media.height !== undefined) {
    const long = Math.max(media.width, media.height);
    const short = Math.min(media.width, media.height);
    const { maxLongEdge, maxShortEdge } = rules.momentImage;
    const size = `this ${FORMAT_LABELS[media.format]} is ${media.width} × ${media.height} px`;
    if (short > maxShortEdge) {
      out.push({
        rule: 'moment-image-short-edge',
        message: `moments images need a short edge of at most ${maxShortEdge} px; ${size}`,
        limit: maxShortEdge,
        actual: short,
      });
    }
    if (long > maxLongEdge) {
      out.push({
        rule: 'moment-image-long-edge',
        message: `moments images need a long edge of at most ${maxLongEdge} px; ${size}`,
        limit: maxLongEdge,
        actual: long,
      });
    }
  }
  if (mediaType === MediaType.Video && media.duration) {
    const { units, timescale } = media.duration;
    const max = rules.momentVideo.maxDurationSeconds;
    // Compare as fractions: 30.0 s passes, 30.001 s does not.
    if (units * 1000n > BigInt(Math.round(max * 1000)) * BigInt(timescale)) {
      const seconds = Number(units) / timescale;
      out.push({
        rule: 'moment-video-duration',
        message: `moments videos may last at most ${max} s; this MP4 lasts ${formatSeconds(seconds)} s`,
        limit: max,
        actual: Number(seconds.toFixed(3)),
      });
    }
  }
  return out;
}

/** "10 MiB (10485760 bytes)" for whole MiB, otherwise the byte count. */
export function formatBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return Number.isInteger(mib) && mib > 0 ? `${mib} MiB (${bytes} bytes)` : `${bytes} bytes`;
}

const formatSeconds = (s: number): string =>
  (Math.round(s * 1000) / 1000).toFixed(s * 10 === Math.round(s * 10) ? 1 : 3);

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}
