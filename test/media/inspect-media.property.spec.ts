import { assert, asyncProperty, constantFrom, integer, nat, tuple, uint8Array } from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BufferReader, type ByteReader } from '../../lib/media/byte-reader.js';
import { inspectMedia } from '../../lib/media/inspect-media.js';
import { type MediaInfo } from '../../lib/media/media-format.js';
import { fixture } from '../helpers/fixtures.js';
import { makeJpeg, makeMp4, makePng } from '../helpers/media-bytes.mjs';

/** Fails the property if an inspector asks for bytes outside the file or reads without bound. */
class StrictReader implements ByteReader {
  reads = 0;
  constructor(private readonly inner: BufferReader) {}
  get size(): number {
    return this.inner.size;
  }
  read(offset: number, length: number): Promise<Uint8Array> {
    this.reads += 1;
    if (!Number.isSafeInteger(offset) || offset < 0 || offset > this.size) {
      throw new Error(`read at offset ${offset} of a ${this.size}-byte file`);
    }
    if (!Number.isSafeInteger(length) || length < 0 || length > 64 * 1024) {
      throw new Error(`read of ${length} bytes`);
    }
    if (this.reads > 20_000) throw new Error('too many reads: the inspector does not terminate');
    return this.inner.read(offset, length);
  }
}

const seeds = [
  makePng(40, 30),
  makeJpeg({ width: 300, height: 200 }),
  makeJpeg({ width: 300, height: 200, progressive: true }),
  makeMp4({ duration: 3000n }),
  makeMp4({ duration: 3000n, moovAtEnd: true, version: 1 }),
  fixture('photo-baseline.jpg'),
  fixture('clip-moov-end.mp4'),
  fixture('clip-frag-31s.mp4'),
  fixture('clip-frag-mehd-31s.mp4'),
  fixture('photo.gif'),
];

/** A seed with some bytes overwritten, and maybe cut short. */
const mutated = tuple(
  constantFrom(...seeds),
  uint8Array({ minLength: 1, maxLength: 8 }),
  nat(),
  integer({ min: 0, max: 100 }),
).map(([seed, patch, at, cutPercent]) => {
  const bytes = Buffer.from(seed);
  const offset = at % bytes.length;
  Buffer.from(patch).copy(bytes, offset);
  return bytes.subarray(0, Math.max(0, Math.floor((bytes.length * (100 - cutPercent / 2)) / 100)));
});

async function inspectsCleanly(bytes: Uint8Array): Promise<void> {
  const info = await inspectMedia(new StrictReader(new BufferReader(bytes)));
  expect(typeof info.format).toBe('string');
  expect(info.width === undefined || info.width > 0).toBe(true);
}

describe('inspectMedia over hostile bytes', () => {
  it('never throws, never hangs, never reads outside the file: random bytes', async () => {
    await assert(asyncProperty(uint8Array({ maxLength: 512 }), inspectsCleanly), { numRuns: 1000 });
  });

  it('never throws, never hangs, never reads outside the file: mutated real files', async () => {
    await assert(asyncProperty(mutated, inspectsCleanly), { numRuns: 2000 });
  });

  it('refuses every prefix of a real file that cuts into its headers, never giving a size', async () => {
    for (const seed of truncationSeeds) {
      expect({ seed: seed.name, nonEmpty: seed.headersEnd > 20 }).toEqual({
        seed: seed.name,
        nonEmpty: true, // the loop below inspects prefixes
      });
      for (let n = 0; n < seed.headersEnd; n++) {
        if (seed.boundaries.has(n)) continue;
        const info = await inspectMedia(
          new StrictReader(new BufferReader(seed.bytes.subarray(0, n))),
        );
        expect({ seed: seed.name, n, ...facts(info) }).toEqual({
          seed: seed.name,
          n,
          refused: true,
          width: undefined,
          height: undefined,
          duration: undefined,
        });
      }
    }
  });
});

/** What a prefix's inspection must not claim: a size or a duration, unless it was refused. */
const facts = (info: MediaInfo) => ({
  refused:
    info.format === 'unknown' ||
    info.unreadable !== undefined ||
    info.durationUnknown !== undefined,
  width: info.width,
  height: info.height,
  duration: info.duration,
});

interface TruncationSeed {
  name: string;
  bytes: Buffer;
  /** Every shorter prefix cuts into something the inspector must see whole. */
  headersEnd: number;
  /** Prefix lengths that end exactly between fragments: whole, shorter files, not cut ones. */
  boundaries: ReadonlySet<number>;
}

/** Where the top-level boxes of an MP4 end, and where its moov ends. */
function topLevelBoxes(bytes: Buffer): { ends: number[]; moovEnd: number } {
  const ends: number[] = [];
  let moovEnd = -1;
  for (let at = 0; at + 8 <= bytes.length;) {
    const size = bytes.readUInt32BE(at);
    if (size < 8) throw new Error(`seed box at ${at} has size ${size}`);
    if (bytes.toString('latin1', at + 4, at + 8) === 'moov') moovEnd = at + size;
    at += size;
    ends.push(at);
  }
  return { ends, moovEnd };
}

/** Where a JPEG's SOF segment ends: until then a prefix is cut short of the frame's size. */
function startOfFrameEnd(bytes: Buffer): number {
  const at = [0xc0, 0xc2].map((m) => bytes.indexOf(Buffer.from([0xff, m]))).find((i) => i > 0);
  if (at === undefined) throw new Error('seed has no SOF');
  return at + 2 + bytes.readUInt16BE(at + 2);
}

const png = (name: string, bytes: Buffer): TruncationSeed => ({
  name,
  bytes,
  headersEnd: bytes.length, // a PNG must end with IEND: any cut is seen
  boundaries: new Set(),
});
const jpeg = (name: string, bytes: Buffer): TruncationSeed => ({
  name,
  bytes,
  headersEnd: startOfFrameEnd(bytes),
  boundaries: new Set(),
});
/** A file whose duration is in moov: any cut inside moov, or before it, is seen. */
const mp4 = (name: string, bytes: Buffer): TruncationSeed => ({
  name,
  bytes,
  headersEnd: topLevelBoxes(bytes).moovEnd,
  boundaries: new Set(),
});
/** A fragmented file without mehd: every fragment counts, so any cut inside a box is seen. */
const fragmentedMp4 = (name: string, bytes: Buffer): TruncationSeed => {
  const { ends, moovEnd } = topLevelBoxes(bytes);
  return {
    name,
    bytes,
    headersEnd: bytes.length,
    boundaries: new Set(ends.filter((end) => end >= moovEnd)),
  };
};

const truncationSeeds: TruncationSeed[] = [
  png('makePng', makePng(40, 30)),
  png('photo.png', fixture('photo.png')),
  jpeg('makeJpeg', makeJpeg({ width: 300, height: 200 })),
  jpeg('makeJpeg progressive', makeJpeg({ width: 300, height: 200, progressive: true })),
  jpeg('photo-baseline.jpg', fixture('photo-baseline.jpg')),
  jpeg('photo-progressive.jpg', fixture('photo-progressive.jpg')),
  mp4('makeMp4', makeMp4({ duration: 3000n })),
  mp4('makeMp4 moov at end', makeMp4({ duration: 3000n, moovAtEnd: true, version: 1 })),
  mp4('clip-moov-end.mp4', fixture('clip-moov-end.mp4')),
  mp4('clip-faststart.mp4', fixture('clip-faststart.mp4')),
  mp4('clip-frag-mehd-31s.mp4', fixture('clip-frag-mehd-31s.mp4')),
  fragmentedMp4('clip-frag-31s.mp4', fixture('clip-frag-31s.mp4')),
  fragmentedMp4('clip-frag-moov-31s.mp4', fixture('clip-frag-moov-31s.mp4')),
];
