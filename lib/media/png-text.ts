import { crc32, inflateSync } from 'node:zlib';

/** What a PNG text chunk (tEXt, zTXt, iTXt) is to a location cut, by its keyword. */
type TextRole = 'xmp' | 'exif-profile' | 'xmp-profile' | 'other';

/** The most an XMP text chunk may inflate to: a phone's XMP is a few KiB. */
const MAX_XMP = 1024 * 1024;
const XMP_KEYWORD = 'xml:com.adobe.xmp';
/** ImageMagick's hex-encoded profiles that hold EXIF (or a Photoshop block that may). */
const EXIF_PROFILES = new Set(['exif', 'app1', '8bim', 'iptc']);

/** The role of a text chunk whose data starts with `head` (its first 80 bytes suffice). */
export function textRole(head: Uint8Array): TextRole {
  const nul = head.indexOf(0);
  if (nul < 1) return 'other';
  const keyword = Buffer.from(head.subarray(0, nul)).toString('latin1').trim().toLowerCase();
  if (keyword === XMP_KEYWORD) return 'xmp';
  if (!keyword.startsWith('raw profile type ')) return 'other';
  const profile = keyword.slice('raw profile type '.length);
  if (profile === 'xmp') return 'xmp-profile';
  return EXIF_PROFILES.has(profile) ? 'exif-profile' : 'other';
}

/**
 * The XMP text of a tEXt, zTXt or iTXt chunk's data (PNG spec 11.3.4). Uncompressed text is a
 * view into `data`, to be edited in place; compressed text is inflated (within
 * {@link MAX_XMP}) into new bytes. Undefined when the chunk cannot be read.
 */
export function xmpText(
  type: string,
  data: Uint8Array,
): { text: Uint8Array; compressed: boolean } | undefined {
  const keywordEnd = data.indexOf(0);
  if (keywordEnd < 0) return undefined;
  if (type === 'tEXt') return { text: data.subarray(keywordEnd + 1), compressed: false };
  if (type === 'zTXt') return inflated(data.subarray(keywordEnd + 2), data[keywordEnd + 1]);
  // iTXt: keyword, NUL, compression flag, method, language tag, NUL, translated keyword, NUL, text.
  const flag = data[keywordEnd + 1];
  const language = data.indexOf(0, keywordEnd + 3);
  const translated = language < 0 ? -1 : data.indexOf(0, language + 1);
  if (translated < 0) return undefined;
  const text = data.subarray(translated + 1);
  if (flag === 0) return { text, compressed: false };
  return flag === 1 ? inflated(text, data[keywordEnd + 2]) : undefined;
}

function inflated(
  compressed: Uint8Array,
  method: number | undefined,
): { text: Uint8Array; compressed: boolean } | undefined {
  if (method !== 0) return undefined; // 0, zlib, is the only method PNG defines
  try {
    return { text: inflateSync(compressed, { maxOutputLength: MAX_XMP }), compressed: true };
  } catch {
    return undefined; // corrupt, or larger than an XMP packet has any need to be
  }
}

/** An uncompressed iTXt chunk holding `xmp`, where XMP's specification puts it in a PNG. */
export function xmpChunk(xmp: Uint8Array): Uint8Array {
  const head = Buffer.from('XML:com.adobe.xmp\0\0\0\0\0', 'latin1');
  return pngChunk('iTXt', Buffer.concat([head, xmp]));
}

/** A whole chunk: length, type, data and the CRC of type and data (PNG spec 5.3). */
export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write(type, 4, 'latin1');
  chunk.set(data, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  return chunk;
}
