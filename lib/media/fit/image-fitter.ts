import { rm, stat } from 'node:fs/promises';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Sharp } from 'sharp';
import { Semaphore } from '../../client/semaphore.js';
import { WECOM_RESOLVED_OPTIONS } from '../../wecom-media.constants.js';
import { MediaType } from '../../rules/media-type.enum.js';
import type { AttachmentRules } from '../../rules/attachment-rules.interface.js';
import type { FittedAttachment, FittedImage } from './fit-options.interface.js';
import type { Violation } from '../../rules/violation.interface.js';
import { inspectMedia } from '../inspect-media.js';
import type { MediaFormat, MediaInfo } from '../media-format.js';
import {
  defaultFit,
  type ResolvedFit,
  type ResolvedWecomMediaOptions,
} from '../../options/resolve-options.js';
import { checkAttachment } from '../../rules/check-attachment.js';
import type { Messages } from '../../messages/index.js';
import { fitWithin } from '../../messages/next-steps.js';
import { ownedFileSource, type AttachmentSource } from '../../source/attachment-source.js';
import type { PreparedAttachment } from '../../source/prepare-attachment.js';
import { TempDirectory } from '../../source/temp-directory.js';
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

/** One way to encode the fitted image. */
interface Encoding {
  format: 'jpeg' | 'png';
  /** JPEG quality; for PNG, 100 is lossless and less is a palette PNG of that quality. */
  quality: number;
}

/** An encoded file in the temp directory, and its size. */
interface Encoded {
  path: string;
  bytes: number;
  encoding: Encoding;
}

/** sharp stopped: the file is damaged, or the fit took longer than allowed. */
class Undecodable extends Error {}

/**
 * Makes an image that breaks a rule pass: upright by its EXIF orientation, scaled down (never up)
 * to the moments edges, converted to JPEG (PNG when it really uses transparency), re-encoded at
 * falling JPEG qualities until it fits the size limit, its metadata stripped and its colour
 * profile kept. The result goes to the module's temp directory, never into a growing Buffer, and
 * is checked by the same rules before it is sent. Bounded: the pixels an image may declare, the
 * time a fit may take, and how many fits run at once in the process. sharp is loaded on first use
 * (at start-up when the module's `fit` option is on, so that a missing sharp fails the boot), and
 * its process-wide settings are the app's, never changed here.
 */
@Injectable()
export class ImageFitter implements OnModuleInit {
  private sharp?: Promise<SharpModule>;
  /** One bound for every fit in the process, whatever each call asks. */
  private readonly line: Semaphore;

  constructor(
    @Inject(WECOM_RESOLVED_OPTIONS) private readonly options: ResolvedWecomMediaOptions,
    private readonly temp: TempDirectory,
  ) {
    this.line = new Semaphore((options.fit || defaultFit()).concurrency);
  }

  async onModuleInit(): Promise<void> {
    if (this.options.fit) await this.load();
  }

  /** Loads sharp, so that fit asked for without it fails now, naming `npm i sharp`. */
  async ensureAvailable(): Promise<void> {
    await this.load();
  }

  /**
   * What fitting would leave of `prepared`'s violations (what `check({ fit })` reports), as far
   * as the header tells: sharp's decoders, the declared size, a header sharp cannot read. Whether
   * re-encoding brings a file under the size limit only the fit itself can tell.
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
      // A decode bomb, or a header sharp cannot read, would be refused by the fit: say so now.
      const declared = await this.declaredSize(sharp, prepared, settings, messages);
      if ('violation' in declared) return { fits: false, remaining: [declared.violation] };
      return plan;
    }
    if (!CONVERTIBLE.has(format) || mediaType !== MediaType.Image) return plan;
    // Say why fitting could not help: an image too large to start, or one sharp cannot read.
    const tooLargeToStart = tooLargeToFit(facts, settings);
    const notDecodable = !decodable(sharp, format);
    const remaining = plan.remaining.map((v): Violation => {
      if (v.rule === 'max-size' && tooLargeToStart) {
        const { maxInputBytes } = settings;
        const message = messages.fitInputTooLarge(maxInputBytes, facts.size, facts.sizeExceeded);
        return { ...v, message, limit: maxInputBytes };
      }
      if (v.rule === 'format' && notDecodable) {
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
    return this.line.run(async () => {
      try {
        return await this.fitNow(sharp, request);
      } catch (error) {
        if (!(error instanceof Undecodable)) throw error;
        return { violations: [unreadable(request, error.message)] };
      }
    }, request.signal);
  }

  private async fitNow(sharp: SharpModule, request: FitRequest): Promise<FitOutcome> {
    const { prepared, settings } = request;
    const { source, media } = prepared;
    const declared = await this.declaredSize(sharp, prepared, settings, request.messages);
    if ('violation' in declared) return { violations: [declared.violation] };
    const { width, height, orientation, hasAlpha } = declared;
    const original: FittedImage = { format: media.format, width, height, bytes: source.size };
    // Phones store the pixels sideways and an EXIF orientation: 5 to 8 swap the edges.
    const upright = orientation >= 5 ? { w: height, h: width } : { w: width, h: height };
    const target = this.targetSize(upright.w, upright.h, request);
    const maxBytes = request.rules.mediaTypes[MediaType.Image].maxBytes;
    const deadline = Date.now() + settings.timeoutMs;
    const encode = (encoding: Encoding): Promise<Encoded> =>
      this.encode(sharp, request, { target, orientation, encoding, deadline });

    let last: Encoded | undefined;
    const keep = async (next: Encoded): Promise<Encoded> => {
      if (last) await rm(last.path, { force: true });
      last = next;
      return next;
    };
    try {
      // Transparency is judged on the fitted PNG (small), not by decoding the original again.
      if (hasAlpha) {
        const png = await keep(await encode({ format: 'png', quality: 100 }));
        if (!(await sharp(png.path).stats()).isOpaque) {
          if (png.bytes <= maxBytes) return await this.checked(png, original, request);
          const palette = await keep(await encode({ format: 'png', quality: 80 }));
          if (palette.bytes <= maxBytes) return await this.checked(palette, original, request);
          return { violations: [tooLarge(request, maxBytes, palette)] };
        }
        // Opaque: a PNG stays PNG when it fits; anything else becomes a JPEG.
        if (media.format === 'png' && png.bytes <= maxBytes) {
          return await this.checked(png, original, request);
        }
      } else if (media.format === 'png') {
        const png = await keep(await encode({ format: 'png', quality: 100 }));
        if (png.bytes <= maxBytes) return await this.checked(png, original, request);
      }
      for (const quality of settings.jpegQualities) {
        const jpeg = await keep(await encode({ format: 'jpeg', quality }));
        if (jpeg.bytes <= maxBytes) return await this.checked(jpeg, original, request);
      }
      return { violations: [tooLarge(request, maxBytes, last)] };
    } finally {
      // Whatever was not handed over — a too-large attempt, or any attempt when aborted — goes.
      if (last && !this.handedOver.has(last.path)) await rm(last.path, { force: true });
      if (last) this.handedOver.delete(last.path);
    }
  }

  /** Paths of fitted files now owned by a returned source (which removes them itself). */
  private readonly handedOver = new Set<string>();

  /** One encoding of the image to a new temp file; stops at the deadline or an abort. */
  private async encode(
    sharp: SharpModule,
    request: FitRequest,
    job: {
      target: { width: number; height: number };
      orientation: number;
      encoding: Encoding;
      deadline: number;
    },
  ): Promise<Encoded> {
    request.signal?.throwIfAborted();
    const seconds = Math.ceil((job.deadline - Date.now()) / 1000);
    if (seconds <= 0)
      throw new Undecodable(`the fit took longer than ${request.settings.timeoutMs} ms`);
    const path = await this.temp.newFilePath();
    let pipeline = sharp(inputOf(request.prepared.source), {
      animated: false, // a GIF's or a WebP's first frame
      limitInputPixels: request.settings.maxInputPixels,
    }).timeout({ seconds });
    // By the EXIF orientation, which is then dropped with the rest of the metadata. Only when
    // there is one to apply: turning makes libvips hold the whole decoded image.
    if (job.orientation > 1) pipeline = pipeline.rotate();
    pipeline = pipeline
      .resize({
        width: job.target.width,
        height: job.target.height,
        fit: 'inside',
        withoutEnlargement: true,
      })
      .keepIccProfile();
    try {
      await encoder(pipeline, job.encoding).toFile(path);
      return { path, bytes: (await stat(path)).size, encoding: job.encoding };
    } catch (error) {
      await rm(path, { force: true });
      throw new Undecodable(describeSharpError(error, request.settings.timeoutMs));
    }
  }

  /**
   * The size, orientation and alpha the image declares, read from its header alone (before any
   * decoding), and a violation when it is a decode bomb or a header sharp cannot read.
   */
  private async declaredSize(
    sharp: SharpModule,
    prepared: PreparedAttachment,
    settings: ResolvedFit,
    messages: Messages,
  ): Promise<
    | { width: number; height: number; orientation: number; hasAlpha: boolean }
    | { violation: Violation }
  > {
    const { media, source } = prepared;
    let header: Awaited<ReturnType<Sharp['metadata']>>;
    try {
      header = await sharp(inputOf(source), {
        animated: false,
        limitInputPixels: false,
      }).metadata();
    } catch (error) {
      return {
        violation: {
          rule: 'unreadable',
          message: messages.unreadable(media.format, describeSharpError(error, settings.timeoutMs)),
        },
      };
    }
    // The inspector's reading for PNG and JPEG (it checks their headers itself), sharp's for the rest.
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
    return {
      width,
      height,
      orientation: header.orientation ?? 1,
      hasAlpha: header.hasAlpha === true,
    };
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
    encoded: Encoded,
    original: FittedImage,
    request: FitRequest,
  ): Promise<FitOutcome> {
    request.signal?.throwIfAborted();
    const filename = renameFor(
      request.prepared.filename,
      encoded.encoding.format,
      request.rules.maxFilenameBytes,
    );
    const source = await ownedFileSource(encoded.path, filename);
    this.handedOver.add(encoded.path);
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
    this.sharp ??= loadSharp();
    // A failed load is not remembered: installing sharp and trying again must work.
    this.sharp.catch(() => (this.sharp = undefined));
    return this.sharp;
  }
}

/** What sharp reads: the file where it lies, or the bytes in memory. */
const inputOf = (source: AttachmentSource): string | Buffer =>
  source.path ?? (source.body() as Buffer);

/** The pipeline with the encoder of `encoding`: a PNG below quality 100 is a palette PNG. */
function encoder(pipeline: Sharp, encoding: Encoding): Sharp {
  if (encoding.format === 'jpeg')
    return pipeline.jpeg({ quality: encoding.quality, mozjpeg: true });
  return encoding.quality < 100
    ? pipeline.png({ compressionLevel: 9, palette: true, quality: encoding.quality })
    : pipeline.png({ compressionLevel: 9 });
}

/** The `max-size` violation of an image that no encoding brought under the limit. */
function tooLarge(request: FitRequest, maxBytes: number, last: Encoded | undefined): Violation {
  const bytes = last?.bytes ?? request.prepared.source.size;
  return {
    rule: 'max-size',
    message: request.messages.fitTooLarge(maxBytes, bytes, last?.encoding),
    limit: maxBytes,
    actual: bytes,
  };
}

/** The `unreadable` violation of an image sharp could not fit. */
function unreadable(request: FitRequest, why: string): Violation {
  return {
    rule: 'unreadable',
    message: request.messages.unreadable(request.prepared.media.format, why),
  };
}

/**
 * sharp's complaint in a few words a user can read — never its text, which names the temp file.
 */
function describeSharpError(error: unknown, timeoutMs: number): string {
  const text = error instanceof Error ? error.message : String(error);
  if (/timeout/i.test(text)) return `the fit took longer than ${timeoutMs} ms`;
  if (/pixel limit/i.test(text)) return 'the image holds more pixels than it declares';
  return 'the image data could not be decoded';
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
