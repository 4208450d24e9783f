import { AttachmentType } from '../enums/attachment-type.enum.js';
import type { MediaFormat } from '../media/media-format.js';

/** The name a person knows each format by, for messages. */
export const FORMAT_LABELS: Readonly<Record<MediaFormat, string>> = {
  png: 'PNG',
  jpeg: 'JPEG',
  mp4: 'MP4',
  gif: 'GIF',
  webp: 'WebP',
  bmp: 'BMP',
  heic: 'HEIC',
  avif: 'AVIF',
  quicktime: 'QuickTime (MOV)',
  '3gp': '3GP',
  unknown: 'an unrecognised format',
};

/** Plain words for an attachment type. */
export function describeAttachmentType(type: AttachmentType): string {
  return type === AttachmentType.Moment ? 'moments (朋友圈)' : 'product album (商品图册)';
}

/** "10 MiB (10485760 bytes)" for whole MiB, otherwise the byte count. */
export function formatBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return Number.isInteger(mib) && mib > 0 ? `${mib} MiB (${bytes} bytes)` : `${bytes} bytes`;
}

/** Seconds with one decimal when that is exact, else three: 30.0, 30.001. */
export function formatSeconds(s: number): string {
  return (Math.round(s * 1000) / 1000).toFixed(s * 10 === Math.round(s * 10) ? 1 : 3);
}

/** "a, b or c". */
export function listOr(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}
