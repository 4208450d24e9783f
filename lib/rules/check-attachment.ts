import { ATTACHMENT_TYPES, AttachmentType } from '../attachment-type.enum.js';
import { MEDIA_TYPES, MediaType } from '../media-type.enum.js';
import type { AttachmentRules } from './attachment-rules.interface.js';
import type { Violation } from './violation.interface.js';
import type { MediaFormat, MediaInfo } from '../media/media-format.js';
import { isAttachmentType, isMediaType } from './attachment-rules.js';
import { EN_MESSAGES, type Messages } from '../messages/index.js';
import { fitWithin } from '../messages/next-steps.js';
import { FORMAT_LABELS, formatSeconds, isMissing } from '../messages/labels.js';

/** What the rules look at. */
export interface AttachmentFacts {
  /** As the caller gave it: an unknown value is a violation. */
  mediaType: unknown;
  /** As the caller gave it; undefined when not fixed (a FileValidator): its rules are skipped. */
  attachmentType: unknown;
  /** Size in bytes; with `sizeExceeded`, only known to be larger than this. */
  size: number;
  /** True when reading stopped at `size` because the file was already too large. */
  sizeExceeded?: boolean;
  /** The filename as it will be sent (sanitised). */
  filename: string;
  media: MediaInfo;
}

/**
 * Every rule `facts` break, each named with its limit and the actual value, its message in the
 * language of `messages`. Empty when all pass.
 */
export function checkAttachment(
  facts: AttachmentFacts,
  rules: AttachmentRules,
  messages: Messages = EN_MESSAGES,
): Violation[] {
  const { mediaType, attachmentType, media } = facts;
  const violations = checkTypes(mediaType, attachmentType, rules, messages);
  violations.push(...checkFilename(facts.filename, rules.maxFilenameBytes, messages));
  violations.push(...checkSize(facts, rules, messages));
  if (!isMediaType(mediaType)) return violations;

  const accepted = rules.mediaTypes[mediaType].formats;
  if (accepted.length > 0 && !accepted.includes(media.format)) {
    violations.push(formatViolation(mediaType, media.format, accepted, rules, messages));
    return violations; // size or duration of the wrong format would only add noise
  }
  if (media.unreadable) {
    violations.push({
      rule: 'unreadable',
      message: messages.unreadable(media.format, media.unreadable),
      actual: FORMAT_LABELS[media.format],
    });
    return violations;
  }
  if (attachmentType === AttachmentType.Moment)
    violations.push(...checkMoment(mediaType, media, rules, messages));
  return violations;
}

/**
 * Checks a file whose media type is not given (a FileValidator without a fixed type) as what its
 * bytes are: the media type whose formats include the bytes' format, else `file` where the
 * attachment type takes any file. `attachmentType` undefined means any attachment type.
 */
export function checkAttachmentAsItsBytes(
  facts: Omit<AttachmentFacts, 'mediaType'>,
  rules: AttachmentRules,
  messages: Messages = EN_MESSAGES,
): Violation[] {
  const typed = MEDIA_TYPES.find((type) =>
    rules.mediaTypes[type].formats.includes(facts.media.format),
  );
  // Bytes of a known media type are judged as that type: an MP4 for the album breaks the same
  // rule (attachment-media-type) whether the caller named its media type or not.
  if (typed) return checkAttachment({ ...facts, mediaType: typed }, rules, messages);
  const accepted = acceptedMediaTypes(rules, facts.attachmentType);
  if (accepted.includes(MediaType.File)) {
    return checkAttachment({ ...facts, mediaType: MediaType.File }, rules, messages);
  }
  const formats = accepted.flatMap((type) => rules.mediaTypes[type].formats);
  return [
    {
      rule: 'format',
      message: messages.formatOfAny(formats, facts.media.format),
      limit: formats.map((f) => FORMAT_LABELS[f]).join(', '),
      actual: FORMAT_LABELS[facts.media.format],
    },
  ];
}

/**
 * The type rules alone: `mediaType` and `attachmentType` are known values, and the attachment type
 * takes the media type. `attachmentType` undefined (not fixed) skips its rules.
 */
export function checkTypes(
  mediaType: unknown,
  attachmentType: unknown,
  rules: AttachmentRules,
  messages: Messages = EN_MESSAGES,
): Violation[] {
  const violations: Violation[] = [];
  if (!isMediaType(mediaType)) {
    violations.push({
      rule: 'media-type',
      message: messages.mediaType(mediaType),
      limit: MEDIA_TYPES.join(', '),
      // A missing value has none to show.
      ...(isMissing(mediaType) ? {} : { actual: String(mediaType) }),
    });
  }
  if (attachmentType !== undefined && !isAttachmentType(attachmentType)) {
    violations.push({
      rule: 'attachment-type',
      message: messages.attachmentType(attachmentType),
      limit: ATTACHMENT_TYPES.join(', '),
      ...(isMissing(attachmentType) ? {} : { actual: String(attachmentType) }),
    });
  }
  if (isMediaType(mediaType) && isAttachmentType(attachmentType)) {
    const combination = checkCombination(mediaType, attachmentType, rules, messages);
    if (combination) violations.push(combination);
  }
  return violations;
}

/** The query-level rule: may `attachmentType` carry `mediaType`? Null when it may. */
export function checkCombination(
  mediaType: MediaType,
  attachmentType: AttachmentType,
  rules: AttachmentRules,
  messages: Messages = EN_MESSAGES,
): Violation | null {
  const accepted = rules.attachmentTypes[attachmentType];
  if (accepted.includes(mediaType)) return null;
  const elsewhere = ATTACHMENT_TYPES.filter((t) => rules.attachmentTypes[t].includes(mediaType));
  return {
    rule: 'attachment-media-type',
    message: messages.attachmentMediaType(attachmentType, accepted, mediaType, elsewhere),
    limit: accepted.join(', '),
    actual: mediaType,
  };
}

/** The media types an attachment type takes, or any attachment type's when it is not fixed. */
function acceptedMediaTypes(rules: AttachmentRules, attachmentType: unknown): MediaType[] {
  const lists = isAttachmentType(attachmentType)
    ? [rules.attachmentTypes[attachmentType]]
    : Object.values(rules.attachmentTypes);
  return [...new Set(lists.flat())];
}

function checkSize(
  facts: AttachmentFacts,
  rules: AttachmentRules,
  messages: Messages,
): Violation[] {
  const out: Violation[] = [];
  if (facts.size <= rules.minBytesExclusive) {
    out.push({
      rule: 'min-size',
      message: messages.minSize(rules.minBytesExclusive, facts.size),
      limit: rules.minBytesExclusive,
      actual: facts.size,
    });
  }
  if (isMediaType(facts.mediaType)) {
    const max = rules.mediaTypes[facts.mediaType].maxBytes;
    const exceeded = facts.sizeExceeded === true;
    if (exceeded || facts.size > max) {
      out.push({
        rule: 'max-size',
        message: messages.maxSize(facts.mediaType, max, facts.size, exceeded),
        limit: max,
        actual: exceeded ? `>${facts.size}` : facts.size,
      });
    }
  }
  return out;
}

function formatViolation(
  mediaType: MediaType,
  format: MediaFormat,
  accepted: readonly MediaFormat[],
  rules: AttachmentRules,
  messages: Messages,
): Violation {
  const other = MEDIA_TYPES.find(
    (t) => t !== mediaType && rules.mediaTypes[t].formats.includes(format),
  );
  const base = {
    limit: accepted.map((f) => FORMAT_LABELS[f]).join(', '),
    actual: FORMAT_LABELS[format],
  };
  if (other) {
    return {
      ...base,
      rule: 'media-type-mismatch',
      message: messages.mediaTypeMismatch(mediaType, accepted, format, other),
    };
  }
  return { ...base, rule: 'format', message: messages.format(mediaType, accepted, format) };
}

function checkMoment(
  mediaType: MediaType,
  media: MediaInfo,
  rules: AttachmentRules,
  messages: Messages,
): Violation[] {
  if (mediaType === MediaType.Image) return checkMomentImage(media, rules, messages);
  if (mediaType === MediaType.Video) return checkMomentVideo(media, rules, messages);
  return [];
}

function checkMomentImage(
  media: MediaInfo,
  rules: AttachmentRules,
  messages: Messages,
): Violation[] {
  const { width, height, format } = media;
  if (width === undefined || height === undefined) return [];
  const out: Violation[] = [];
  const long = Math.max(width, height);
  const short = Math.min(width, height);
  const { maxLongEdge, maxShortEdge } = rules.momentImage;
  if (short <= maxShortEdge && long <= maxLongEdge) return out;
  const image = { format, width, height };
  const fit = fitWithin(width, height, maxShortEdge, maxLongEdge);
  if (short > maxShortEdge) {
    out.push({
      rule: 'moment-image-short-edge',
      message: messages.momentImageShortEdge(maxShortEdge, image, fit),
      limit: maxShortEdge,
      actual: short,
    });
  }
  if (long > maxLongEdge) {
    out.push({
      rule: 'moment-image-long-edge',
      message: messages.momentImageLongEdge(maxLongEdge, image, fit),
      limit: maxLongEdge,
      actual: long,
    });
  }
  return out;
}

function checkMomentVideo(
  media: MediaInfo,
  rules: AttachmentRules,
  messages: Messages,
): Violation[] {
  const max = rules.momentVideo.maxDurationSeconds;
  if (!media.duration) {
    // Never a silent pass: a video whose length cannot be read might be of any length.
    const why = media.durationUnknown ?? 'the file does not record it';
    return [
      {
        rule: 'moment-video-duration-unknown',
        message: messages.momentVideoDurationUnknown(max, media.format, why),
        limit: max,
      },
    ];
  }
  const { units, timescale } = media.duration;
  // Compare as fractions: 30.0 s passes, 30.001 s does not.
  if (units * 1000n <= BigInt(Math.round(max * 1000)) * BigInt(timescale)) return [];
  const seconds = Number(units) / timescale;
  return [
    {
      rule: 'moment-video-duration',
      message: messages.momentVideoDuration(max, seconds),
      limit: max,
      actual: Number(formatSeconds(seconds)),
    },
  ];
}

/** The filename rules, on the name as it will be sent. */
export function checkFilename(
  filename: string,
  maxBytes: number,
  messages: Messages = EN_MESSAGES,
): Violation[] {
  if (filename.trim() === '') {
    return [{ rule: 'filename-empty', message: messages.filenameEmpty(), actual: 0 }];
  }
  const bytes = Buffer.byteLength(filename);
  if (bytes <= maxBytes) return [];
  return [
    {
      rule: 'filename-length',
      message: messages.filenameLength(maxBytes, bytes),
      limit: maxBytes,
      actual: bytes,
    },
  ];
}
