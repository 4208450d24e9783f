import type { MediaFormat } from '../media-format.js';

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
