import type { MediaFormat } from '../media-format.js';

/**
 * How images that break a rule are made to pass (option `fit`, or per call; a call's settings lay
 * over the module's, and may tighten its bounds but not loosen them): turned upright by
 * their EXIF orientation, scaled down to the moments edges, converted from WebP, GIF (its first
 * frame), AVIF, TIFF or HEIC (where the installed sharp decodes it) to JPEG (PNG when transparent),
 * and re-encoded until they fit the size limit; their metadata (EXIF, GPS) stripped, their colour
 * profile kept. Needs `sharp` (`npm i sharp`). A file that passes already is sent as it is.
 *
 * @publicApi
 */
export interface FitOptions {
  /** The JPEG qualities tried, highest first, until the file fits the size limit. @default [90, 80, 70, 60, 50] */
  jpegQualities?: readonly number[];
  /**
   * The largest image file fitted: a larger one keeps its `max-size` violation. With `fit` on, it
   * is also how much the controller receives, and how much of a stream is spooled, for an image.
   * @default 52428800 (50 MiB)
   */
  maxInputBytes?: number;
  /**
   * The most pixels an image may declare to be fitted: a small file that claims 50 000 × 50 000
   * px (a decode bomb) is refused before it is decoded, and no fit holds more than this many
   * pixels in memory (4 bytes each).
   * @default 50000000 (a 50 MP phone photo)
   */
  maxInputPixels?: number;
  /** The longest a fit may take; a longer one is stopped and refused. @default 20000 */
  timeoutMs?: number;
  /**
   * How many images are fitted at once in this process; the rest wait their turn. Only the
   * module's option counts (per call, it is ignored). Fits run on libuv's thread pool, which file
   * reads share, so the default leaves one of its threads free.
   * @default the number of CPU cores, at most UV_THREADPOOL_SIZE − 1 (3 by default)
   */
  concurrency?: number;
}

/**
 * An image as `fitted` reports it: its format, size in pixels and in bytes.
 *
 * @publicApi
 */
export interface FittedImage {
  /** The format read from the bytes. */
  format: MediaFormat;
  /** Width in pixels, as stored (before any EXIF rotation). */
  width: number;
  /** Height in pixels, as stored. */
  height: number;
  /** The file's size in bytes. */
  bytes: number;
}

/**
 * What fitting did to an image: the file as given, and the file sent to WeCom in its place.
 *
 * @publicApi
 */
export interface FittedAttachment {
  /** The image as given. */
  original: FittedImage;
  /** The image sent to WeCom in its place. */
  sent: FittedImage;
}
