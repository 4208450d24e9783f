import { fourcc, u32, u64 } from './byte-reader.js';
import type { ByteReader } from './byte-reader.js';

/** Where a box lies (ISO/IEC 14496-12 4.2): its type, its payload's offset and its end. */
export interface BoxHeader {
  type: string;
  /** Offset of the box's payload. */
  start: number;
  /** Offset just past the box. */
  end: number;
}

/** The most a box header takes: size, type and a 64-bit `largesize`. */
const BOX_HEADER_BYTES = 16;

/**
 * The box whose header starts `head`, lying at `offset`, or why it cannot be read. `head` holds at
 * most {@link BOX_HEADER_BYTES} from `offset`; the box may not reach past `limit`, its parent's end.
 */
function parseBoxHeader(head: Uint8Array, offset: number, limit: number): BoxHeader | string {
  if (head.length < 8) return `truncated MP4: box header at byte ${offset} is cut off`;
  const type = fourcc(head, 4);
  let size = u32(head, 0);
  let headerSize = 8;
  if (size === 1) {
    if (head.length < 16) return `truncated MP4: ${printable(type)} box size is cut off`;
    const large = u64(head, 8);
    size = large > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(large);
    headerSize = 16;
  } else if (size === 0) {
    size = limit - offset; // the box runs to the end
  }
  if (size < headerSize) {
    return `corrupt MP4: ${printable(type)} box at byte ${offset} has size ${size}`;
  }
  if (offset + size > limit) return `truncated MP4: ${printable(type)} box runs past the end`;
  return { type, start: offset + headerSize, end: offset + size };
}

/** Reads the box header at `offset` of a file; see {@link parseBoxHeader}. */
export async function readBoxHeader(
  reader: ByteReader,
  offset: number,
  limit: number,
): Promise<BoxHeader | string> {
  return parseBoxHeader(await reader.read(offset, BOX_HEADER_BYTES), offset, limit);
}

/**
 * Visits each child box of `parent` in turn, header by header. The walk stops at the first header
 * that cannot be read, or the first visit that returns a reason, and returns that reason.
 */
export async function walkChildren(
  reader: ByteReader,
  parent: { start: number; end: number },
  visit: (box: BoxHeader) => Promise<string | undefined>,
): Promise<string | undefined> {
  for (let offset = parent.start; offset < parent.end;) {
    const box = await readBoxHeader(reader, offset, parent.end);
    if (typeof box === 'string') return box;
    const problem = await visit(box);
    if (problem) return problem;
    offset = box.end;
  }
  return undefined;
}

/** The child boxes of an in-memory payload, or why one cannot be read. */
export function childBoxes(payload: Uint8Array): BoxHeader[] | string {
  const boxes: BoxHeader[] = [];
  for (let offset = 0; offset < payload.length;) {
    const box = parseBoxHeader(
      payload.subarray(offset, offset + BOX_HEADER_BYTES),
      offset,
      payload.length,
    );
    if (typeof box === 'string') return box;
    boxes.push(box);
    offset = box.end;
  }
  return boxes;
}

/** Box types from hostile files may hold control bytes: keep messages printable. */
const printable = (type: string): string => JSON.stringify(type.replace(/[^\x20-\x7e]/g, '?'));
