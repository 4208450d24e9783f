import type { TrackRun } from './mp4-fragments.js';
import type { Track } from './mp4-movie.js';

/** A duration as an exact fraction of a second. */
export interface Duration {
  units: bigint;
  timescale: number;
}

/**
 * How far a track's fragments have taken it: the last tfdt seen and the time run since then, the
 * furthest end any tfdt gave, and the sum of every run. A hostile file may rewind a tfdt to look
 * short: the end it reports is the largest of the three.
 */
export interface Timeline {
  base: bigint | undefined;
  sinceBase: bigint;
  furthest: bigint;
  total: bigint;
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
    const was = next.get(run.trackId) ?? {
      base: undefined,
      sinceBase: 0n,
      furthest: 0n,
      total: 0n,
    };
    const total = was.total + run.duration;
    if (run.start === undefined) {
      next.set(run.trackId, { ...was, sinceBase: was.sinceBase + run.duration, total });
    } else {
      const end = run.start + run.duration;
      next.set(run.trackId, {
        base: run.start,
        sinceBase: run.duration,
        furthest: end > was.furthest ? end : was.furthest,
        total,
      });
    }
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
    const units = timeline ? trackEnd(timeline, track.duration) : track.duration;
    const end = { units, timescale: track.timescale };
    if (!longest || isLonger(end, longest)) longest = end;
  }
  return longest;
}

/** a > b, exactly, across timescales. */
export const isLonger = (a: Duration, b: Duration): boolean =>
  a.units * BigInt(b.timescale) > b.units * BigInt(a.timescale);

/** The largest end a track's fragments can claim: where the last run ends, the furthest tfdt end,
 * and moov's samples plus every run (a rewound tfdt cannot shorten the file). */
function trackEnd(timeline: Timeline, inMoov: bigint): bigint {
  const ends = [
    (timeline.base ?? inMoov) + timeline.sinceBase,
    timeline.furthest,
    inMoov + timeline.total,
  ];
  return ends.reduce((a, b) => (b > a ? b : a));
}
