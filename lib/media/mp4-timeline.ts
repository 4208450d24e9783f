import type { TrackRun } from './mp4-fragments.js';
import type { Track } from './mp4-movie.js';

/** A duration as an exact fraction of a second. */
export interface Duration {
  units: bigint;
  timescale: number;
}

/** How far a track's fragments have taken it: the last tfdt seen, and the time run since then. */
export interface Timeline {
  base: bigint | undefined;
  sinceBase: bigint;
}

/**
 * `timelines` carried through one more movie fragment's runs, in file order. A tfdt gives the
 * absolute decode time of its fragment (ISO/IEC 14496-12 8.8.12), so it resets the count.
 */
export function extendTimelines(
  timelines: ReadonlyMap<number, Timeline>,
  runs: readonly TrackRun[],
): Map<number, Timeline> {
  const next = new Map(timelines);
  for (const run of runs) {
    const was = next.get(run.trackId) ?? { base: undefined, sinceBase: 0n };
    next.set(
      run.trackId,
      run.start === undefined
        ? { base: was.base, sinceBase: was.sinceBase + run.duration }
        : { base: run.start, sinceBase: run.duration },
    );
  }
  return next;
}

/**
 * The end of the longest track, in that track's own timescale. A track with fragments ends where
 * its last one does; before its first tfdt, it starts where its samples in moov end (mdhd).
 * Undefined when moov declares no track; a reason when a fragment names a track moov lacks.
 */
export function longestTrack(
  tracks: ReadonlyMap<number, Track>,
  timelines: ReadonlyMap<number, Timeline>,
): Duration | string | undefined {
  for (const id of timelines.keys()) {
    if (!tracks.has(id)) return `corrupt MP4: a fragment names track ${id}, which moov lacks`;
  }
  let longest: Duration | undefined;
  for (const [id, track] of tracks) {
    const timeline = timelines.get(id);
    const units = timeline
      ? (timeline.base ?? track.duration) + timeline.sinceBase
      : track.duration;
    const end = { units, timescale: track.timescale };
    if (!longest || isLonger(end, longest)) longest = end;
  }
  return longest;
}

/** a > b, exactly, across timescales. */
export const isLonger = (a: Duration, b: Duration): boolean =>
  a.units * BigInt(b.timescale) > b.units * BigInt(a.timescale);
