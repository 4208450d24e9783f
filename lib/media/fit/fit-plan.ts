import { MediaType } from '../../media-type.enum.js';
import type { AttachmentRules } from '../../rules/attachment-rules.interface.js';
import type { RuleName, Violation } from '../../rules/violation.interface.js';
import type { MediaFormat } from '../media-format.js';
import type { Messages } from '../../messages/index.js';
import { fitWithin } from '../../messages/next-steps.js';
import { FIT } from '../../options/option-table.js';
import type { ResolvedFit } from '../../options/resolve-options.js';
import type { FitOptions } from '../../options/wecom-media-options.js';
import type { AttachmentSource } from '../../source/attachment-source.js';
import type { ImageHeader } from './image-encoder.js';
import type { MediaInfo } from '../media-format.js';

/** An image as judged: its source, what its bytes showed, its name on the wire, what it breaks. */
export interface JudgedImage {
  source: AttachmentSource;
  media: MediaInfo;
  filename: string;
  violations: readonly Violation[];
}

/** The rules fitting repairs, when the file is an image sharp can decode. */
const REPAIRABLE: ReadonlySet<RuleName> = new Set([
  'format',
  'moment-image-short-edge',
  'moment-image-long-edge',
  'max-size',
  'moment-image-pixels',
]);

/** Formats fitting converts from, when the installed sharp decodes them. */
export const CONVERTIBLE: ReadonlySet<MediaFormat> = new Set([
  'jpeg',
  'png',
  'webp',
  'gif',
  'avif',
  'tiff',
  'heic',
]);

/** Whether fitting can repair every broken rule of an image, and what it cannot. */
export interface FitPlan {
  /** True when fitting should run: some rule is broken, and every broken rule is repairable. */
  fits: boolean;
  /** The violations fitting cannot repair (what `check({ fit })` reports). */
  remaining: Violation[];
}

/** What planFit needs to know of the file. */
export interface FitFacts {
  mediaType: unknown;
  format: MediaFormat;
  size: number;
  /** True when spooling stopped at the limit: the file is larger than `size`, and incomplete. */
  sizeExceeded: boolean;
}

/** True when the file is too large for fitting to start (`maxInputBytes`). */
const tooLargeToFit = (facts: FitFacts, settings: ResolvedFit): boolean =>
  facts.sizeExceeded || facts.size > settings.maxInputBytes;

/**
 * Which of `violations` fitting would repair. Only images are fitted, and only up to
 * `maxInputBytes` (a file cut short while it was spooled cannot be); a format is repaired only
 * where `decodable` says the installed sharp reads it.
 */
export function planFit(
  violations: readonly Violation[],
  facts: FitFacts,
  settings: ResolvedFit,
  decodable: (format: MediaFormat) => boolean,
): FitPlan {
  const image =
    facts.mediaType === MediaType.Image &&
    CONVERTIBLE.has(facts.format) &&
    decodable(facts.format) &&
    !tooLargeToFit(facts, settings);
  const remaining = violations.filter((v) => !(image && REPAIRABLE.has(v.rule)));
  return { fits: violations.length > 0 && remaining.length === 0, remaining };
}

/**
 * The filename with the extension of `format` — users see `photo.jpg`, not `photo.webp` — kept
 * within `maxBytes` of UTF-8 by shortening the stem (never mid-character), so that a name that
 * passed the filename rule still passes it.
 */
export function renameFor(filename: string, format: 'jpeg' | 'png', maxBytes: number): string {
  const matches = format === 'jpeg' ? /\.jpe?g$/i : /\.png$/i;
  if (matches.test(filename)) return filename;
  const dot = filename.lastIndexOf('.');
  const extension = format === 'jpeg' ? '.jpg' : '.png';
  let stem = dot > 0 ? filename.slice(0, dot) : filename;
  while (stem.length > 0 && Buffer.byteLength(stem + extension) > maxBytes) {
    stem = [...stem].slice(0, -1).join('');
  }
  return `${stem}${extension}`;
}

/**
 * One call's `fit` over the module's: undefined keeps the module's, false turns it off, true takes
 * the module's settings (or the defaults), an object lays its settings over the module's (or the
 * defaults). A call may tighten the module's bounds — input bytes, pixels, time — never loosen
 * them, and never changes the concurrency: one bound for the whole process.
 * @throws TypeError naming every problem of a bad `given`.
 */
export function resolveFit(
  given: boolean | FitOptions | undefined,
  moduleFit: ResolvedFit | false,
): ResolvedFit | false {
  if (given === undefined) return moduleFit;
  if (given === false) return false;
  const base = moduleFit || defaultFit();
  if (given === true) return base;
  const problems = FIT.problems(given, 'fit');
  if (problems.length > 0) throw new TypeError(`fit is invalid: ${problems.join('; ')}`);
  return {
    jpegQualities: given.jpegQualities ?? base.jpegQualities,
    maxInputBytes: tighter(given.maxInputBytes, base.maxInputBytes),
    maxInputPixels: tighter(given.maxInputPixels, base.maxInputPixels),
    timeoutMs: tighter(given.timeoutMs, base.timeoutMs),
    concurrency: base.concurrency,
  };
}

/** The fit settings of `fit: true` without a module setting: every default. */
export const defaultFit = (): ResolvedFit => FIT.resolve(true) as ResolvedFit;

/** A call's bound, never looser than the module's. */
const tighter = (call: number | undefined, bound: number): number =>
  call === undefined ? bound : Math.min(call, bound);

/**
 * `plan` with each remaining violation saying why fitting could not help, where fitting is what
 * would have: an image too large to start, or a format the installed sharp cannot read.
 */
export function explainRemaining(
  plan: FitPlan,
  facts: FitFacts,
  settings: ResolvedFit,
  readable: boolean,
  messages: Messages,
): FitPlan {
  if (!CONVERTIBLE.has(facts.format) || facts.mediaType !== MediaType.Image) return plan;
  const tooLargeToStart = tooLargeToFit(facts, settings);
  const remaining = plan.remaining.map((v): Violation => {
    if (v.rule === 'max-size' && tooLargeToStart) {
      const { maxInputBytes } = settings;
      const message = messages.fitInputTooLarge(maxInputBytes, facts.size, facts.sizeExceeded);
      return { ...v, message, limit: maxInputBytes };
    }
    if (v.rule === 'format' && !readable) {
      return {
        ...v,
        message: messages.formatNotDecodable(MediaType.Image, ['jpeg', 'png'], facts.format),
      };
    }
    return v;
  });
  return { ...plan, remaining };
}

/** What a fit starts from: the size and orientation the image declares, or why it cannot start. */
export type DeclaredSize =
  | { width: number; height: number; orientation: number; hasAlpha: boolean }
  | { violation: Violation };

/**
 * The size the image declares — the inspector's reading for PNG and JPEG (it checks their headers
 * itself), sharp's header for the rest — or `image-pixels` for a decode bomb.
 */
export function declaredSize(
  header: ImageHeader,
  media: MediaInfo,
  settings: ResolvedFit,
  messages: Messages,
): DeclaredSize {
  const width = media.width ?? header.width ?? 0;
  const height = media.height ?? header.height ?? 0;
  if (width * height > settings.maxInputPixels) {
    return {
      violation: {
        rule: 'image-pixels',
        message: messages.imagePixels(settings.maxInputPixels, width, height),
        limit: settings.maxInputPixels,
        actual: width * height,
      },
    };
  }
  return { width, height, orientation: header.orientation, hasAlpha: header.hasAlpha };
}

/**
 * The size to fit into: the moments edges for a moments image, and under `maxPixels` when
 * publishing caps it (1440 × 1080); other scenes keep the size.
 */
export function fitTarget(
  width: number,
  height: number,
  attachmentType: unknown,
  rules: AttachmentRules,
  maxPixels?: number,
): { width: number; height: number } {
  if (attachmentType !== 1) return { width, height };
  const { maxShortEdge, maxLongEdge } = rules.momentImage;
  const edges = fitWithin(width, height, maxShortEdge, maxLongEdge);
  if (maxPixels === undefined || edges.width * edges.height <= maxPixels) return edges;
  const scale = Math.sqrt(maxPixels / (edges.width * edges.height));
  return {
    width: Math.max(1, Math.floor(edges.width * scale)),
    height: Math.max(1, Math.floor(edges.height * scale)),
  };
}
