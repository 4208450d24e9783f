import { EN_MESSAGES, type Messages } from '../messages/index.js';
import type { AlbumRules, MomentRules } from './attachment-rules.interface.js';
import type { MediaInfo } from '../media/media-format.js';
import type { Violation } from './violation.interface.js';

/** What the moment rules look at: the text, and how many of each kind of attachment. */
export interface MomentDraft {
  text: unknown;
  images: number;
  video: boolean;
  link?: { title: unknown; url: unknown; cover: boolean };
  /** Who sends it and who sees it, as given (checked to be ids, not that WeCom knows them). */
  senders?: { userIds?: unknown; departmentIds?: unknown };
  customerTagIds?: unknown;
}

/** What the album rules look at; with `partial`, what is left out is not checked (an update). */
export interface AlbumDraft {
  description: unknown;
  priceFen: unknown;
  productSn: unknown;
  /** How many images; undefined when none are given (an update that keeps them). */
  images: number | undefined;
}

const chars = (text: string): number => [...text].length;

/**
 * Every rule of add_moment_task a moment breaks, before anything is uploaded: text or an
 * attachment; images, a video or a link, never mixed; 1 to `maxImages` images; the text's
 * characters and bytes; a link's title, http(s) URL and cover.
 */
export function checkMoment(
  draft: MomentDraft,
  rules: MomentRules,
  m: Messages = EN_MESSAGES,
): Violation[] {
  const out: Violation[] = [];
  const { text, images, video, link } = draft;
  const kinds = [images > 0 && 'images', video && 'video', link && 'link'].filter(
    (k): k is string => typeof k === 'string',
  );
  if (text !== undefined && typeof text !== 'string') {
    out.push({ rule: 'moment-text-length', message: m.momentTextNotText(), actual: typeof text });
  }
  // Only spaces are no text: a customer would see an empty moment.
  const hasText = typeof text === 'string' && text.trim().length > 0;
  if (!hasText && kinds.length === 0) out.push({ rule: 'moment-empty', message: m.momentEmpty() });
  if (kinds.length > 1) {
    out.push({
      rule: 'moment-attachment-kinds',
      message: m.momentAttachmentKinds(kinds),
      limit: 'images, a video or a link',
      actual: kinds.join(', '),
    });
  }
  if (images > rules.maxImages) {
    out.push({
      rule: 'moment-image-count',
      message: m.momentImageCount(rules.maxImages, images),
      limit: rules.maxImages,
      actual: images,
    });
  }
  if (typeof text === 'string') {
    const length = chars(text);
    const bytes = Buffer.byteLength(text);
    if (length > rules.maxTextChars || bytes > rules.maxTextBytes) {
      out.push({
        rule: 'moment-text-length',
        message: m.momentTextLength(rules.maxTextChars, rules.maxTextBytes, length, bytes),
        limit: rules.maxTextChars,
        actual: length,
      });
    }
  }
  if (link) out.push(...checkLink(link, rules, m));
  out.push(...checkVisibleRange(draft, m));
  return out;
}

const isText = (id: unknown): boolean => typeof id === 'string' && id.trim() !== '';
const isDepartment = (id: unknown): boolean => Number.isSafeInteger(id) && (id as number) >= 1;

/** Senders and tags that are ids by their shape: WeCom refuses others only after the uploads. */
function checkVisibleRange(draft: MomentDraft, m: Messages): Violation[] {
  const lists: Array<[string, unknown, (id: unknown) => boolean]> = [
    ['senders.userIds', draft.senders?.userIds, isText],
    ['senders.departmentIds', draft.senders?.departmentIds, isDepartment],
    ['customerTagIds', draft.customerTagIds, isText],
  ];
  const out: Violation[] = [];
  for (const [field, list, isId] of lists) {
    if (list === undefined) continue;
    const bad = Array.isArray(list) ? list.find((id) => !isId(id)) : list;
    if (Array.isArray(list) && bad === undefined && list.every(isId)) continue;
    const actual = Array.isArray(list) ? (JSON.stringify(bad) ?? String(bad)) : `${typeof list}`;
    out.push({
      rule: 'moment-visible-range',
      message: m.momentVisibleRange(field, actual.slice(0, 64)),
      actual: actual.slice(0, 64),
    });
  }
  return out;
}

function checkLink(
  link: NonNullable<MomentDraft['link']>,
  rules: MomentRules,
  m: Messages,
): Violation[] {
  const out: Violation[] = [];
  const title = typeof link.title === 'string' ? Buffer.byteLength(link.title) : 0;
  if (typeof link.title !== 'string' || title === 0 || title > rules.maxLinkTitleBytes) {
    out.push({
      rule: 'moment-link-title',
      message: m.momentLinkTitle(rules.maxLinkTitleBytes, title),
      limit: rules.maxLinkTitleBytes,
      actual: title,
    });
  }
  const { scheme, credentials } = urlOf(link.url);
  if ((scheme !== 'http:' && scheme !== 'https:') || credentials) {
    // Only the scheme is shown: a link may carry anything after it. One with a user name or a
    // password would show them to every customer.
    const actual = credentials ? `${scheme ?? ''}//user:password@…` : scheme;
    out.push({
      rule: 'moment-link-url',
      message: m.momentLinkUrl(actual ?? 'no URL'),
      limit: 'http:, https:, no credentials',
      actual: actual ?? 'none',
    });
  }
  if (!link.cover) out.push({ rule: 'moment-link-cover', message: m.momentLinkCover() });
  return out;
}

/** The scheme of `url` (`javascript:`, undefined for no absolute URL), and whether it holds credentials. */
function urlOf(url: unknown): { scheme?: string; credentials: boolean } {
  if (typeof url !== 'string') return { credentials: false };
  try {
    const parsed = new URL(url);
    return {
      scheme: parsed.protocol,
      credentials: parsed.username !== '' || parsed.password !== '',
    };
  } catch {
    return { credentials: false };
  }
}

/**
 * Every rule of add_product_album an album breaks, before anything is uploaded: its description,
 * its price (a whole number of fen within the limits), its product_sn (letters and digits), and
 * 1 to `maxImages` images. With `partial` (an update), a field left out is not checked.
 */
export function checkAlbum(
  draft: AlbumDraft,
  rules: AlbumRules,
  m: Messages = EN_MESSAGES,
  partial = false,
): Violation[] {
  const out: Violation[] = [];
  const { description, priceFen, productSn, images } = draft;
  if (!partial || description !== undefined) {
    // Only spaces are no description.
    const length =
      typeof description === 'string' && description.trim() !== '' ? chars(description) : 0;
    if (typeof description !== 'string' || length === 0 || length > rules.maxDescriptionChars) {
      out.push({
        rule: 'album-description',
        message: m.albumDescription(rules.maxDescriptionChars, length),
        limit: rules.maxDescriptionChars,
        actual: length,
      });
    }
  }
  if (!partial || priceFen !== undefined) {
    const { minPriceFen: min, maxPriceFen: max } = rules;
    if (
      !Number.isSafeInteger(priceFen) ||
      (priceFen as number) < min ||
      (priceFen as number) > max
    ) {
      out.push({
        rule: 'album-price',
        message: m.albumPrice(min, max, String(priceFen)),
        limit: `${min}-${max}`,
        actual: typeof priceFen === 'number' ? priceFen : String(priceFen),
      });
    }
  }
  if (productSn !== undefined) {
    const sn = typeof productSn === 'string' ? productSn : '';
    if (!/^[A-Za-z0-9]+$/.test(sn) || sn.length > rules.maxProductSnChars) {
      out.push({
        rule: 'album-product-sn',
        message: m.albumProductSn(rules.maxProductSnChars, sn.length),
        limit: rules.maxProductSnChars,
        actual: sn.length,
      });
    }
  }
  if (
    (!partial || images !== undefined) &&
    (images === undefined || images < 1 || images > rules.maxImages)
  ) {
    out.push({
      rule: 'album-image-count',
      message: m.albumImageCount(rules.maxImages, images ?? 0),
      limit: rules.maxImages,
      actual: images ?? 0,
    });
  }
  return out;
}

/** The moments image cap of publishing (`rules.moment.maxImagePixels`), on what the bytes show. */
export function checkMomentImagePixels(
  media: MediaInfo,
  maxPixels: number,
  m: Messages = EN_MESSAGES,
): Violation[] {
  const { width, height } = media;
  if (width === undefined || height === undefined || width * height <= maxPixels) return [];
  return [
    {
      rule: 'moment-image-pixels',
      message: m.momentImagePixels(maxPixels, width, height),
      limit: maxPixels,
      actual: width * height,
    },
  ];
}
