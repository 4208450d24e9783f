// ISO/IEC 14496-12 boxes for the fragmented-MP4 specs, built field by field, and a reader that
// fails any read inside mdat (the inspector reads box headers only).
import { BufferReader, type ByteReader } from '../../lib/media/byte-reader.js';
import { inspectMedia } from '../../lib/media/inspect-media.js';
import { type MediaInfo } from '../../lib/media/media-format.js';
import { box, ftyp, fullBox, mvhd, u32, u64 } from './media-bytes.mjs';

export const inspect = (bytes: Uint8Array): Promise<MediaInfo> =>
  inspectMedia(new BufferReader(bytes));
export const seconds = (info: MediaInfo): number | undefined =>
  info.duration ? Number(info.duration.units) / info.duration.timescale : undefined;

export const tkhd = (id: number) =>
  fullBox('tkhd', 0, 3, u32(0), u32(0), u32(id), Buffer.alloc(68));
export const mdhd = (timescale: number, duration = 0) =>
  fullBox('mdhd', 0, 0, u32(0), u32(0), u32(timescale), u32(duration), Buffer.alloc(4));
export const trak = (id: number, timescale: number, duration = 0) =>
  box('trak', tkhd(id), box('mdia', mdhd(timescale, duration)));
export const mehd = (version: 0 | 1, duration: bigint) =>
  fullBox('mehd', version, 0, version === 1 ? u64(duration) : u32(Number(duration)));
export const trex = (id: number, defaultDuration: number) =>
  fullBox('trex', 0, 0, u32(id), u32(1), u32(defaultDuration), u32(0), u32(0));

/** tfhd with default-base-is-moof, and a default sample duration when given. */
export const tfhd = (id: number, defaultDuration?: number) =>
  defaultDuration === undefined
    ? fullBox('tfhd', 0, 0x20000, u32(id))
    : fullBox('tfhd', 0, 0x20008, u32(id), u32(defaultDuration));
export const tfdt = (time: bigint) => fullBox('tfdt', 1, 0, u64(time));
/** A trun with sample sizes, and with per-sample durations when given. */
export const trun = (count: number, durations?: number[]) =>
  durations
    ? fullBox(
        'trun',
        0,
        0x300,
        u32(durations.length),
        ...durations.flatMap((d) => [u32(d), u32(9)]),
      )
    : fullBox('trun', 0, 0x200, u32(count), Buffer.alloc(4 * count, 9));
export const traf = (...children: Buffer[]) => box('traf', ...children);
let sequence = 0;
export const moof = (...trafs: Buffer[]) =>
  box('moof', fullBox('mfhd', 0, 0, u32(++sequence)), ...trafs);
export const mdat = (bytes = 16) => box('mdat', Buffer.alloc(bytes, 0x11));

/** A fragmented MP4: iso5 ftyp, moov (mvhd, traks, mvex), then each fragment and an mdat. */
export function fragmented(opts: {
  traks: Buffer[];
  mvex: Buffer[];
  fragments: Buffer[];
  mvhdDuration?: bigint;
}): Buffer {
  const moov = box(
    'moov',
    mvhd(1000, opts.mvhdDuration ?? 0n),
    ...opts.traks,
    box('mvex', ...opts.mvex),
  );
  return Buffer.concat([
    ftyp('iso5', 'iso6', 'mp41'),
    moov,
    ...opts.fragments.flatMap((f) => [f, mdat()]),
  ]);
}

/** Fails any read that starts inside an mdat payload: the inspector reads box headers only. */
export class NoMdatReader implements ByteReader {
  private readonly payloads: [number, number][] = [];
  constructor(private readonly bytes: Buffer) {
    for (let at = 0; at + 8 <= bytes.length;) {
      const size = bytes.readUInt32BE(at);
      if (bytes.toString('latin1', at + 4, at + 8) === 'mdat')
        this.payloads.push([at + 8, at + size]);
      if (size < 8) break;
      at += size;
    }
  }
  get size(): number {
    return this.bytes.length;
  }
  read(offset: number, length: number): Promise<Uint8Array> {
    if (this.payloads.some(([start, end]) => offset >= start && offset < end)) {
      throw new Error(`read inside mdat at byte ${offset}`);
    }
    return Promise.resolve(this.bytes.subarray(offset, offset + length));
  }
}
