import { describe, expect, it } from 'vitest';
import { BufferReader } from '../../lib/media/byte-reader.js';
import { inspectMedia } from '../../lib/media/inspect-media.js';
import { box, ftyp, fullBox, mvhd } from '../helpers/media-bytes.mjs';

const inspect = (bytes: Uint8Array) => inspectMedia(new BufferReader(bytes));

describe('an MP4 that lies about its length in mvhd', () => {
  /** A 300 s track (stts: 300 samples of 1 s) under an mvhd that says 10 s. */
  const lying = (where: 'mdhd' | 'stts') => {
    const u32b = (n: number) => {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(n, 0);
      return b;
    };
    const tkhd = fullBox('tkhd', 0, 3, Buffer.alloc(8), u32b(1), Buffer.alloc(68));
    const mdhd = fullBox(
      'mdhd',
      0,
      0,
      Buffer.alloc(8),
      u32b(1000),
      u32b(where === 'mdhd' ? 300_000 : 10_000),
      Buffer.alloc(4),
    );
    const stts = fullBox('stts', 0, 0, u32b(1), u32b(where === 'stts' ? 300 : 10), u32b(1000));
    const trak = box('trak', tkhd, box('mdia', mdhd, box('minf', box('stbl', stts))));
    const moov = box('moov', mvhd(1000, 10_000n), trak);
    return Buffer.concat([ftyp('isom', 'isom', 'mp41'), moov, box('mdat', Buffer.alloc(64))]);
  };

  it.each(['mdhd', 'stts'] as const)(
    'takes the track’s %s when it runs longer than mvhd',
    async (where) => {
      const info = await inspect(lying(where));
      expect(Number(info.duration?.units) / (info.duration?.timescale ?? 1)).toBe(300);
    },
  );

  it('bounds a hostile stts (entries past its box) without reading them', async () => {
    const file = lying('stts');
    const at = file.indexOf('stts') + 8;
    file.writeUInt32BE(0x7fffffff, at); // entry_count
    expect((await inspect(file)).unreadable).toMatch(
      /^corrupt MP4: stts claims 2147483647 entries/,
    );
  });
});
