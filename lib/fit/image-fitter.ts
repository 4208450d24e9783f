import { rm, stat } from 'node:fs/promises';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Sharp } from 'sharp';
import { Semaphore } from '../common/semaphore.js';
import { WECOM_RESOLVED_OPTIONS } from '../common/wecom-media.constants.js';
import { MediaType } from '../enums/media-type.enum.js';
import type { AttachmentRules } from '../interfaces/attachment-rules.interface.js';
import type { FittedAttachment, FittedImage } from '../interfaces/fit-options.interface.js';
import type { Violation } from '../interfaces/violation.interface.js';
import { inspectMedia } from '../media/inspect-media.js';
import type { MediaFormat, MediaInfo } from '../media/media-format.js';
import type { ResolvedFit, ResolvedWecomMediaOptions } from '../options/resolve-options.js';
import { checkAttachment } from '../rules/check-attachment.js';
import type { Messages } from '../rules/messages/index.js';
import { fitWithin } from '../rules/next-steps.js';
import { ownedFileSource, type AttachmentSource } from '../source/attachment-source.js';
import type { PreparedAttachment } from '../source/prepare-attachment.js';
import { TempDirectory } from '../source/temp-directory.js';
import {
  CONVERTIBLE,
  planFit,
  renameFor,
  tooLargeToFit,
  type FitFacts,
  type FitPlan,
} from './fit-plan.js';
import { loadSharp, type SharpModule } from './sharp-loader.js';

/** What fitting produced: an image that passes every rule, or why none could be made. */
export type FitOutcome =
  | { source: AttachmentSource; media: MediaInfo; filename: string; fitted: FittedAttachment }
  | { violations: Violation[] };

/** What a fit is asked to do. */
export interface FitRequest {
  prepared: PreparedAttachment;
  mediaType: MediaType;
  attachmentType: unknown;
  rules: AttachmentRules;
  messages: Messages;
  settings: ResolvedFit;
  signal?: AbortSignal;
}

/**
 * Makes an image that breaks a rule pass: upright by its EXIF orientation, scaled down (never up)
 * to the moments edges, converted to JPEG (PNG when transparent), re-encoded at falling JPEG
 * qualities until it fits the size limit, its metadata stripped and its colour profile kept. The
 * result goes to the module's temp directory, never into a growing Buffer, and is checked by the
 * same rules before it is sent. sharp is loaded on first use (at start-up when the module's `fit`
 * option is on, so that a missing sharp fails the boot); fits run `concurrency` at a time.
 */
@Injectable()
export class ImageFitter implements OnModuleInit {
  private sharp?: Promise<SharpModule>;
  private readonly lines = new Map<number, Semaphore>();

  constructor(
    @Inject(WECOM_RESOLVED_OPTIONS) private readonly options: ResolvedWecomMediaOptions,
    private readonly temp: TempDirectory,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.options.fit) await this.load();
  }

  /**
   * What fitting would leave of `prepared`'s violations (what `check({ fit })` reports), sharp's
   * decoders taken into account: a HEIC this sharp cannot decode says so.
   */
  async plan(
    prepared: PreparedAttachment,
    mediaType: unknown,
    settings: ResolvedFit,
    messages: Messages,
  ): Promise<FitPlan> {
    const sharp = await this.load();
    const { format } = prepared.media;
    const facts: FitFacts = {
      mediaType,
      format,
      size: prepared.source.size,
      sizeExceeded: prepared.source.sizeExceeded,
    };
    const plan = planFit(prepared.violations, facts, settings, (f) => decodable(sharp, f));
    if (plan.fits) {
      // A decode bomb would be refused by the fit: say so now.
      const { bomb } = await this.declaredSize(sharp, prepared, settings, messages);
      return bomb ? { fits: false, remaining: [bomb] } : plan;
    }
    if (!CONVERTIBLE.has(format) || mediaType !== MediaType.Image) return plan;
    // Say why fitting could not help: an image too large to start, or one sharp cannot read.
    const tooLarge = tooLargeToFit(facts, settings);
    const unreadable = !decodable(sharp, format);
    const remaining = plan.remaining.map((v): Violation => {
      if (v.rule === 'max-size' && tooLarge) {
        const { maxInputBytes } = settings;
        const message = messages.fitInputTooLarge(maxInputBytes, facts.size, facts.sizeExceeded);
        return { ...v, message, limit: maxInputBytes };
      }
      if (v.rule === 'format' && unreadable) {
        const message = messages.formatNotDecodable(MediaType.Image, ['jpeg', 'png'], format);
        return { ...v, message };
      }
      return v;
    });
    return { ...plan, remaining };
  }

  /** Fits the image of `request`; the caller disposes the returned source. */
  async fit(request: FitRequest): Promise<FitOutcome> {
    const sharp = await this.load();
    const line = this.lineFor(request.settings.concurrency);
    return line.run(() => this.fitNow(sharp, request), request.signal);
  }

  private async fitNow(sharp: SharpModule, request: FitRequest): Promise<FitOutcome> {
    const { prepared, settings, messages } = request;
    const { source, media } = prepared;
    const input = inputOf(source);
    const { width, height, bomb } = await this.declaredSize(
      sharp,
      request.prepared,
      settings,
      messages,
    );
    if (bomb) return { violations: [bomb] };
    // The header alone: the orientation, and whether there is an alpha channel to look at.
    const header = await sharp(input, { animated: false, limitInputPixels: false }).metadata();
    const original: FittedImage = { format: media.format, width, height, bytes: source.size };
    // Phones store the pixels sideways and an EXIF orientation: 5 to 8 swap the edges.
    const upright =
      (header.orientation ?? 1) >= 5 ? { w: height, h: width } : { w: width, h: height };
    const target = this.targetSize(upright.w, upright.h, request);
    const maxBytes = request.rules.mediaTypes[MediaType.Image].maxBytes;
    const transparent = header.hasAlpha === true && (await isTransparent(sharp, input, settings));
    const encodings = encodingsFor(media.format, transparent, settings.jpegQualities);
    let last: { path: string; bytes: number; quality: number } | undefined;
    for (const encoding of encodings) {
      request.signal?.throwIfAborted();
      const path = await this.temp.newFilePath();
      let pipeline = sharp(input, { animated: false, limitInputPixels: settings.maxInputPixels });
      // By the EXIF orientation, which is then dropped with the rest of the metadata. Only when
      // there is one to apply: turning makes libvips hold the whole decoded image.
      if ((header.orientation ?? 1) > 1) pipeline = pipeline.rotate();
      pipeline = pipeline
        .resize({
          width: target.width,
          height: target.height,
          fit: 'inside',
          withoutEnlargement: true,
        })
        .keepIccProfile();
      await encode(pipeline, encoding).toFile(path);
      const { size } = await stat(path);
      if (last) await rm(last.path, { force: true });
      last = { path, bytes: size, quality: encoding.quality };
      if (size <= maxBytes) return this.checked(path, encoding.format, original, request);
    }
    if (last) await rm(last.path, { force: true });
    return {
      violations: [
        {
          rule: 'max-size',
          message: messages.fitTooLarge(maxBytes, last?.bytes ?? source.size, last?.quality ?? 0),
          limit: maxBytes,
          actual: last?.bytes ?? source.size,
        },
      ],
    };
  }

  /**
   * The size the image declares, and a violation when it is a decode bomb: read from the header
   * alone (the inspector's reading for PNG and JPEG, sharp's for the rest), before any decoding.
   */
  private async declaredSize(
    sharp: SharpModule,
    prepared: PreparedAttachment,
    settings: ResolvedFit,
    messages: Messages,
  ): Promise<{ width: number; height: number; bomb?: Violation }> {
    const { media, source } = prepared;
    const header =
      media.width === undefined
        ? await sharp(inputOf(source), { animated: false, limitInputPixels: false }).metadata()
        : undefined;
    const width = media.width ?? header?.width ?? 0;
    const height = media.height ?? header?.height ?? 0;
    if (width * height <= settings.maxInputPixels) return { width, height };
    const bomb: Violation = {
      rule: 'image-pixels',
      message: messages.imagePixels(settings.maxInputPixels, width, height),
      limit: settings.maxInputPixels,
      actual: width * height,
    };
    return { width, height, bomb };
  }

  /** The moments edges, with the configured limits; other scenes keep the image's size. */
  private targetSize(
    width: number,
    height: number,
    request: FitRequest,
  ): { width: number; height: number } {
    if (request.attachmentType !== 1) return { width, height };
    const { maxShortEdge, maxLongEdge } = request.rules.momentImage;
    return fitWithin(width, height, maxShortEdge, maxLongEdge);
  }

  /** Opens the fitted file and judges it by the same rules before it may be sent. */
  private async checked(
    path: string,
    format: 'jpeg' | 'png',
    original: FittedImage,
    request: FitRequest,
  ): Promise<FitOutcome> {
    const filename = renameFor(request.prepared.filename, format);
    const source = await ownedFileSource(path, filename);
    const media = await inspectMedia(source.reader);
    const violations = checkAttachment(
      {
        mediaType: MediaType.Image,
        attachmentType: request.attachmentType,
        size: source.size,
        filename,
        media,
      },
      request.rules,
      request.messages,
    );
    if (violations.length > 0) {
      await source.dispose();
      return { violations };
    }
    const sent: FittedImage = {
      format: media.format,
      width: media.width ?? 0,
      height: media.height ?? 0,
      bytes: source.size,
    };
    return { source, media, filename, fitted: { original, sent } };
  }

  private load(): Promise<SharpModule> {
    this.sharp ??= loadSharp().then((sharp) => {
      // One libvips thread a fit: fits run side by side, `concurrency` of them, not one wide one.
      sharp.concurrency(1);
      // No operation cache: each image is fitted once, and a cache of decoded 12 MP photos would
      // only hold memory (the bench's 16 concurrent fits).
      sharp.cache(false);
      return sharp;
    });
    // A failed load is not remembered: installing sharp and trying again must work.
    this.sharp.catch(() => (this.sharp = undefined));
    return this.sharp;
  }

  private lineFor(concurrency: number): Semaphore {
    let line = this.lines.get(concurrency);
    if (!line) {
      line = new Semaphore(concurrency);
      this.lines.set(concurrency, line);
    }
    return line;
  }
}

/** What sharp reads: the file where it lies, or the bytes in memory. */
const inputOf = (source: AttachmentSource): string | Buffer =>
  source.path ?? (source.body() as Buffer);

/** One way to encode the fitted image. */
interface Encoding {
  format: 'jpeg' | 'png';
  quality: number;
}

/**
 * The encodings to try, in order: a PNG stays PNG first (lossless); a transparent image stays PNG
 * (then a palette PNG); anything opaque falls back to JPEG at each quality.
 */
function encodingsFor(
  format: MediaFormat,
  transparent: boolean,
  qualities: readonly number[],
): Encoding[] {
  const jpeg = qualities.map((quality): Encoding => ({ format: 'jpeg', quality }));
  if (transparent)
    return [
      { format: 'png', quality: 100 },
      { format: 'png', quality: 80 },
    ];
  if (format === 'png') return [{ format: 'png', quality: 100 }, ...jpeg];
  return jpeg;
}

/** The pipeline with the encoder of `encoding`: a PNG below quality 100 is a palette PNG. */
function encode(pipeline: Sharp, encoding: Encoding): Sharp {
  if (encoding.format === 'jpeg')
    return pipeline.jpeg({ quality: encoding.quality, mozjpeg: true });
  return encoding.quality < 100
    ? pipeline.png({ compressionLevel: 9, palette: true, quality: encoding.quality })
    : pipeline.png({ compressionLevel: 9 });
}

/** True when the image really uses its alpha channel (an opaque RGBA PNG can become a JPEG). */
async function isTransparent(
  sharp: SharpModule,
  input: string | Buffer,
  settings: ResolvedFit,
): Promise<boolean> {
  const { isOpaque } = await sharp(input, {
    animated: false,
    limitInputPixels: settings.maxInputPixels,
  }).stats();
  return !isOpaque;
}

/** Whether the installed sharp reads `format` (prebuilt sharp reads no HEIC: HEVC is patented). */
function decodable(sharp: SharpModule, format: MediaFormat): boolean {
  if (!CONVERTIBLE.has(format)) return false;
  if (format === 'heic') return heicDecodable(sharp);
  const key = format === 'avif' ? 'heif' : format;
  const formats = sharp.format as unknown as Record<string, { input?: { buffer?: boolean } }>;
  return formats[key]?.input?.buffer === true;
}

/** libvips reads HEIC only when built with an HEVC decoder, which prebuilt sharp is not. */
function heicDecodable(sharp: SharpModule): boolean {
  const versions = sharp.versions as Record<string, string | undefined>;
  return versions.heif !== undefined && versions.de265 !== undefined;
}
