import { assert, asyncProperty, constantFrom, integer, nat, tuple, uint8Array } from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BufferReader, inspectMedia, type ByteReader } from '../../lib/media/index.js';
import { fixture } from '../helpers/fixtures.js';
import { makeJpeg, makeMp4, makePng } from '../helpers/media-bytes.js';

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

  it('never throws on every prefix of a real file', async () => {
    let inspected = 0;
    for (const seed of seeds) {
      for (let n = 0; n <= Math.min(seed.length, 400); n++) {
        await inspectsCleanly(seed.subarray(0, n));
        inspected += 1;
      }
    }
    expect(inspected).toBeGreaterThan(seeds.length * 100);
  });
});
