import { ATTACHMENT_TYPES, AttachmentType } from '../enums/attachment-type.enum.js';
import { MEDIA_TYPES, MediaType } from '../enums/media-type.enum.js';
import type { AttachmentRules } from '../interfaces/attachment-rules.interface.js';
import type { Violation } from '../interfaces/violation.interface.js';
import type { MediaFormat, MediaInfo } from '../media/media-format.js';
import { isAttachmentType, isMediaType } from './attachment-rules.js';
import { checkFilename } from './filename-rule.js';
import {
  describeAttachmentType,
  FORMAT_LABELS,
  formatBytes,
  formatSeconds,
  listOr,
} from './rule-messages.js';

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

/** Every rule `facts` break, each named with its limit and the actual value. Empty when all pass. */
export function checkAttachment(facts: AttachmentFacts, rules: AttachmentRules): Violation[] {
  const { mediaType, attachmentType, media } = facts;
  const violations = checkTypes(mediaType, attachmentType, rules);
  violations.push(...checkFilename(facts.filename, rules.maxFilenameBytes));
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

/**
 * Checks a file whose media type is not given (a FileValidator without a fixed type) as what its
 * bytes are: the media type whose formats include the bytes' format, else `file` where the
 * attachment type takes any file. `attachmentType` undefined means any attachment type.
 */
export function checkAttachmentAsItsBytes(
  facts: Omit<AttachmentFacts, 'mediaType'>,
  rules: AttachmentRules,
): Violation[] {
  const accepted = acceptedMediaTypes(rules, facts.attachmentType);
  const mediaType =
    MEDIA_TYPES.find((type) => rules.mediaTypes[type].formats.includes(facts.media.format)) ??
    MediaType.File;
  if (!accepted.includes(mediaType)) {
    const formats = accepted.flatMap((type) =>
      rules.mediaTypes[type].formats.map((f) => FORMAT_LABELS[f]),
    );
    return [
      {
        rule: 'format',
        message: `attachments must be ${formats.join(', ')}; the bytes are ${FORMAT_LABELS[facts.media.format]}`,
        limit: formats.join(', '),
        actual: FORMAT_LABELS[facts.media.format],
      },
    ];
  }
  return checkAttachment({ ...facts, mediaType }, rules);
}

/**
 * The type rules alone: `mediaType` and `attachmentType` are known values, and the attachment type
 * takes the media type. `attachmentType` undefined (not fixed) skips its rules.
 */
export function checkTypes(
  mediaType: unknown,
  attachmentType: unknown,
  rules: AttachmentRules,
): Violation[] {
  const violations: Violation[] = [];
  if (!isMediaType(mediaType)) {
    violations.push({
      rule: 'media-type',
      message: `media_type must be one of ${MEDIA_TYPES.join(', ')}; got ${JSON.stringify(mediaType)}`,
      limit: MEDIA_TYPES.join(', '),
      actual: String(mediaType),
    });
  }
  if (attachmentType !== undefined && !isAttachmentType(attachmentType)) {
    violations.push({
      rule: 'attachment-type',
      message: `attachment_type must be 1 (moments) or 2 (product album); got ${JSON.stringify(attachmentType)}`,
      limit: ATTACHMENT_TYPES.join(', '),
      actual: String(attachmentType),
    });
  }
  if (isMediaType(mediaType) && isAttachmentType(attachmentType)) {
    const combination = checkCombination(mediaType, attachmentType, rules);
    if (combination) violations.push(combination);
  }
  return violations;
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
    message: `${describeAttachmentType(attachmentType)} attachments accept only ${listOr(accepted)}; got ${mediaType}`,
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
      message: `media_type ${mediaType} needs ${listOr(accepted.map((f) => FORMAT_LABELS[f]))}, but the bytes are ${label}, which is a ${other}`,
    };
  }
  return {
    ...base,
    rule: 'format',
    message: `${mediaType} files must be ${listOr(accepted.map((f) => FORMAT_LABELS[f]))}; the bytes are ${label}`,
  };
}

function checkMoment(mediaType: MediaType, media: MediaInfo, rules: AttachmentRules): Violation[] {
  if (mediaType === MediaType.Image) return checkMomentImage(media, rules);
  if (mediaType === MediaType.Video) return checkMomentVideo(media, rules);
  return [];
}

function checkMomentImage(media: MediaInfo, rules: AttachmentRules): Violation[] {
  if (media.width === undefined || media.height === undefined) return [];
  const out: Violation[] = [];
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
  return out;
}

function checkMomentVideo(media: MediaInfo, rules: AttachmentRules): Violation[] {
  const max = rules.momentVideo.maxDurationSeconds;
  if (!media.duration) {
    // Never a silent pass: a video whose length cannot be read might be of any length.
    const why = media.durationUnknown ?? 'the file does not record it';
    return [
      {
        rule: 'moment-video-duration-unknown',
        message: `moments videos may last at most ${max} s, and this ${FORMAT_LABELS[media.format]}'s length cannot be read (${why}); re-encode it as a plain MP4 with its length in the header`,
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
      message: `moments videos may last at most ${max} s; this MP4 lasts ${formatSeconds(seconds)} s`,
      limit: max,
      actual: Number(seconds.toFixed(3)),
    },
  ];
}
