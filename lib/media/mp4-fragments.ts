import { u24, u32, u64 } from './byte-reader.js';
import { childBoxes } from './mp4-box.js';

/** What one track fragment (traf) adds to its track's timeline. */
export interface TrackRun {
  trackId: number;
  /** tfdt's baseMediaDecodeTime: where the fragment starts, when the file says. */
  start: bigint | undefined;
  /** The sum of the fragment's sample durations, in the track's timescale. */
  duration: bigint;
}

// tfhd flags (ISO/IEC 14496-12 8.8.7.1)
const BASE_DATA_OFFSET = 0x1;
const SAMPLE_DESCRIPTION_INDEX = 0x2;
const DEFAULT_SAMPLE_DURATION = 0x8;
const DURATION_IS_EMPTY = 0x10000;
// trun flags (8.8.8.1)
const DATA_OFFSET = 0x1;
const FIRST_SAMPLE_FLAGS = 0x4;
const SAMPLE_DURATION = 0x100;
/** sample_duration, sample_size, sample_flags, sample_composition_time_offset: 4 bytes each. */
const SAMPLE_FIELDS = [0x100, 0x200, 0x400, 0x800];

/**
 * The runs of a movie fragment, from the payload of its `moof`. Pure and bounded by the payload's
 * length: a trun may claim any sample count, but its per-sample fields must fit in its box.
 */
export function parseMovieFragment(
  moof: Uint8Array,
  trexDurations: ReadonlyMap<number, number>,
): TrackRun[] | string {
  const boxes = childBoxes(moof);
  if (typeof boxes === 'string') return boxes;
  const runs: TrackRun[] = [];
  for (const box of boxes) {
    if (box.type !== 'traf') continue;
    const run = parseTrackFragment(moof.subarray(box.start, box.end), trexDurations);
    if (typeof run === 'string') return run;
    runs.push(run);
  }
  return runs;
}

/** One traf: its tfhd, then maybe a tfdt and any number of truns (8.8.6). */
function parseTrackFragment(
  traf: Uint8Array,
  trexDurations: ReadonlyMap<number, number>,
): TrackRun | string {
  const boxes = childBoxes(traf);
  if (typeof boxes === 'string') return boxes;
  const header = boxes.find((box) => box.type === 'tfhd');
  if (!header) return 'corrupt MP4: a traf has no tfhd box';
  const tfhd = parseTfhd(traf.subarray(header.start, header.end));
  if (typeof tfhd === 'string') return tfhd;
  // The sample duration when a trun gives none: tfhd's default, else the track's trex default.
  const fallback = tfhd.defaultDuration ?? trexDurations.get(tfhd.trackId) ?? 0;
  let start: bigint | undefined;
  let duration = 0n;
  let samples = 0n;
  for (const box of boxes) {
    const body = traf.subarray(box.start, box.end);
    if (box.type === 'tfdt') {
      const decodeTime = parseTfdt(body);
      if (typeof decodeTime === 'string') return decodeTime;
      start = decodeTime;
    } else if (box.type === 'trun') {
      const run = parseTrun(body, fallback);
      if (typeof run === 'string') return run;
      duration += run.duration;
      samples += run.samples;
    }
  }
  // A fragment with no samples may still stand for a stretch of time (duration-is-empty).
  if (samples === 0n && tfhd.durationIsEmpty) duration = BigInt(fallback);
  return { trackId: tfhd.trackId, start, duration };
}

interface Tfhd {
  trackId: number;
  defaultDuration: number | undefined;
  durationIsEmpty: boolean;
}

/** tfhd: version+flags, track_ID, then the optional fields its flags name, in order. */
function parseTfhd(body: Uint8Array): Tfhd | string {
  if (body.length < 8) return 'truncated MP4: tfhd is cut off';
  const flags = u24(body, 1);
  let at = 8;
  if (flags & BASE_DATA_OFFSET) at += 8;
  if (flags & SAMPLE_DESCRIPTION_INDEX) at += 4;
  const hasDefault = (flags & DEFAULT_SAMPLE_DURATION) !== 0;
  if (hasDefault && body.length < at + 4) return 'truncated MP4: tfhd is cut off';
  return {
    trackId: u32(body, 4),
    defaultDuration: hasDefault ? u32(body, at) : undefined,
    durationIsEmpty: (flags & DURATION_IS_EMPTY) !== 0,
  };
}

/** tfdt's baseMediaDecodeTime: 32 bits in v0, 64 in v1. */
function parseTfdt(body: Uint8Array): bigint | string {
  const wide = body[0] === 1;
  if (body.length < (wide ? 12 : 8)) return 'truncated MP4: tfdt is cut off';
  return wide ? u64(body, 4) : BigInt(u32(body, 4));
}

/**
 * A trun's sample count and the sum of its sample durations: each sample's own when the flags
 * carry them, else `fallback` for every sample, computed without a loop.
 */
function parseTrun(
  body: Uint8Array,
  fallback: number,
): { samples: bigint; duration: bigint } | string {
  if (body.length < 8) return 'truncated MP4: trun is cut off';
  const flags = u24(body, 1);
  const count = u32(body, 4);
  let at = 8;
  if (flags & DATA_OFFSET) at += 4;
  if (flags & FIRST_SAMPLE_FLAGS) at += 4;
  if (body.length < at) return 'truncated MP4: trun is cut off';
  const entryBytes = 4 * SAMPLE_FIELDS.filter((field) => flags & field).length;
  // Checked before any loop, so that a count of billions costs nothing.
  if (at + count * entryBytes > body.length) {
    return `corrupt MP4: a trun claims ${count} samples of ${entryBytes} bytes in ${body.length - at} bytes`;
  }
  if (!(flags & SAMPLE_DURATION)) {
    return { samples: BigInt(count), duration: BigInt(count) * BigInt(fallback) };
  }
  let duration = 0n;
  for (let i = 0; i < count; i++) duration += BigInt(u32(body, at + i * entryBytes));
  return { samples: BigInt(count), duration };
}
