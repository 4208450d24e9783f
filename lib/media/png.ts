import { fourcc, u32 } from './bytes.js';
import type { ByteReader } from './byte-reader.js';
import type { MediaInfo } from './media-format.js';

/** Reads a PNG's size from its IHDR, the chunk that must come first (bytes 8 to 33). */
export async function inspectPng(reader: ByteReader): Promise<MediaInfo> {
  const head = await reader.read(0, 33);
  if (head.length < 24 || fourcc(head, 12) !== 'IHDR') {
    return { format: 'png', unreadable: 'truncated PNG: no IHDR' };
  }
  if (u32(head, 8) !== 13)
    return { format: 'png', unreadable: 'corrupt PNG: IHDR is not 13 bytes' };
  const width = u32(head, 16);
  const height = u32(head, 20);
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) {
    return { format: 'png', unreadable: `corrupt PNG: IHDR gives ${width} × ${height} px` };
  }
  return { format: 'png', width, height };
}
