import { describe, expect, it } from 'vitest';
import { CountingReader } from '../../lib/media/byte-reader.js';
import { inspectMedia } from '../../lib/media/inspect-media.js';
import { fixture } from '../helpers/fixtures.js';
import { inspect, seconds, NoMdatReader } from '../helpers/mp4-boxes.js';

describe('fragmented MP4 made by ffmpeg (-movflags frag_keyframe…): duration from the fragments', () => {
  it.each([
    // file, units, timescale: exactly what the file encodes (16384 is ffmpeg's video timescale)
    ['clip-frag-5s.mp4', 81_920n, 16_384, 5], // iso5, tfhd default durations, tfdt
    ['clip-frag-30s.mp4', 491_520n, 16_384, 30], // variable frame rate: per-sample trun durations
    ['clip-frag-31s.mp4', 507_904n, 16_384, 31],
    ['clip-frag-300s.mp4', 4_915_200n, 16_384, 300], // +dash: sidx before the fragments
    ['clip-frag-moov-31s.mp4', 507_904n, 16_384, 31], // first 10 s in moov, mvhd says 10 s
    ['clip-frag-moov-5s.mp4', 5000n, 1000, 5], // every sample in moov, no moof: mvhd has it all
  ])('%s lasts %i/%i s', async (name, units, timescale, whole) => {
    const file = fixture(name);
    const reader = new CountingReader(new NoMdatReader(file));
    const info = await inspectMedia(reader);
    expect(info).toEqual({ format: 'mp4', duration: { units, timescale } });
    expect(seconds(info)).toBe(whole);
    expect(reader.bytesRead).toBeLessThan(file.length / 2);
  });

  it('reads the duration from mehd, and checks it against the fragments', async () => {
    // Re-fragmented with mp4box.js, which writes mehd (ffmpeg never does): see fixtures/README.md.
    const info = await inspect(fixture('clip-frag-mehd-31s.mp4'));
    expect(seconds(info)).toBe(31);
  });

  it('a mehd that claims less than the fragments hold does not shorten the file', async () => {
    const file = Buffer.from(fixture('clip-frag-mehd-31s.mp4'));
    const at = file.indexOf('mehd', 0, 'latin1');
    // mehd v0: box header, version/flags, then fragment_duration (mvhd timescale 1000): say 5 s.
    file.writeUInt32BE(5000, at + 8);
    expect(seconds(await inspect(file))).toBe(31);
  });

  it('reads the same duration from the fragments when mehd is taken away', async () => {
    const file = Buffer.from(fixture('clip-frag-mehd-31s.mp4'));
    const at = file.indexOf('mehd', 0, 'latin1');
    file.write('free', at, 'latin1'); // same size, now skipped
    expect(await inspect(file)).toEqual({
      format: 'mp4',
      duration: { units: 31n * 16_384n, timescale: 16_384 },
    });
  });
});
