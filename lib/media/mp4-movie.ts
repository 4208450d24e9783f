import { u32, u64 } from './byte-reader.js';
import type { ByteReader } from './byte-reader.js';
import { walkChildren, type BoxHeader } from './mp4-box.js';

/** What `moov` says about time (ISO/IEC 14496-12 8.2.2 mvhd, 8.8.1 mvex, 8.8.2 mehd, 8.8.3 trex). */
export interface Movie {
  /** mvhd's timescale: units a second. */
  timescale: number;
  /** mvhd's duration; undefined when it says none (0, or all ones for "unknown"). */
  duration: bigint | undefined;
  /** moov holds mvex: the movie may go on in fragments. */
  fragmented: boolean;
  /** mehd's fragment_duration, in mvhd's timescale, when mvex holds a usable one. */
  fragmentDuration: bigint | undefined;
  /** Each track's trex default_sample_duration, by track_ID. */
  defaultDurations: ReadonlyMap<number, number>;
  /** The trak boxes, opened only when fragments need their tracks' timescales. */
  traks: readonly BoxHeader[];
}

/** One track's clock (8.3.2 tkhd, 8.4.2 mdhd): its timescale and the duration of its moov samples. */
export interface Track {
  timescale: number;
  duration: bigint;
}

/** Reads mvhd and mvex from `moov`, header by header, or says why it cannot. */
export async function readMovie(reader: ByteReader, moov: BoxHeader): Promise<Movie | string> {
  let header: MediaHeader | string | undefined;
  let mvex: BoxHeader | undefined;
  const traks: BoxHeader[] = [];
  const problem = await walkChildren(reader, moov, async (box) => {
    if (box.type === 'mvhd') header = parseMediaHeader('mvhd', await payload(reader, box, 32));
    else if (box.type === 'trak') traks.push(box);
    else if (box.type === 'mvex') mvex = box;
    return typeof header === 'string' ? header : undefined;
  });
  if (problem) return problem;
  if (header === undefined) return 'corrupt MP4: moov has no mvhd box';
  if (typeof header === 'string') return header;
  const movie: Movie = {
    timescale: header.timescale,
    duration: header.duration,
    fragmented: mvex !== undefined,
    fragmentDuration: undefined,
    defaultDurations: new Map(),
    traks,
  };
  return mvex ? readMovieExtends(reader, mvex, movie) : movie;
}

/** Adds mehd's duration and trex's defaults to `movie`. */
async function readMovieExtends(
  reader: ByteReader,
  mvex: BoxHeader,
  movie: Movie,
): Promise<Movie | string> {
  let fragmentDuration: bigint | undefined;
  const defaults = new Map<number, number>();
  const problem = await walkChildren(reader, mvex, async (box) => {
    if (box.type === 'mehd') {
      const body = await payload(reader, box, 12);
      // v0: version+flags, fragment_duration (32 bits); v1: the same with 64 bits.
      const wide = body[0] === 1;
      if (body.length < (wide ? 12 : 8)) return 'truncated MP4: mehd is cut off';
      fragmentDuration = known(wide ? u64(body, 4) : BigInt(u32(body, 4)), wide);
    } else if (box.type === 'trex') {
      const body = await payload(reader, box, 16);
      // version+flags, track_ID, default_sample_description_index, default_sample_duration
      if (body.length < 16) return 'truncated MP4: trex is cut off';
      defaults.set(u32(body, 4), u32(body, 12));
    }
    return undefined;
  });
  if (problem) return problem;
  return { ...movie, fragmentDuration, defaultDurations: defaults };
}

/** Each track's clock by track_ID, from tkhd and mdia/mdhd. */
export async function readTracks(
  reader: ByteReader,
  traks: readonly BoxHeader[],
): Promise<Map<number, Track> | string> {
  const tracks = new Map<number, Track>();
  for (const trak of traks) {
    let id: number | undefined;
    let header: MediaHeader | string | undefined;
    let sampled = 0n;
    const problem = await walkChildren(reader, trak, async (box) => {
      if (box.type === 'tkhd') {
        const body = await payload(reader, box, 24);
        // v0: version+flags, creation (32), modification (32), track_ID; v1: 64-bit times.
        const at = body[0] === 1 ? 20 : 12;
        if (body.length < at + 4) return 'truncated MP4: tkhd is cut off';
        id = u32(body, at);
      } else if (box.type === 'mdia') {
        return walkChildren(reader, box, async (child) => {
          if (child.type === 'mdhd') {
            header = parseMediaHeader('mdhd', await payload(reader, child, 32));
            return typeof header === 'string' ? header : undefined;
          }
          if (child.type !== 'minf') return undefined;
          const samples = await sampleTableDuration(reader, child);
          if (typeof samples === 'string') return samples;
          sampled = samples;
          return undefined;
        });
      }
      return undefined;
    });
    if (problem) return problem;
    if (id === undefined) return 'corrupt MP4: a trak has no tkhd box';
    if (header === undefined) return `corrupt MP4: track ${id} has no mdhd box`;
    if (typeof header === 'string') return header;
    // mdhd says how long the track is, its samples (stts) how long it plays: a file that lies
    // in its headers is as long as the longest account.
    const declared = header.duration ?? 0n;
    tracks.set(id, {
      timescale: header.timescale,
      duration: sampled > declared ? sampled : declared,
    });
  }
  return tracks;
}

/**
 * The duration of a track's samples in moov, in its timescale: the sum over stts's entries
 * (8.6.1.2: sample_count × sample_delta), read from minf/stbl/stts in pieces of the reader's size.
 */
async function sampleTableDuration(reader: ByteReader, minf: BoxHeader): Promise<bigint | string> {
  let total = 0n;
  const problem = await walkChildren(reader, minf, async (stbl) =>
    stbl.type !== 'stbl'
      ? undefined
      : walkChildren(reader, stbl, async (stts) => {
          if (stts.type !== 'stts') return undefined;
          const head = await payload(reader, stts, 8);
          if (head.length < 8) return 'truncated MP4: stts is cut off';
          const count = u32(head, 4);
          if (stts.start + 8 + count * 8 > stts.end) {
            return `corrupt MP4: stts claims ${count} entries in ${stts.end - stts.start - 8} bytes`;
          }
          for (let done = 0; done < count;) {
            const take = Math.min(count - done, STTS_ENTRIES_PER_READ);
            const body = await reader.read(stts.start + 8 + done * 8, take * 8);
            for (let i = 0; i < take; i++)
              total += BigInt(u32(body, i * 8)) * BigInt(u32(body, i * 8 + 4));
            done += take;
          }
          return undefined;
        }),
  );
  return problem ?? total;
}

/** stts entries read at once: 64 KiB, the MP4 inspector's largest read. */
const STTS_ENTRIES_PER_READ = 8192;

interface MediaHeader {
  timescale: number;
  duration: bigint | undefined;
}

/**
 * mvhd and mdhd begin alike. v0: version+flags (4), creation (4), modification (4), timescale (4),
 * duration (4); v1: the times and the duration take 8 bytes each.
 */
function parseMediaHeader(name: 'mvhd' | 'mdhd', body: Uint8Array): MediaHeader | string {
  const version = body[0];
  if (version !== 0 && version !== 1) {
    return `corrupt MP4: ${name} version ${version ?? 'missing'}`;
  }
  const wide = version === 1;
  if (body.length < (wide ? 32 : 20)) return `truncated MP4: ${name} is cut off`;
  const timescale = u32(body, wide ? 20 : 12);
  if (timescale === 0) return `corrupt MP4: ${name} timescale is 0`;
  const duration = wide ? u64(body, 24) : BigInt(u32(body, 16));
  return { timescale, duration: known(duration, wide) };
}

/**
 * A duration, or undefined when none is given: all ones means "unknown" (8.2.2.3), and 0 is what a
 * fragmented file's moov, which holds no samples, says.
 */
function known(duration: bigint, wide: boolean): bigint | undefined {
  const allOnes = wide ? 0xffffffffffffffffn : 0xffffffffn;
  return duration === 0n || duration === allOnes ? undefined : duration;
}

/** The first `max` bytes of a box's payload (fewer if the box is smaller). */
function payload(reader: ByteReader, box: BoxHeader, max: number): Promise<Uint8Array> {
  return reader.read(box.start, Math.min(max, box.end - box.start));
}
