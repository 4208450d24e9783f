import type { ByteReader } from './byte-reader.js';
import type { MediaInfo } from './media-format.js';
import { readBoxHeader, walkChildren, type BoxHeader } from './mp4-box.js';
import { parseMovieFragment } from './mp4-fragments.js';
import { readMovie, readTracks, type Movie } from './mp4-movie.js';
import {
  extendTimelines,
  isLonger,
  longestTrack,
  type Duration,
  type Timeline,
} from './mp4-timeline.js';
import { BudgetReader, describeLimits, ReadLimitReached, type ReadLimits } from './byte-reader.js';

/**
 * The bound on one inspection, hostile file or not. Each box header visited costs a read, so a
 * flood of tiny boxes or fragments stops after 10,000 reads; each moof is read whole, which the
 * 64 KiB a read and the 1 MiB in all bound. A file past them has a duration we do not know.
 */
const LIMITS: ReadLimits = { reads: 10_000, bytes: 1024 * 1024, readBytes: 64 * 1024 };

/**
 * Reads an MP4's duration: from `moov/mvhd`, or for a fragmented MP4 from `moov/mvex/mehd`, else
 * from its fragments' sample durations. Walks box headers only, so `mdat` is skipped, never read.
 */
export async function inspectMp4(file: ByteReader): Promise<MediaInfo> {
  try {
    return await inspect(new BudgetReader(file, LIMITS));
  } catch (error) {
    if (!(error instanceof ReadLimitReached)) throw error;
    return unknown(`the MP4's boxes go past the read limit (${describeLimits(LIMITS)})`);
  }
}

async function inspect(reader: ByteReader): Promise<MediaInfo> {
  const moov = await findMovie(reader);
  if (typeof moov === 'string') return unreadable(moov);
  const movie = await readMovie(reader, moov);
  if (typeof movie === 'string') return unreadable(movie);
  if (!movie.fragmented) {
    // mvhd, each track's mdhd and its samples each say how long the movie is; a file that lies
    // about itself (mvhd 10 s, tracks 300 s) is as long as the longest of them.
    const tracks = await readTracks(reader, movie.traks);
    if (typeof tracks === 'string') return unreadable(tracks);
    const mvhd =
      movie.duration === undefined
        ? undefined
        : { units: movie.duration, timescale: movie.timescale };
    const longestOfTracks = longestTrack(tracks, new Map());
    const duration = longer(
      typeof longestOfTracks === 'string' ? undefined : longestOfTracks,
      mvhd,
    );
    return duration === undefined || duration.units === 0n
      ? unknown('MP4 without fragments whose mvhd and tracks give no duration')
      : known(duration);
  }
  // mehd gives the whole length in mvhd's timescale (8.8.2), but a file may lie about itself: the
  // fragments are walked too, and the longest account wins.
  return fragmentedDuration(reader, movie, moov.end);
}

/** Walks the top-level box headers to `moov`, whether it comes before `mdat` or after it. */
async function findMovie(reader: ByteReader): Promise<BoxHeader | string> {
  for (let offset = 0; offset < reader.size;) {
    const box = await readBoxHeader(reader, offset, reader.size);
    if (typeof box === 'string') return box;
    if (box.type === 'moov') return box;
    // Fragments extend the movie that moov declares (ISO/IEC 14496-12 8.8), so it comes first.
    if (box.type === 'moof') return 'corrupt MP4: a moof comes before moov';
    offset = box.end;
  }
  return 'truncated MP4: no moov box';
}

/**
 * The duration of a fragmented MP4: each track's samples in moov (mdhd), carried on through every
 * moof after it, in the track's own timescale; the longest track is the file's, unless mvhd or
 * mehd claims more.
 */
async function fragmentedDuration(
  reader: ByteReader,
  movie: Movie,
  from: number,
): Promise<MediaInfo> {
  let timelines: ReadonlyMap<number, Timeline> = new Map();
  let fragments = 0;
  const problem = await walkChildren(reader, { start: from, end: reader.size }, async (box) => {
    if (box.type !== 'moof') return undefined;
    const moof = await reader.read(box.start, box.end - box.start);
    const runs = parseMovieFragment(moof, movie.defaultDurations);
    if (typeof runs === 'string') return runs;
    timelines = extendTimelines(timelines, runs);
    fragments += 1;
    return undefined;
  });
  if (problem) return unreadable(problem);
  const mvhd =
    movie.duration === undefined
      ? undefined
      : { units: movie.duration, timescale: movie.timescale };
  const mehd =
    movie.fragmentDuration === undefined
      ? undefined
      : { units: movie.fragmentDuration, timescale: movie.timescale };
  if (fragments === 0) {
    // ffmpeg without empty_moov puts a short clip's every sample in moov: mvhd then has it all.
    const said = longer(mehd, mvhd);
    return said ? known(said) : unknown('fragmented MP4 without mehd and no readable fragments');
  }
  const tracks = await readTracks(reader, movie.traks);
  if (typeof tracks === 'string') return unreadable(tracks);
  const longest = longestTrack(tracks, timelines);
  if (typeof longest === 'string') return unreadable(longest);
  // mvhd spans moov's samples and mehd the whole movie: a file that disagrees with itself gets
  // the longest of its accounts.
  const duration = longer(longer(longest, mvhd), mehd);
  if (!duration || duration.units === 0n) {
    return unknown('fragmented MP4 whose fragments and moov give no duration');
  }
  return known(duration);
}

/** The longer of two durations, either of which may be missing. */
const longer = (a: Duration | undefined, b: Duration | undefined): Duration | undefined =>
  a && b ? (isLonger(b, a) ? b : a) : (a ?? b);
const known = (duration: Duration): MediaInfo => ({ format: 'mp4', duration });
const unknown = (why: string): MediaInfo => ({ format: 'mp4', durationUnknown: why });
const unreadable = (why: string): MediaInfo => ({ format: 'mp4', unreadable: why });
