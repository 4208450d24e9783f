import { describe, expect, it } from 'vitest';
import { BufferReader, CountingReader } from '../../lib/media/byte-reader.js';
import { inspectMedia } from '../../lib/media/inspect-media.js';
import { fixture } from '../helpers/fixtures.js';

const inspect = (bytes: Uint8Array) => inspectMedia(new BufferReader(bytes));

describe('JPEG fill bytes (T.81 B.1.1.2: any number of 0xFF may precede a marker)', () => {
  /** The baseline fixture with `count` fill bytes before the marker after SOI and before its SOF. */
  const withFill = (count: number): Buffer => {
    const real = fixture('photo-baseline.jpg');
    const sof = real.indexOf(Buffer.from([0xff, 0xc0]));
    const fill = Buffer.alloc(count, 0xff);
    return Buffer.concat([
      real.subarray(0, 2),
      fill,
      real.subarray(2, sof),
      fill,
      real.subarray(sof),
    ]);
  };

  it.each([1, 4095, 4096, 4097, 100_000])(
    'finds the SOF after %i fill bytes before two markers, in few reads',
    async (count) => {
      const reader = new CountingReader(new BufferReader(withFill(count)));
      expect(await inspectMedia(reader)).toEqual({ format: 'jpeg', width: 64, height: 48 });
      // Chunks double from 16 bytes to 4 KiB: far fewer reads than fill bytes.
      expect(reader.reads).toBeLessThanOrEqual(30 + 2 * Math.ceil(count / 4096));
      expect(reader.bytesRead).toBeLessThanOrEqual(1024 + 2 * (count + 4096));
    },
  );

  it('stops a hostile run of fill bytes at the read bound, reporting it', async () => {
    const hostile = Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.alloc(4 * 1024 * 1024, 0xff)]);
    const reader = new CountingReader(new BufferReader(hostile));
    expect((await inspectMedia(reader)).unreadable).toBe(
      'corrupt JPEG: no start-of-frame within the read limit (4096 reads, 256 KiB in all or 4 KiB in one read)',
    );
    expect(reader.bytesRead).toBeLessThanOrEqual(256 * 1024 + 64);
  });

  it('stops a hostile run of empty segments at the read bound', async () => {
    const empty = Buffer.from([0xff, 0xfe, 0x00, 0x02]); // a COM segment with no text
    const hostile = Buffer.concat([Buffer.from([0xff, 0xd8]), ...Array(10_000).fill(empty)]);
    const reader = new CountingReader(new BufferReader(hostile));
    expect((await inspectMedia(reader)).unreadable).toMatch(/^corrupt JPEG: .*read limit/);
    expect(reader.reads).toBeLessThanOrEqual(4096 + 1);
  });

  it('many short runs of fill bytes cost little: 1,000 single fill bytes before markers', async () => {
    const real = fixture('photo-baseline.jpg');
    const sof = real.indexOf(Buffer.from([0xff, 0xc0]));
    const comment = Buffer.from([0xff, 0xff, 0xfe, 0x00, 0x02]); // a fill byte, then an empty COM
    const file = Buffer.concat([
      real.subarray(0, sof),
      ...Array<Buffer>(1000).fill(comment),
      real.subarray(sof),
    ]);
    expect(await inspect(file)).toEqual({ format: 'jpeg', width: 64, height: 48 });
  });

  it('reports a file that ends in fill bytes as truncated', async () => {
    const cut = Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.alloc(10_000, 0xff)]);
    expect((await inspect(cut)).unreadable).toBe('truncated JPEG: the file ends in fill bytes');
  });
});
