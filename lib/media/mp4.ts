import { fourcc, u32, u64 } from './bytes.js';
import type { ByteReader } from './byte-reader.js';
import type { MediaInfo } from './media-format.js';

/** Bounds the walk so that a hostile file of tiny boxes cannot keep us busy. */
const MAX_BOXES = 10_000;

interface BoxHeader {
  type: string;
  /** Offset of the box's payload. */
  start: number;
  /** Offset just past the box. */
  end: number;
}

/**
 * Reads an MP4's duration from `moov/mvhd`. Walks top-level box headers only, so that `mdat` is
 * skipped, never read, whether `moov` comes before it or after it.
 */
export async function inspectMp4(reader: ByteReader): Promise<MediaInfo> {
  let offset = 0;
  for (let boxes = 0; boxes < MAX_BOXES && offset < reader.size; boxes++) {
    const box = await readBoxHeader(reader, offset, reader.size);
    if (typeof box === 'string') return { format: 'mp4', unreadable: box };
    if (box.type === 'moov') return readMovie(reader, box);
    offset = box.end;
  }
  return { format: 'mp4', unreadable: 'truncated MP4: no moov box' };
}

async function readMovie(reader: ByteReader, moov: BoxHeader): Promise<MediaInfo> {
  let offset = moov.start;
  for (let boxes = 0; boxes < MAX_BOXES && offset < moov.end; boxes++) {
    const box = await readBoxHeader(reader, offset, moov.end);
    if (typeof box === 'string') return { format: 'mp4', unreadable: box };
    if (box.type === 'mvhd') return readMovieHeader(reader, box);
    offset = box.end;
  }
  return { format: 'mp4', unreadable: 'corrupt MP4: moov has no mvhd box' };
}

async function readMovieHeader(reader: ByteReader, mvhd: BoxHeader): Promise<MediaInfo> {
  const body = await reader.read(mvhd.start, Math.min(32, mvhd.end - mvhd.start));
  const version = body[0];
  // v0: version+flags(4) creation(4) modification(4) timescale(4) duration(4)
  // v1: version+flags(4) creation(8) modification(8) timescale(4) duration(8)
  const needed = version === 1 ? 32 : 20;
  if (version !== 0 && version !== 1) {
    return { format: 'mp4', unreadable: `corrupt MP4: mvhd version ${version ?? 'missing'}` };
  }
  if (body.length < needed) return { format: 'mp4', unreadable: 'truncated MP4: mvhd is cut off' };
  const timescale = u32(body, version === 1 ? 20 : 12);
  const units = version === 1 ? u64(body, 24) : BigInt(u32(body, 16));
  if (timescale === 0) return { format: 'mp4', unreadable: 'corrupt MP4: mvhd timescale is 0' };
  const unknown = version === 1 ? 0xffffffffffffffffn : 0xffffffffn;
  if (units === unknown)
    return { format: 'mp4', unreadable: 'MP4 duration is not recorded in mvhd' };
  return { format: 'mp4', duration: { units, timescale } };
}

/** A box header at `offset`, or why it cannot be read. Never reaches past `limit`. */
async function readBoxHeader(
  reader: ByteReader,
  offset: number,
  limit: number,
): Promise<BoxHeader | string> {
  const head = await reader.read(offset, 16);
  if (head.length < 8) return `truncated MP4: box header at byte ${offset} is cut off`;
  const type = fourcc(head, 4);
  let size = u32(head, 0);
  let headerSize = 8;
  if (size === 1) {
    if (head.length < 16) return `truncated MP4: ${type} box size is cut off`;
    const large = u64(head, 8);
    size = large > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(large);
    headerSize = 16;
  } else if (size === 0) {
    size = limit - offset; // the box runs to the end
  }
  if (size < headerSize)
    return `corrupt MP4: ${printable(type)} box at byte ${offset} has size ${size}`;
  if (offset + size > limit) return `truncated MP4: ${printable(type)} box runs past the end`;
  return { type, start: offset + headerSize, end: offset + size };
}

/** Box types from hostile files may hold control bytes: keep messages printable. */
const printable = (type: string): string => JSON.stringify(type.replace(/[^\x20-\x7e]/g, '?'));
