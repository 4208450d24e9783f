import { crc32 } from 'node:zlib';
import { fourcc, startsWith, u32 } from './byte-reader.js';
import type { ByteReader } from './byte-reader.js';
import type { MediaInfo } from './media-format.js';

/** Signature (8 bytes), then IHDR: length (4), type (4), data (13), CRC (4). */
const HEAD_BYTES = 33;
/** The IEND chunk, the same in every PNG: length 0, type, CRC (PNG spec 11.2.5). */
const IEND = [0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];

/**
 * Reads a PNG's size from its IHDR, the chunk that must come first, after checking that IHDR is
 * whole and that the file ends with IEND: a PNG cut anywhere after its IHDR still has the size.
 */
export async function inspectPng(reader: ByteReader): Promise<MediaInfo> {
  const head = await reader.read(0, HEAD_BYTES);
  const problem = ihdrProblem(head);
  if (problem) return { format: 'png', unreadable: problem };
  const width = u32(head, 16);
  const height = u32(head, 20);
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) {
    return { format: 'png', unreadable: `corrupt PNG: IHDR gives ${width} × ${height} px` };
  }
  // The smallest whole file is the head and IEND; one small read at the end checks it.
  const tail =
    reader.size >= HEAD_BYTES + IEND.length
      ? await reader.read(reader.size - IEND.length, IEND.length)
      : new Uint8Array(0);
  if (!startsWith(tail, IEND)) {
    return { format: 'png', unreadable: 'truncated PNG: the file does not end with an IEND chunk' };
  }
  // The pixels: at least one IDAT, which comes before IEND (PNG spec 5.6). The chunks before it
  // (palette, profile, text) are few; their headers are read, never their data.
  const idat = await firstImageData(reader);
  if (idat !== true) return { format: 'png', unreadable: idat };
  return { format: 'png', width, height };
}

/** The most chunks before the first IDAT: a real PNG has a handful, a hostile one may not. */
const MAX_CHUNKS_BEFORE_IDAT = 1000;

/** True when an IDAT chunk follows IHDR, walking the chunk headers; else why not. */
async function firstImageData(reader: ByteReader): Promise<true | string> {
  let at = HEAD_BYTES;
  for (let chunks = 0; chunks < MAX_CHUNKS_BEFORE_IDAT; chunks++) {
    if (at + 8 > reader.size) return 'truncated PNG: no image data (IDAT) before the end';
    const header = await reader.read(at, 8);
    if (header.length < 8) return 'truncated PNG: no image data (IDAT) before the end';
    const type = fourcc(header, 4);
    if (type === 'IDAT') return true;
    if (type === 'IEND') return 'corrupt PNG: no image data (IDAT) before IEND';
    // Length, type, data, CRC.
    at += 12 + u32(header, 0);
  }
  return `corrupt PNG: no image data (IDAT) within the first ${MAX_CHUNKS_BEFORE_IDAT} chunks`;
}

/** Why the signature and IHDR at the start of `head` are not whole and sound, if they are not. */
function ihdrProblem(head: Uint8Array): string | undefined {
  if (head.length < 16) return 'truncated PNG: no IHDR';
  if (fourcc(head, 12) !== 'IHDR') return 'corrupt PNG: the first chunk is not IHDR';
  if (u32(head, 8) !== 13) return 'corrupt PNG: IHDR is not 13 bytes';
  if (head.length < HEAD_BYTES) return 'truncated PNG: the file ends inside IHDR';
  // The CRC covers the chunk's type and data (PNG spec 5.3).
  const expected = crc32(head.subarray(12, 29));
  const stored = u32(head, 29);
  if (stored !== expected) {
    return `truncated or damaged PNG: the IHDR CRC is 0x${hex(stored)}, its bytes give 0x${hex(expected)}`;
  }
  return undefined;
}

const hex = (n: number): string => n.toString(16).toUpperCase().padStart(8, '0');
