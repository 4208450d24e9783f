import type { MediaFormat } from '../media/media-format.js';

/** The name a person knows each format by, in messages and in a violation's `actual`. */
export const FORMAT_LABELS: Readonly<Record<MediaFormat, string>> = {
  png: 'PNG',
  jpeg: 'JPEG',
  mp4: 'MP4',
  gif: 'GIF',
  webp: 'WebP',
  bmp: 'BMP',
  tiff: 'TIFF',
  heic: 'HEIC',
  avif: 'AVIF',
  quicktime: 'QuickTime (MOV)',
  '3gp': '3GP',
  unknown: 'an unrecognised format',
};

/** Seconds with one decimal when that is exact, else three: 30.0, 30.001. */
export function formatSeconds(s: number): string {
  return (Math.round(s * 1000) / 1000).toFixed(s * 10 === Math.round(s * 10) ? 1 : 3);
}
