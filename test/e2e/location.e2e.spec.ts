import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttachmentType, MediaType, MemoryStore, type AttachmentInput } from '../../lib/index.js';
import { fixturePath } from '../helpers/fixtures.js';
import { exiftoolTags, locationTags } from '../helpers/location-files.js';
import type { WecomEmulator } from '../../lib/testing/index.js';
import { bootApp, emulatorSuite } from '../helpers/wecom-test-app.js';

const photo = { mediaType: MediaType.Image, attachmentType: AttachmentType.ProductAlbum } as const;
const JPEG = fixturePath('location/phone-ii.jpg');
const PNG = fixturePath('location/phone.png');

/** The bytes the emulator received for the last upload. */
function lastSent(emulator: WecomEmulator): Buffer {
  const content = emulator.uploads.at(-1)?.upload?.content;
  if (!content) throw new Error('no upload kept (keepUploads)');
  return content;
}

/** The image data: a JPEG's from its scan on, a PNG's IDAT chunks. */
function imageData(bytes: Buffer): Buffer {
  // The last SOS: entropy-coded data never holds FF DA, and a thumbnail's scan comes before.
  if (bytes[0] === 0xff) return bytes.subarray(bytes.lastIndexOf(Buffer.from([0xff, 0xda])));
  const parts: Buffer[] = [];
  for (let at = 8; at + 8 <= bytes.length; at += 12 + bytes.readUInt32BE(at)) {
    if (bytes.toString('latin1', at + 4, at + 8) === 'IDAT') {
      parts.push(bytes.subarray(at, at + 12 + bytes.readUInt32BE(at)));
    }
  }
  return Buffer.concat(parts);
}

describe('no location leaves the server (metadata: strip-location, the default)', () => {
  const s = emulatorSuite({ emulator: { keepUploads: true } });
  let jpeg: Buffer;
  let png: Buffer;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    [jpeg, png] = await Promise.all([readFile(JPEG), readFile(PNG)]);
    // Object storage on loopback, listed by its exact address: only then may it be fetched.
    server = createServer((req, res) => res.end(req.url?.startsWith('/p') ? png : jpeg));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const sources: Array<[string, () => Pick<AttachmentInput, 'file' | 'filename'>]> = [
    ['a path', () => ({ file: JPEG })],
    ['{ path }', () => ({ file: { path: JPEG } })],
    ['a Buffer', () => ({ file: jpeg, filename: 'p.jpg' })],
    ['a stream', () => ({ file: Readable.from([jpeg]), filename: 'p.jpg' })],
    ['a multer file in memory', () => ({ file: { originalname: 'p.jpg', buffer: jpeg } })],
    ['a URL (urlSources)', () => ({ file: new URL(`${url}/a/photo.jpg?Signature=SECRET`) })],
    ['a PNG (eXIf, XMP iTXt)', () => ({ file: PNG })],
  ];

  it.each(sources)('from %s: the GPS block and the serial go, the rest stays', async (_, given) => {
    const app = await bootApp(s.emulator, { urlSources: { allowedHosts: [new URL(url).host] } });
    try {
      const result = await app.service.upload({ ...photo, ...given() } as AttachmentInput);
      expect(result.cleaned).toEqual(expect.arrayContaining(['gps']));
      const sent = lastSent(s.emulator);
      const original = sent[0] === 0xff ? jpeg : png;
      expect(locationTags(exiftoolTags(sent))).toEqual([]);
      const tags = exiftoolTags(sent);
      expect(Object.keys(tags).some((t) => /:(Make|Model|Orientation)$/.test(t))).toBe(true);
      // Lossless: the image data goes as it was, and the upload declared the bytes it sent.
      expect(imageData(sent).equals(imageData(original))).toBe(true);
      expect(s.emulator.uploads.at(-1)?.upload?.filelength).toBe(sent.length);
    } finally {
      await app.close();
    }
  });

  it('a photo with nothing to remove goes out byte for byte, and says nothing was', async () => {
    const clean = await readFile(fixturePath('location/clean.jpg'));
    const result = await s.app.service.upload({ ...photo, file: clean, filename: 'c.jpg' });
    expect(result.cleaned).toBeUndefined();
    expect(lastSent(s.emulator).equals(clean)).toBe(true);
  });

  it("metadata: 'keep' sends the bytes as given, per call and per module", async () => {
    const result = await s.app.service.upload({ ...photo, file: JPEG, metadata: 'keep' });
    expect(result.cleaned).toBeUndefined();
    expect(lastSent(s.emulator).equals(jpeg)).toBe(true);
    const keeping = await bootApp(s.emulator, { metadata: 'keep' });
    try {
      await keeping.service.upload({ ...photo, file: JPEG });
      expect(lastSent(s.emulator).equals(jpeg)).toBe(true);
    } finally {
      await keeping.close();
    }
    await expect(
      s.app.service.upload({ ...photo, file: JPEG, metadata: 'strip' as never }),
    ).rejects.toThrow(/metadata must be 'strip-location' or 'keep'; got "strip"/);
  });

  it('the media-id cache still hits for the same source, and remembers what was removed', async () => {
    const cached = await bootApp(s.emulator, { mediaCache: true, store: new MemoryStore() });
    try {
      const first = await cached.service.upload({ ...photo, file: JPEG });
      const again = await cached.service.upload({ ...photo, file: JPEG });
      expect(again).toMatchObject({ reused: true, mediaId: first.mediaId, cleaned: first.cleaned });
      expect(s.emulator.uploads).toHaveLength(1);
      // Kept as given is another upload: another media_id.
      const kept = await cached.service.upload({ ...photo, file: JPEG, metadata: 'keep' });
      expect(kept.mediaId).not.toBe(first.mediaId);
    } finally {
      await cached.close();
    }
  });

  it('a fitted photo leaves without its location too', async () => {
    const fitting = await bootApp(s.emulator, { fit: true });
    try {
      // A moments photo over the short edge: fitted, then sent.
      const result = await fitting.service.upload({
        file: JPEG,
        mediaType: MediaType.Image,
        attachmentType: AttachmentType.Moment,
        fit: { jpegQualities: [80] },
        rules: undefined,
      } as AttachmentInput);
      expect(locationTags(exiftoolTags(lastSent(s.emulator)))).toEqual([]);
      expect(result.mediaId).toBeTruthy();
    } finally {
      await fitting.close();
    }
  });
});

describe('no location through the controller', () => {
  const s = emulatorSuite({ http: true, emulator: { keepUploads: true } });

  it('answers what was removed, and sends no position', async () => {
    const res = await supertest(s.http.url)
      .post('/wecom/attachments?media_type=image&attachment_type=2')
      .attach('media', JPEG, 'phone.jpg');
    expect(res.status).toBe(201);
    expect(res.body.cleaned).toEqual(expect.arrayContaining(['gps']));
    expect(locationTags(exiftoolTags(lastSent(s.emulator)))).toEqual([]);
  });
});
