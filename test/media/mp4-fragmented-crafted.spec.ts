import { describe, expect, it } from 'vitest';
import {
  inspect,
  seconds,
  trak,
  mehd,
  trex,
  tfhd,
  tfdt,
  trun,
  traf,
  moof,
  fragmented,
} from '../helpers/mp4-boxes.js';
import { u32, box, fullBox, ftyp, mvhd } from '../helpers/media-bytes.mjs';
import { CountingReader } from '../../lib/media/byte-reader.js';
import { BufferReader } from '../../lib/media/byte-reader.js';
import { inspectMedia } from '../../lib/media/inspect-media.js';

describe('fragmented MP4, crafted box by box', () => {
  it('reads mehd version 0 and version 1 (64-bit), in the movie timescale', async () => {
    for (const [version, units] of [
      [0, 31_000n],
      [1, 2n ** 33n],
    ] as const) {
      const file = fragmented({
        traks: [trak(1, 90_000)],
        mvex: [mehd(version, units), trex(1, 3000)],
        fragments: [moof(traf(tfhd(1, 3000), trun(10)))],
      });
      expect(await inspect(file)).toEqual({ format: 'mp4', duration: { units, timescale: 1000 } });
    }
  });

  it('a rewound tfdt cannot make the file look short', async () => {
    // 29 fragments of 10 s, then one that claims to start at 0 and last 1 s: 291 s in all.
    const tenSeconds = (i: number) =>
      moof(traf(tfhd(1, 1000), tfdt(BigInt(i) * 10_000n), trun(10)));
    const file = fragmented({
      traks: [trak(1, 1000)],
      mvex: [trex(1, 1000)],
      fragments: [
        ...Array.from({ length: 29 }, (_, i) => tenSeconds(i)),
        moof(traf(tfhd(1, 1000), tfdt(0n), trun(1))),
      ],
    });
    expect(seconds(await inspect(file))).toBe(291);
  });

  it('a mehd longer than the fragments wins: the file says it goes on', async () => {
    const file = fragmented({
      traks: [trak(1, 1000)],
      mvex: [mehd(0, 31_000n), trex(1, 1000)],
      fragments: [moof(traf(tfhd(1, 1000), trun(5)))],
    });
    expect(seconds(await inspect(file))).toBe(31);
  });

  it('counts a trun without per-sample durations at the tfhd default', async () => {
    const file = fragmented({
      traks: [trak(1, 1000)],
      mvex: [trex(1, 7)], // not used: tfhd's default comes first
      fragments: [moof(traf(tfhd(1, 40), trun(375))), moof(traf(tfhd(1, 40), trun(375)))],
    });
    expect(await inspect(file)).toEqual({
      format: 'mp4',
      duration: { units: 30_000n, timescale: 1000 },
    });
  });

  it('counts a trun without per-sample durations at the trex default when tfhd has none', async () => {
    const file = fragmented({
      traks: [trak(1, 90_000)],
      mvex: [trex(1, 3000)],
      fragments: [moof(traf(tfhd(1), trun(465))), moof(traf(tfhd(1), trun(465)))],
    });
    expect(await inspect(file)).toEqual({
      format: 'mp4',
      duration: { units: 2_790_000n, timescale: 90_000 }, // 930 × 3000 = 31 s
    });
  });

  it('adds per-sample durations when the trun carries them', async () => {
    const file = fragmented({
      traks: [trak(1, 600)],
      mvex: [trex(1, 1)],
      fragments: [moof(traf(tfhd(1, 1), trun(0, [100, 200, 300])))],
    });
    expect(await inspect(file)).toMatchObject({ duration: { units: 600n, timescale: 600 } });
  });

  it('ends a track at its last tfdt plus that fragment, and continues moov samples without one', async () => {
    const withTfdt = fragmented({
      traks: [trak(1, 1000)],
      mvex: [trex(1, 0)],
      fragments: [
        moof(traf(tfhd(1, 100), tfdt(0n), trun(10))),
        moof(traf(tfhd(1, 100), tfdt(50_000n), trun(10))), // a gap: the decode time jumps
      ],
    });
    expect(await inspect(withTfdt)).toMatchObject({ duration: { units: 51_000n } });
    const afterMoov = fragmented({
      traks: [trak(1, 1000, 10_000)], // 10 s of samples in moov
      mvex: [trex(1, 0)],
      fragments: [moof(traf(tfhd(1, 100), trun(10)))],
      mvhdDuration: 10_000n,
    });
    expect(await inspect(afterMoov)).toMatchObject({ duration: { units: 11_000n } });
  });

  it('takes mvhd when it is longer than the tracks: a file cannot shorten itself', async () => {
    const file = fragmented({
      traks: [trak(1, 1000)], // mdhd says 0
      mvex: [trex(1, 0)],
      fragments: [moof(traf(tfhd(1, 100), trun(10)))], // 1 s
      mvhdDuration: 300_000n,
    });
    expect(await inspect(file)).toMatchObject({ duration: { units: 300_000n, timescale: 1000 } });
  });

  it('reports the longest track, in its own timescale', async () => {
    const file = fragmented({
      traks: [trak(1, 90_000), trak(2, 44_100)],
      mvex: [trex(1, 3000), trex(2, 1024)],
      fragments: [
        moof(traf(tfhd(1), trun(300)), traf(tfhd(2), trun(431))), // 10 s and 10.0085 s
        moof(traf(tfhd(1), trun(300)), traf(tfhd(2), trun(431))),
      ],
    });
    expect(await inspect(file)).toEqual({
      format: 'mp4',
      duration: { units: 862n * 1024n, timescale: 44_100 },
    });
  });

  it('takes a fragment with no samples but duration-is-empty as that much time', async () => {
    const empty = fullBox('tfhd', 0, 0x10008, u32(1), u32(5000));
    const file = fragmented({
      traks: [trak(1, 1000)],
      mvex: [trex(1, 0)],
      fragments: [moof(traf(tfhd(1, 1000), trun(5))), moof(traf(empty))],
    });
    expect(await inspect(file)).toMatchObject({ duration: { units: 10_000n, timescale: 1000 } });
  });

  it('takes a trun that claims billions of samples at their default, without a loop', async () => {
    const billions = fullBox('trun', 0, 0, u32(4_000_000_000));
    const file = fragmented({
      traks: [trak(1, 1000)],
      mvex: [trex(1, 0)],
      fragments: [moof(traf(tfhd(1, 40), billions))],
    });
    const reader = new CountingReader(new BufferReader(file));
    const started = performance.now();
    expect(await inspectMedia(reader)).toEqual({
      format: 'mp4',
      duration: { units: 160_000_000_000n, timescale: 1000 },
    });
    expect(performance.now() - started).toBeLessThan(500);
    expect(reader.bytesRead).toBeLessThan(2048);
  });

  it('refuses a trun that claims billions of per-sample entries its box cannot hold', async () => {
    const lying = fullBox('trun', 0, 0x100, u32(4_000_000_000), u32(40), u32(40));
    const file = fragmented({
      traks: [trak(1, 1000)],
      mvex: [trex(1, 0)],
      fragments: [moof(traf(tfhd(1, 40), lying))],
    });
    expect((await inspect(file)).unreadable).toBe(
      'corrupt MP4: a trun claims 4000000000 samples of 4 bytes in 8 bytes',
    );
  });

  it('reads a flood of tiny fragments within the read bound', async () => {
    const fragments = Array.from({ length: 3000 }, () => moof(traf(tfhd(1, 10), trun(1))));
    const file = fragmented({ traks: [trak(1, 1000)], mvex: [trex(1, 0)], fragments });
    const reader = new CountingReader(new BufferReader(file));
    expect(await inspectMedia(reader)).toMatchObject({ duration: { units: 30_000n } });
    expect(reader.reads).toBeLessThanOrEqual(10_000 + 1);
    expect(reader.bytesRead).toBeLessThanOrEqual(1024 * 1024 + 64);
  });

  it('stops a hostile flood of fragments at the read bound: the duration is unknown', async () => {
    const fragments = Array.from({ length: 20_000 }, () => moof(traf(tfhd(1, 10), trun(1))));
    const file = fragmented({ traks: [trak(1, 1000)], mvex: [trex(1, 0)], fragments });
    const reader = new CountingReader(new BufferReader(file));
    expect(await inspectMedia(reader)).toEqual({
      format: 'mp4',
      durationUnknown:
        "the MP4's boxes go past the read limit (10000 reads, 1024 KiB in all or 64 KiB in one read)",
    });
    expect(reader.reads).toBeLessThanOrEqual(10_000 + 1); // + the sniff
    expect(reader.bytesRead).toBeLessThanOrEqual(1024 * 1024 + 64);
  });

  it('does not read a moof over 64 KiB: the duration is unknown', async () => {
    const file = fragmented({
      traks: [trak(1, 1000)],
      mvex: [trex(1, 0)],
      fragments: [moof(traf(tfhd(1, 10), trun(20_000)))],
    });
    expect((await inspect(file)).durationUnknown).toMatch(/read limit/);
  });

  it('gives durationUnknown, never a silent 0, when neither mehd nor fragments say', async () => {
    const noFragments = fragmented({ traks: [trak(1, 1000)], mvex: [trex(1, 0)], fragments: [] });
    expect(await inspect(noFragments)).toEqual({
      format: 'mp4',
      durationUnknown: 'fragmented MP4 without mehd and no readable fragments',
    });
    const zeroes = fragmented({
      traks: [trak(1, 1000)],
      mvex: [trex(1, 0)],
      fragments: [moof(traf(tfhd(1), trun(30)))], // no default anywhere: 30 samples of 0
    });
    expect(await inspect(zeroes)).toEqual({
      format: 'mp4',
      durationUnknown: 'fragmented MP4 whose fragments and moov give no duration',
    });
    const zeroMehd = fragmented({ traks: [trak(1, 1000)], mvex: [mehd(0, 0n)], fragments: [] });
    expect((await inspect(zeroMehd)).durationUnknown).toBeDefined();
  });

  it('reports truncated and corrupt fragments as unreadable', async () => {
    const whole = fragmented({
      traks: [trak(1, 1000)],
      mvex: [trex(1, 0)],
      fragments: [moof(traf(tfhd(1, 10), trun(5))), moof(traf(tfhd(1, 10), trun(5)))],
    });
    expect((await inspect(whole.subarray(0, whole.length - 30))).unreadable).toMatch(
      /^truncated MP4/,
    );
    const strayTrack = fragmented({
      traks: [trak(1, 1000)],
      mvex: [trex(1, 0)],
      fragments: [moof(traf(tfhd(7, 10), trun(5)))],
    });
    expect((await inspect(strayTrack)).unreadable).toBe(
      'corrupt MP4: a fragment names track 7, which moov lacks',
    );
    const noTfhd = fragmented({
      traks: [trak(1, 1000)],
      mvex: [trex(1, 0)],
      fragments: [moof(traf(trun(5)))],
    });
    expect((await inspect(noTfhd)).unreadable).toBe('corrupt MP4: a traf has no tfhd box');
    const early = Buffer.concat([
      ftyp('iso5', 'iso6'),
      moof(traf(tfhd(1, 10), trun(5))),
      box('moov', mvhd(1000, 0n), trak(1, 1000), box('mvex', trex(1, 0))),
    ]);
    expect((await inspect(early)).unreadable).toBe('corrupt MP4: a moof comes before moov');
  });
});
