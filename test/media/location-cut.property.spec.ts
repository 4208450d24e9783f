import { assert, asyncProperty, constantFrom, integer, nat, tuple, uint8Array } from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BufferReader, type ByteReader } from '../../lib/media/byte-reader.js';
import { planLocationCut } from '../../lib/media/inspect-media.js';
import { fixture } from '../helpers/fixtures.js';
import { assemble } from '../helpers/location-files.js';

/** Fails the property if the walk asks for bytes outside the file or reads without bound. */
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
    if (!Number.isSafeInteger(length) || length < 0 || length > 1024 * 1024 + 12) {
      throw new Error(`read of ${length} bytes`);
    }
    if (this.reads > 100) throw new Error('too many reads for a 9 KiB file');
    return this.inner.read(offset, length);
  }
}

/** The fixtures' position as ExifTool wrote it: rationals in both byte orders, and XMP text. */
function rationals(little: boolean, pairs: number[]): Buffer {
  const bytes = Buffer.alloc(4 * pairs.length);
  pairs.forEach((n, i) => (little ? bytes.writeUInt32LE(n, 4 * i) : bytes.writeUInt32BE(n, 4 * i)));
  return bytes;
}
const LATITUDE = [31, 1, 13, 1, 206_267, 4167];
const LONGITUDE = [121, 1, 28, 1, 43_228, 1707];
const POSITIONS = [
  ...[true, false].flatMap((little) => [rationals(little, LATITUDE), rationals(little, LONGITUDE)]),
  Buffer.from('31,13.825002N'),
  Buffer.from('121,28.422066E'),
];

const seeds = [
  ['phone-mm.jpg', 'jpeg'],
  ['phone-ii.jpg', 'jpeg'],
  ['xmp-gps-only.jpg', 'jpeg'],
  ['phone.png', 'png'],
] as const;

/** A seed with 1 to 8 bytes overwritten somewhere, and maybe cut short. */
const mutated = tuple(
  constantFrom(...seeds),
  uint8Array({ minLength: 1, maxLength: 8 }),
  nat(),
  integer({ min: 0, max: 100 }),
).map(([[name, format], patch, at, cutPercent]) => {
  const bytes = Buffer.from(fixture(`location/${name}`));
  Buffer.from(patch).copy(bytes, at % bytes.length);
  const keep =
    cutPercent < 80 ? bytes.length : Math.floor((bytes.length * (100 - cutPercent)) / 20);
  return { bytes: bytes.subarray(0, keep), format };
});

async function leavesNoPosition({ bytes, format }: { bytes: Buffer; format: 'jpeg' | 'png' }) {
  const cut = await planLocationCut(new StrictReader(new BufferReader(bytes)), format);
  const out = cut === undefined ? bytes : assemble(bytes, cut);
  const left = POSITIONS.filter((position) => out.includes(position)).map((p) => p.toString('hex'));
  expect(left).toEqual([]);
}

describe('planLocationCut over damaged phone photos', () => {
  it('the seeds hold the positions the property looks for', () => {
    for (const [name] of seeds) {
      const bytes = fixture(`location/${name}`);
      expect({ name, found: POSITIONS.some((p) => bytes.includes(p)) }).toEqual({
        name,
        found: true,
      });
    }
  });

  it('never throws, never reads out of bounds, never leaves the position: random damage', async () => {
    await assert(asyncProperty(mutated, leavesNoPosition), { numRuns: 3000 });
  });

  it('never leaves the position: every single byte of each seed set to 0x00, 0xFF and flipped', async () => {
    let damaged = 0;
    for (const [name, format] of seeds) {
      const original = fixture(`location/${name}`);
      for (let at = 0; at < original.length; at++) {
        for (const value of [0x00, 0xff, (original[at] ?? 0) ^ 0xff]) {
          const bytes = Buffer.from(original);
          bytes[at] = value;
          await leavesNoPosition({ bytes, format });
          damaged += 1;
        }
      }
    }
    expect(damaged).toBeGreaterThan(3 * 25_000); // four seeds of 5 to 9 KiB
  });
});
