/**
 * What the bytes of a file say it is. Only `png`, `jpeg` and `mp4` are accepted by default.
 *
 * @publicApi
 */
export type MediaFormat =
  | 'png'
  | 'jpeg'
  | 'mp4'
  | 'gif'
  | 'webp'
  | 'bmp'
  | 'tiff'
  | 'heic'
  | 'avif'
  | 'quicktime'
  | '3gp'
  | 'unknown';

/** The part Content-Type sent for each recognised format. */
export const MIME_TYPES: Readonly<Record<MediaFormat, string>> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  mp4: 'video/mp4',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
  tiff: 'image/tiff',
  heic: 'image/heic',
  avif: 'image/avif',
  quicktime: 'video/quicktime',
  '3gp': 'video/3gpp',
  unknown: 'application/octet-stream',
};

/** Every format the bytes can be recognised as (what a rule's `formats` may list). */
export const MEDIA_FORMATS = (Object.keys(MIME_TYPES) as MediaFormat[]).filter(
  (format): format is Exclude<MediaFormat, 'unknown'> => format !== 'unknown',
);

/** What inspection learnt from a file's bytes. */
export interface MediaInfo {
  format: MediaFormat;
  /** Pixel width, for PNG and JPEG. */
  width?: number;
  /** Pixel height, for PNG and JPEG. */
  height?: number;
  /** Duration of an MP4 as a fraction, so that 30.0 s and 30.001 s compare exactly. */
  duration?: { units: bigint; timescale: number };
  /**
   * Why the duration of an MP4 whose bytes are otherwise readable could not be established, set
   * instead of `duration`, never beside it: e.g. "fragmented MP4 without mehd and no readable
   * fragments", or an mvhd duration of 0 in a file without fragments. A duration is never guessed
   * (never a silent 0): the rules, not the inspector, decide what an unknown length means.
   */
  durationUnknown?: string;
  /** Why the bytes of a recognised format could not be read, e.g. "truncated PNG: no IHDR". */
  unreadable?: string;
}
