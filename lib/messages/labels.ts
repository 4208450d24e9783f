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
/** True when a value was not given at all (a missing query parameter, say). */
export const isMissing = (value: unknown): value is null | undefined =>
  value === undefined || value === null;

/** A value as a user sent it: strings quoted, numbers (NaN too) as they read. */
export function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? String(value);
}

export function formatSeconds(s: number): string {
  // Up to the millisecond, so that 30.0001 s reads 30.001, never the limit; "31.0", "30.01".
  const ms = Math.ceil(Math.round(s * 1e6) / 1e3) / 1000;
  return Number.isInteger(ms) ? ms.toFixed(1) : String(ms);
}
