import { MEDIA_FORMATS } from '../media/media-format.js';
import { DEFAULT_ATTACHMENT_RULES, resolveRules } from '../rules/attachment-rules.js';
import type { AttachmentRules } from '../rules/attachment-rules.interface.js';
import { MEDIA_TYPES, MediaType } from '../media-type.enum.js';
import { listOf, positive, shape, whole, type ShapeIn } from './option-checks.js';

const rule = DEFAULT_ATTACHMENT_RULES;

/** One media type's limits, laid over the doc's. */
const mediaTypeRule = (type: MediaType) =>
  shape({
    /** The largest file accepted, in bytes. */
    maxBytes: { ...whole(1), shownDefault: String(rule.mediaTypes[type].maxBytes) },
    /** The formats the bytes may be; empty means any. */
    formats: {
      ...listOf(MEDIA_FORMATS),
      shownDefault: `[${rule.mediaTypes[type].formats.join(', ')}]`,
    },
  });

/** Each attachment type's media types. */
const attachmentTypeRule = (type: 1 | 2) => ({
  ...listOf(MEDIA_TYPES),
  shownDefault: `[${rule.attachmentTypes[type].join(', ')}]`,
});

/** Overrides of the upload rules, laid over DEFAULT_ATTACHMENT_RULES. */
const RULES_FIELDS = shape({
  /** Files must be larger than this many bytes (the doc: "所有文件size必须大于5个字节"). */
  minBytesExclusive: { ...whole(0), shownDefault: String(rule.minBytesExclusive) },
  /** Per media type: the largest file and the formats its bytes may be. */
  mediaTypes: shape({
    /** Images. */
    image: mediaTypeRule(MediaType.Image),
    /** Videos. */
    video: mediaTypeRule(MediaType.Video),
    /** Files. */
    file: mediaTypeRule(MediaType.File),
  }),
  /** The media types each attachment type takes. */
  attachmentTypes: shape({
    /** Moments (朋友圈). */
    1: attachmentTypeRule(1),
    /** Product albums (商品图册). */
    2: attachmentTypeRule(2),
  }),
  /** Moments images: the longer and the shorter edge, in pixels. */
  momentImage: shape({
    /** The longer edge. */
    maxLongEdge: { ...whole(1), shownDefault: String(rule.momentImage.maxLongEdge) },
    /** The shorter edge. */
    maxShortEdge: { ...whole(1), shownDefault: String(rule.momentImage.maxShortEdge) },
  }),
  /** Moments videos. */
  momentVideo: shape({
    /** The longest duration, in seconds. */
    maxDurationSeconds: {
      ...positive(),
      shownDefault: String(rule.momentVideo.maxDurationSeconds),
    },
  }),
  /** Publishing a moment (add_moment_task). */
  moment: shape({
    /** The text's longest length in characters (the doc: 2000个字). */
    maxTextChars: { ...whole(1), shownDefault: String(rule.moment.maxTextChars) },
    /** The text's longest length in UTF-8 bytes (the doc: 4000个字节). */
    maxTextBytes: { ...whole(1), shownDefault: String(rule.moment.maxTextBytes) },
    /** The most images of one moment. */
    maxImages: { ...whole(1), shownDefault: String(rule.moment.maxImages) },
    /** The most pixels of a moments image (1440 × 1080); `fit` scales a larger one down. */
    maxImagePixels: { ...whole(1), shownDefault: String(rule.moment.maxImagePixels) },
    /** The longest link title, in UTF-8 bytes. */
    maxLinkTitleBytes: { ...whole(1), shownDefault: String(rule.moment.maxLinkTitleBytes) },
  }),
  /** Publishing a product album (add_product_album). */
  album: shape({
    /** The description's longest length in characters. */
    maxDescriptionChars: { ...whole(1), shownDefault: String(rule.album.maxDescriptionChars) },
    /** The lowest price, in fen. */
    minPriceFen: { ...whole(1), shownDefault: String(rule.album.minPriceFen) },
    /** The highest price, in fen. */
    maxPriceFen: { ...whole(1), shownDefault: String(rule.album.maxPriceFen) },
    /** The longest product_sn (letters and digits). */
    maxProductSnChars: { ...whole(1), shownDefault: String(rule.album.maxProductSnChars) },
    /** The most images of one album. */
    maxImages: { ...whole(1), shownDefault: String(rule.album.maxImages) },
  }),
  /** The longest filename, in UTF-8 bytes; WeCom documents none, 255 is the file-system bound. */
  maxFilenameBytes: { ...whole(1), shownDefault: String(rule.maxFilenameBytes) },
});

/** Option `rules`: overrides laid over the doc's limits, resolved into the whole rule table. */
export const RULES = {
  ...RULES_FIELDS,
  shownDefault: "the doc's limits",
  // Typed here: the override type is derived from this check, and resolveRules takes it.
  resolve: (v: ShapeIn<typeof RULES_FIELDS.fields> | undefined): AttachmentRules => resolveRules(v),
};
