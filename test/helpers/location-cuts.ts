// Runs a location cut as the hostile specs need it: counted reads, the cleaned bytes, and the
// check that no recognisable position is left in them.
import { expect } from 'vitest';
import { BufferReader, CountingReader } from '../../lib/media/byte-reader.js';
import { planLocationCut } from '../../lib/media/inspect-media.js';
import type { LocationCut } from '../../lib/media/location-cut.js';
import { latitudeBytes } from './exif-builder.js';
import { assemble } from './location-files.js';

export interface Cleaned {
  cut: LocationCut | undefined;
  /** The bytes that would be sent: the cut put together, or the file itself. */
  out: Buffer;
  reads: number;
  bytesRead: number;
}

/** Plans a cut of `bytes` through a counting reader and puts the result together. */
export async function clean(bytes: Buffer, format: 'jpeg' | 'png'): Promise<Cleaned> {
  const reader = new CountingReader(new BufferReader(bytes));
  const cut = await planLocationCut(reader, format);
  const out = cut === undefined ? bytes : assemble(bytes, cut);
  if (cut !== undefined) expect(out.length).toBe(cut.size);
  return { cut, out, reads: reader.reads, bytesRead: reader.bytesRead };
}

/** The XMP latitude the fixtures and the crafted packets write. */
export const XMP_LATITUDE = '31,13.825002N';

/** Fails if the built latitude (either byte order) or the XMP one is in `out`. */
export function expectNoPosition(out: Buffer): void {
  const found = {
    mm: out.indexOf(latitudeBytes(false)),
    ii: out.indexOf(latitudeBytes(true)),
    xmp: out.indexOf(XMP_LATITUDE),
  };
  expect(found).toEqual({ mm: -1, ii: -1, xmp: -1 });
}
