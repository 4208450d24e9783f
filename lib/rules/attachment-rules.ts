import { ATTACHMENT_TYPES, AttachmentType } from '../attachment-type.enum.js';
import { MEDIA_TYPES, MediaType } from '../media-type.enum.js';
import type { AttachmentRulesOverride } from '../options/wecom-media-options.js';
import type { AttachmentRules, MediaTypeRule } from './attachment-rules.interface.js';
import { EN_MESSAGES, type Messages } from '../messages/index.js';
import type { Violation } from './violation.interface.js';

/** "10 MB" in the doc, read as 10 × 1024 × 1024 bytes. */
const TEN_MIB = 10 * 1024 * 1024;

/**
 * The limits of the upload doc (developer.work.weixin.qq.com/document/path/95098, formerly 34657)
 * and of the publishing calls (95095, 95096): the table every check reads. Override parts of it with the `rules` option.
 *
 * @publicApi
 */
export const DEFAULT_ATTACHMENT_RULES: AttachmentRules = deepFreeze<AttachmentRules>({
  minBytesExclusive: 5,
  mediaTypes: {
    [MediaType.Image]: { maxBytes: TEN_MIB, formats: ['jpeg', 'png'] },
    [MediaType.Video]: { maxBytes: TEN_MIB, formats: ['mp4'] },
    [MediaType.File]: { maxBytes: TEN_MIB, formats: [] },
  },
  attachmentTypes: {
    [AttachmentType.Moment]: [MediaType.Image, MediaType.Video],
    [AttachmentType.ProductAlbum]: [MediaType.Image],
  },
  momentImage: { maxLongEdge: 10_800, maxShortEdge: 1080 },
  momentVideo: { maxDurationSeconds: 30 },
  moment: {
    maxTextChars: 2000,
    maxTextBytes: 4000,
    maxImages: 9,
    maxImagePixels: 1440 * 1080,
    maxLinkTitleBytes: 64,
  },
  album: {
    maxDescriptionChars: 300,
    minPriceFen: 1,
    maxPriceFen: 5_000_000,
    maxProductSnChars: 128,
    maxImages: 9,
  },
  maxFilenameBytes: 255,
});

/** The defaults with `override` laid over them. */
export function resolveRules(override: AttachmentRulesOverride = {}): AttachmentRules {
  const d = DEFAULT_ATTACHMENT_RULES;
  const media = (type: MediaType): MediaTypeRule => ({
    ...d.mediaTypes[type],
    ...override.mediaTypes?.[type],
  });
  return deepFreeze({
    minBytesExclusive: override.minBytesExclusive ?? d.minBytesExclusive,
    mediaTypes: {
      [MediaType.Image]: media(MediaType.Image),
      [MediaType.Video]: media(MediaType.Video),
      [MediaType.File]: media(MediaType.File),
    },
    attachmentTypes: { ...d.attachmentTypes, ...override.attachmentTypes },
    momentImage: { ...d.momentImage, ...override.momentImage },
    momentVideo: { ...d.momentVideo, ...override.momentVideo },
    moment: { ...d.moment, ...override.moment },
    album: { ...d.album, ...override.album },
    maxFilenameBytes: override.maxFilenameBytes ?? d.maxFilenameBytes,
  });
}

/**
 * How much of a file is received or spooled: the largest rule's limit, or, for an image to be
 * fitted, as much as fitting takes (`fitInputBytes`: it may bring a larger image under the limit).
 */
export function receiveLimit(
  rules: AttachmentRules,
  mediaType: unknown,
  fitInputBytes?: number,
): number {
  const largest = largestLimit(rules);
  return fitInputBytes !== undefined && mediaType === MediaType.Image
    ? Math.max(largest, fitInputBytes)
    : largest;
}

/** The largest file any media type accepts: uploads above it can be refused before reading on. */
function largestLimit(rules: AttachmentRules): number {
  return Math.max(...MEDIA_TYPES.map((type) => rules.mediaTypes[type].maxBytes));
}

export function isMediaType(value: unknown): value is MediaType {
  return MEDIA_TYPES.includes(value as MediaType);
}

export function isAttachmentType(value: unknown): value is AttachmentType {
  return ATTACHMENT_TYPES.includes(value as AttachmentType);
}

/** Frozen all the way down: the table is shared by every upload and must not drift. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Whether `value` is a corp id the module can use: a non-empty string of letters, digits, _ or -. */
export const isCorpId = (value: unknown): value is string =>
  typeof value === 'string' && /^[\w-]{1,64}$/.test(value);

/** The corps `options` serve: a secret serves its corp alone; the other ways serve any. */
export const servedBy = (options: {
  corpId: string | undefined;
  credentials: { kind: string };
}): ServedCorps => ({
  defaultCorpId: options.corpId,
  onlyDefault: options.credentials.kind === 'secret',
});

/** What the module serves: its default corp, and whether it serves that corp alone. */
export interface ServedCorps {
  /** The corp of calls that name none; undefined when every call must name one. */
  defaultCorpId: string | undefined;
  /** True when the module holds one corp's secret, and no other corp can be served. */
  onlyDefault: boolean;
}

/**
 * The `corp-id` rule: why a call for `given` (or, without it, the default corp) cannot be made —
 * no corp at all, a malformed id, or a corp the module has no credentials for.
 */
export function checkCorpId(
  given: unknown,
  served: ServedCorps,
  messages: Messages = EN_MESSAGES,
): Violation | undefined {
  const { defaultCorpId, onlyDefault } = served;
  if (given === undefined) {
    return defaultCorpId === undefined
      ? { rule: 'corp-id', message: messages.corpMissing() }
      : undefined;
  }
  if (!isCorpId(given)) {
    return { rule: 'corp-id', message: messages.corpInvalid(), actual: String(given).slice(0, 80) };
  }
  if (onlyDefault && given !== defaultCorpId) {
    return {
      rule: 'corp-id',
      message: messages.corpNotServed(defaultCorpId ?? '', given),
      actual: given,
    };
  }
  return undefined;
}
