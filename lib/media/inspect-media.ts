import type { ByteReader } from './byte-reader.js';
import { detectFormat, SNIFF_BYTES } from './detect-format.js';
import { inspectJpeg } from './jpeg.js';
import type { MediaInfo } from './media-format.js';
import { inspectMp4 } from './mp4.js';
import { inspectPng } from './png.js';

/**
 * Learns a file's format, and for PNG, JPEG and MP4 its size or duration, from its bytes alone.
 * Never throws for bad bytes: what cannot be read is reported in `unreadable`.
 */
export async function inspectMedia(reader: ByteReader): Promise<MediaInfo> {
  const head = await reader.read(0, SNIFF_BYTES);
  const format = detectFormat(head);
  switch (format) {
    case 'png':
      return inspectPng(reader);
    case 'jpeg':
      return inspectJpeg(reader);
    case 'mp4':
      return inspectMp4(reader);
    default:
      return { format };
  }
}
