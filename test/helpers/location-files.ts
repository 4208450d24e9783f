// What the location-cut specs check a cleaned file with: the file put together from its pieces,
// ExifTool's reading of it, and its JPEG segments or PNG chunks walked independently of lib/.
import { execFileSync } from 'node:child_process';
import { crc32 } from 'node:zlib';
import type { LocationCut } from '../../lib/media/location-cut.js';

/** The cleaned file: the cut's pieces, new bytes and ranges of the original, one after the other. */
export function assemble(original: Uint8Array, cut: LocationCut): Buffer {
  const parts = cut.pieces.map((piece) =>
    piece instanceof Uint8Array ? piece : original.subarray(piece.start, piece.end),
  );
  return Buffer.concat(parts);
}

/** `exiftool -j -G1 -a` of the bytes: every tag ExifTool finds, as "Group:Name" → value. */
export function exiftoolTags(bytes: Uint8Array): Record<string, unknown> {
  let json: string;
  try {
    json = execFileSync('exiftool', ['-j', '-G1', '-a', '-'], { input: bytes, encoding: 'utf8' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new Error("exiftool is missing: .ci/run installs Debian's libimage-exiftool-perl", {
      cause: error,
    });
  }
  const [tags] = JSON.parse(json) as Record<string, unknown>[];
  if (tags === undefined) throw new Error('exiftool printed no tags');
  return tags;
}

/** The names of ExifTool's tags that give a position or a serial number. */
export const locationTags = (tags: Record<string, unknown>): string[] =>
  Object.keys(tags).filter((name) => /:(GPS|.*Serial)/i.test(name));

export interface Segment {
  marker: number;
  start: number;
  end: number;
}

/**
 * A JPEG's segments from SOI to SOS, walked by their lengths; throws unless every segment's
 * length leads to the next marker and the walk reaches SOS.
 */
export function jpegSegments(bytes: Buffer): { segments: Segment[]; sos: number } {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) throw new Error('no SOI');
  const segments: Segment[] = [];
  for (let at = 2; at + 4 <= bytes.length;) {
    if (bytes[at] !== 0xff) throw new Error(`no marker at ${at}`);
    const marker = bytes[at + 1] ?? 0;
    if (marker === 0xda) return { segments, sos: at };
    const end = at + 2 + bytes.readUInt16BE(at + 2);
    if (end > bytes.length) throw new Error(`segment at ${at} runs past the end`);
    segments.push({ marker, start: at, end });
    at = end;
  }
  throw new Error('no SOS');
}

export interface Chunk {
  type: string;
  start: number;
  end: number;
  crcOk: boolean;
}

/** A PNG's chunks, signature to IEND; throws unless the lengths lead exactly to the end. */
export function pngChunks(bytes: Buffer): Chunk[] {
  const chunks: Chunk[] = [];
  for (let at = 8; at < bytes.length;) {
    const length = bytes.readUInt32BE(at);
    const end = at + 12 + length;
    if (end > bytes.length) throw new Error(`chunk at ${at} runs past the end`);
    const crcOk = crc32(bytes.subarray(at + 4, end - 4)) === bytes.readUInt32BE(end - 4);
    chunks.push({ type: bytes.toString('latin1', at + 4, at + 8), start: at, end, crcOk });
    at = end;
  }
  return chunks;
}

/** The bytes of every chunk of a type, one after the other. */
export const chunksOf = (bytes: Buffer, type: string): Buffer =>
  Buffer.concat(
    pngChunks(bytes)
      .filter((c) => c.type === type)
      .map((c) => bytes.subarray(c.start, c.end)),
  );

/** The bytes that are new in a cut (not ranges of the original). */
export const newBytes = (cut: LocationCut): number =>
  cut.pieces.reduce((n, piece) => n + (piece instanceof Uint8Array ? piece.length : 0), 0);
