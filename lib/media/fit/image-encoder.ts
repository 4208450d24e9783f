import { rm, stat } from 'node:fs/promises';
import type { Sharp } from 'sharp';
import type { AttachmentSource } from '../../source/attachment-source.js';
import type { SharpModule } from './sharp-loader.js';

/** One way to encode the fitted image. */
export interface Encoding {
  format: 'jpeg' | 'png';
  /** JPEG quality; for PNG, 100 is lossless and less is a palette PNG of that quality. */
  quality: number;
}

/** An encoded file in the temp directory, and its size. */
export interface Encoded {
  path: string;
  bytes: number;
  encoding: Encoding;
}

/** What one encoding does to the image. */
export interface EncodeJob {
  source: AttachmentSource;
  /** The file to write. */
  path: string;
  target: { width: number; height: number };
  orientation: number;
  encoding: Encoding;
  maxInputPixels: number;
  /** When the whole fit must be over (ms since the epoch). */
  deadline: number;
}

/** What an image's header declares, read before any decoding. */
export interface ImageHeader {
  width: number | undefined;
  height: number | undefined;
  /** The EXIF orientation, 1 when none. */
  orientation: number;
  hasAlpha: boolean;
}

/** sharp stopped: the file is damaged. */
export class Undecodable extends Error {}

/** The fit took longer than `fit.timeoutMs`. */
export class FitTimedOut extends Error {}

/** What sharp reads: the file where it lies, or the bytes in memory. */
const inputOf = (source: AttachmentSource): string | Buffer =>
  source.path ?? (source.body() as Buffer);

/**
 * One encoding of the image to `job.path`: upright by its EXIF orientation, scaled down (never
 * up) into the target, its colour profile kept and the rest of its metadata dropped.
 * @throws Undecodable when sharp cannot decode it or the deadline passes.
 */
export async function encodeImage(
  sharp: SharpModule,
  job: EncodeJob,
  signal?: AbortSignal,
): Promise<Encoded> {
  signal?.throwIfAborted();
  const left = job.deadline - Date.now();
  if (left <= 0) throw new FitTimedOut();
  // sharp's own timeout counts whole seconds: a backstop that stops libvips' work.
  const seconds = Math.ceil(left / 1000);
  let pipeline = sharp(inputOf(job.source), {
    animated: false, // a GIF's or a WebP's first frame
    limitInputPixels: job.maxInputPixels,
  }).timeout({ seconds });
  // By the EXIF orientation, which is then dropped with the rest of the metadata. Only when
  // there is one to apply: turning makes libvips hold the whole decoded image.
  if (job.orientation > 1) pipeline = pipeline.rotate();
  pipeline = pipeline
    .resize({ ...job.target, fit: 'inside', withoutEnlargement: true })
    .keepIccProfile();
  const work = encoder(pipeline, job.encoding).toFile(job.path);
  try {
    // The deadline to the millisecond, and the caller's abort at once: libvips cannot be stopped
    // mid-image, but nobody waits for it (its file goes when it is done).
    await untilDeadline(work, left, signal);
    return { path: job.path, bytes: (await stat(job.path)).size, encoding: job.encoding };
  } catch (error) {
    void work.then(
      () => rm(job.path, { force: true }),
      () => rm(job.path, { force: true }),
    );
    await rm(job.path, { force: true });
    if (error instanceof FitTimedOut || signal?.aborted) throw error;
    if (/timeout/i.test(error instanceof Error ? error.message : '')) throw new FitTimedOut();
    throw new Undecodable(describeSharpError(error));
  }
}

/** `work`, or FitTimedOut after `ms`, or the signal's reason as soon as it aborts. */
async function untilDeadline<T>(work: Promise<T>, ms: number, signal?: AbortSignal): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new FitTimedOut()), ms);
        onAbort = () => reject(signal?.reason as Error);
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * The pipeline with the encoder of `encoding`: a PNG below quality 100 is a palette PNG. JPEG is
 * libjpeg-turbo's streaming baseline: no mozjpeg (its trellis and progressive scans cost a 12 MP
 * photo 2.3 s of a core instead of 0.13 s here) and no optimised Huffman tables (a second pass
 * that holds the whole image's coefficients, about 60 MiB). Photos come out 2–5 % larger than
 * with optimised tables and 10–30 % larger than with mozjpeg; the quality steps make them fit.
 */
function encoder(pipeline: Sharp, encoding: Encoding): Sharp {
  if (encoding.format === 'jpeg')
    return pipeline.jpeg({ quality: encoding.quality, optimiseCoding: false });
  return encoding.quality < 100
    ? pipeline.png({ compressionLevel: 9, palette: true, quality: encoding.quality })
    : pipeline.png({ compressionLevel: 9 });
}

/**
 * sharp's complaint in a few words a user can read — never its text, which names the temp file.
 */
export function describeSharpError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(text)) return 'the image holds more pixels than it declares';
  return 'the image data could not be decoded';
}

/** The image's header as sharp reads it, without decoding the pixels (nor limiting them). */
export async function readHeader(
  sharp: SharpModule,
  source: AttachmentSource,
): Promise<ImageHeader> {
  const header = await sharp(inputOf(source), {
    animated: false,
    limitInputPixels: false,
  }).metadata();
  return {
    width: header.width,
    height: header.height,
    orientation: header.orientation ?? 1,
    hasAlpha: header.hasAlpha === true,
  };
}
