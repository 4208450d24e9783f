import { rm } from 'node:fs/promises';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Semaphore } from '../../client/call-limits.js';
import type { Messages } from '../../messages/index.js';
import type { ResolvedFit, ResolvedWecomMediaOptions } from '../../options/resolve-options.js';
import type { AttachmentRules } from '../../rules/attachment-rules.interface.js';
import { MediaType } from '../../media-type.enum.js';
import type { Violation } from '../../rules/violation.interface.js';
import type { AttachmentSource } from '../../source/attachment-source.js';
import { ownedFileSource } from '../../source/file-source.js';
import { TempDirectory } from '../../source/temp-directory.js';
import { WECOM_RESOLVED_OPTIONS } from '../../wecom-media.constants.js';
import { inspectMedia } from '../inspect-media.js';
import type { MediaInfo } from '../media-format.js';
import type { FittedAttachment, FittedImage } from './fit-options.interface.js';
import {
  declaredSize,
  defaultFit,
  explainRemaining,
  fitTarget,
  type DeclaredSize,
  planFit,
  renameFor,
  type FitFacts,
  type FitPlan,
  type JudgedImage,
} from './fit-plan.js';
import {
  describeSharpError,
  encodeImage,
  FitTimedOut,
  readHeader,
  Undecodable,
  type ImageHeader,
  type Encoded,
  type Encoding,
} from './image-encoder.js';
import { decodable, loadSharp, type SharpModule } from './sharp-loader.js';

/**
 * What fitting produced: an image to judge and send in the original's place (the caller judges
 * it by the same rules, and disposes it), or why none could be made.
 */
export type FitOutcome =
  | { source: AttachmentSource; media: MediaInfo; filename: string; fitted: FittedAttachment }
  | { violations: Violation[] };

/** What a fit is asked to do. */
export interface FitRequest {
  image: JudgedImage;
  attachmentType: unknown;
  rules: AttachmentRules;
  messages: Messages;
  settings: ResolvedFit;
  /** The most pixels of a moments image, when publishing caps it. */
  maxPixels?: number;
  signal?: AbortSignal;
}

/**
 * Makes an image that breaks a rule pass: upright by its EXIF orientation, scaled down (never up)
 * to the moments edges, converted to JPEG (PNG when it really uses transparency), re-encoded at
 * falling JPEG qualities until it fits the size limit, its metadata stripped and its colour
 * profile kept. The result goes to the module's temp directory, never into a growing Buffer.
 * Bounded: the pixels an image may declare, the time a fit may take, and how many fits run at
 * once in the process. sharp is loaded on first use (at start-up when the module's `fit` option
 * is on, so that a missing sharp fails the boot), and its process-wide settings are the app's,
 * never changed here.
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
   * What fitting would leave of `image`'s violations (what `check({ fit })` reports), as far
   * as the header tells: sharp's decoders, the declared size, a header sharp cannot read. Whether
   * re-encoding brings a file under the size limit only the fit itself can tell.
   */
  async plan(
    image: JudgedImage,
    mediaType: unknown,
    settings: ResolvedFit,
    messages: Messages,
  ): Promise<FitPlan> {
    const sharp = await this.load();
    const { format } = image.media;
    const facts: FitFacts = {
      mediaType,
      format,
      size: image.source.size,
      sizeExceeded: image.source.sizeExceeded,
    };
    const plan = planFit(image.violations, facts, settings, (f) => decodable(sharp, f));
    if (plan.fits) {
      // A decode bomb, or a header sharp cannot read, would be refused by the fit: say so now.
      const declared = await this.declaredSize(sharp, image, settings, messages);
      if ('violation' in declared) return { fits: false, remaining: [declared.violation] };
      return plan;
    }
    return explainRemaining(plan, facts, settings, decodable(sharp, format), messages);
  }

  /** Fits the image of `request`; the caller disposes the returned source. */
  async fit(request: FitRequest): Promise<FitOutcome> {
    const sharp = await this.load();
    return this.line.run(async () => {
      try {
        return await this.fitNow(sharp, request);
      } catch (error) {
        if (error instanceof FitTimedOut) return { violations: [timedOut(request)] };
        if (!(error instanceof Undecodable)) throw error;
        return { violations: [unreadable(request, error.message)] };
      }
    }, request.signal);
  }

  private async fitNow(sharp: SharpModule, request: FitRequest): Promise<FitOutcome> {
    const { image, settings } = request;
    const { source, media } = image;
    const declared = await this.declaredSize(sharp, image, settings, request.messages);
    if ('violation' in declared) return { violations: [declared.violation] };
    const { width, height, orientation, hasAlpha } = declared;
    const original: FittedImage = { format: media.format, width, height, bytes: source.size };
    // Phones store the pixels sideways and an EXIF orientation: 5 to 8 swap the edges.
    const upright = orientation >= 5 ? { w: height, h: width } : { w: width, h: height };
    const target = fitTarget(
      upright.w,
      upright.h,
      request.attachmentType,
      request.rules,
      request.maxPixels,
    );
    const maxBytes = request.rules.mediaTypes[MediaType.Image].maxBytes;
    const deadline = Date.now() + settings.timeoutMs;
    const encode = async (encoding: Encoding): Promise<Encoded> => {
      request.signal?.throwIfAborted();
      const path = await this.temp.newFilePath();
      const { maxInputPixels } = settings;
      return encodeImage(
        sharp,
        {
          source,
          path,
          target,
          orientation,
          encoding,
          maxInputPixels,
          deadline,
        },
        request.signal,
      );
    };

    let last: Encoded | undefined;
    // Set once a returned source owns the file (and removes it itself).
    let handedOver = false;
    const handOver = async (encoded: Encoded): Promise<FitOutcome> => {
      const outcome = await this.handOver(encoded, original, request);
      handedOver = true;
      return outcome;
    };
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
          if (png.bytes <= maxBytes) return await handOver(png);
          const palette = await keep(await encode({ format: 'png', quality: 80 }));
          if (palette.bytes <= maxBytes) return await handOver(palette);
          return { violations: [tooLarge(request, maxBytes, palette)] };
        }
        // Opaque: a PNG stays PNG when it fits; anything else becomes a JPEG.
        if (media.format === 'png' && png.bytes <= maxBytes) {
          return await handOver(png);
        }
      } else if (media.format === 'png') {
        const png = await keep(await encode({ format: 'png', quality: 100 }));
        if (png.bytes <= maxBytes) return await handOver(png);
      }
      for (const quality of settings.jpegQualities) {
        const jpeg = await keep(await encode({ format: 'jpeg', quality }));
        if (jpeg.bytes <= maxBytes) return await handOver(jpeg);
      }
      return { violations: [tooLarge(request, maxBytes, last)] };
    } finally {
      // Whatever was not handed over — a too-large attempt, or any attempt when aborted — goes.
      if (last && !handedOver) await rm(last.path, { force: true });
    }
  }

  /**
   * The size, orientation and alpha the image declares, read from its header alone (before any
   * decoding), and a violation when it is a decode bomb or a header sharp cannot read.
   */
  private async declaredSize(
    sharp: SharpModule,
    image: JudgedImage,
    settings: ResolvedFit,
    messages: Messages,
  ): Promise<DeclaredSize> {
    const { media, source } = image;
    let header: ImageHeader;
    try {
      header = await readHeader(sharp, source);
    } catch (error) {
      return {
        violation: {
          rule: 'unreadable',
          message: messages.unreadable(media.format, describeSharpError(error)),
        },
      };
    }
    return declaredSize(header, media, settings, messages);
  }

  /** Opens the fitted file as a source that now owns it. */
  private async handOver(
    encoded: Encoded,
    original: FittedImage,
    request: FitRequest,
  ): Promise<FitOutcome> {
    request.signal?.throwIfAborted();
    const filename = renameFor(
      request.image.filename,
      encoded.encoding.format,
      request.rules.maxFilenameBytes,
    );
    const source = await ownedFileSource(encoded.path, filename);
    const media = await inspectMedia(source.reader).catch(async (error: unknown) => {
      await source.dispose();
      throw error;
    });
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

/** The `max-size` violation of an image that no encoding brought under the limit. */
function tooLarge(request: FitRequest, maxBytes: number, last: Encoded | undefined): Violation {
  const bytes = last?.bytes ?? request.image.source.size;
  return {
    rule: 'max-size',
    message: request.messages.fitTooLarge(maxBytes, bytes, last?.encoding),
    limit: maxBytes,
    actual: bytes,
  };
}

/** The `fit-timeout` violation of a fit that took longer than allowed. */
function timedOut(request: FitRequest): Violation {
  const { timeoutMs } = request.settings;
  return { rule: 'fit-timeout', message: request.messages.fitTimeout(timeoutMs), limit: timeoutMs };
}

/** The `unreadable` violation of an image sharp could not fit. */
function unreadable(request: FitRequest, why: string): Violation {
  return {
    rule: 'unreadable',
    message: request.messages.unreadable(request.image.media.format, why),
  };
}
