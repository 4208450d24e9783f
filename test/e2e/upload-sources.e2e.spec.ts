import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AttachmentType, MediaType } from '../../lib/index.js';
import { emulatorSuite } from '../helpers/wecom-test-app.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { scratchDir } from '../helpers/scratch-dir.js';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const png = makePng(640, 480);
const image = { mediaType: MediaType.Image, attachmentType: AttachmentType.Moment } as const;

describe('AttachmentService.upload: every source, and the bytes on the wire', () => {
  const s = emulatorSuite();
  const dir = scratchDir();

  describe('sources', () => {
    it('uploads a Buffer and returns the media_id with a three-day expiry', async () => {
      const result = await s.app.service.upload({ ...image, file: png, filename: 'a.png' });
      const [upload] = s.emulator.uploads;
      expect(result.mediaId).toBe(upload?.mediaId);
      expect(result.type).toBe('image');
      expect(result.reused).toBe(false);
      expect(result.expiresAt.getTime() - result.createdAt.getTime()).toBe(3 * 24 * 3600 * 1000);
      expect(upload?.upload?.sha256).toBe(sha256(png));
      expect(upload?.query).toMatchObject({ media_type: 'image', attachment_type: '1' });
    });

    it('uploads a Uint8Array that is a view into a larger buffer', async () => {
      const backing = Buffer.concat([Buffer.alloc(100, 7), png, Buffer.alloc(50, 9)]);
      const view = new Uint8Array(backing.buffer, backing.byteOffset + 100, png.length);
      await s.app.service.upload({ ...image, file: view, filename: 'view.png' });
      expect(s.emulator.uploads[0]?.upload?.sha256).toBe(sha256(png));
    });

    it('uploads a path, { path }, and multer files from disk and from memory, named after them', async () => {
      const path = join(dir.path, '产品图.png');
      await writeFile(path, png);
      await s.app.service.upload({ ...image, file: path });
      await s.app.service.upload({ ...image, file: { path } });
      await s.app.service.upload({
        ...image,
        file: { originalname: 'disk.png', path, size: png.length },
      });
      await s.app.service.upload({
        ...image,
        file: { originalname: 'memory.png', buffer: png, size: png.length },
      });
      expect(s.emulator.uploads.map((u) => u.upload?.filename)).toEqual([
        '产品图.png',
        '产品图.png',
        'disk.png',
        'memory.png',
      ]);
      expect(s.emulator.uploads.every((u) => u.upload?.sha256 === sha256(png))).toBe(true);
    });

    it('uploads a Readable stream after spooling it', async () => {
      await s.app.service.upload({
        ...image,
        file: Readable.from([png.subarray(0, 100), png.subarray(100)]),
        filename: 's.png',
      });
      expect(s.emulator.uploads[0]?.upload?.sha256).toBe(sha256(png));
    });

    it('an explicit filename wins over the path', async () => {
      const path = join(dir.path, 'x.png');
      await writeFile(path, png);
      await s.app.service.upload({ ...image, file: path, filename: '展示名.png' });
      expect(s.emulator.uploads[0]?.upload?.filename).toBe('展示名.png');
    });
  });

  describe('the wire format', () => {
    it('sends a Chinese + emoji filename as raw UTF-8 bytes, never encoded', async () => {
      const name = '新品 春季🌸-主图.png';
      await s.app.service.upload({ ...image, file: png, filename: name });
      const upload = s.emulator.uploads[0]?.upload;
      expect(upload?.filenameBytes?.equals(Buffer.from(name, 'utf8'))).toBe(true);
      expect(upload?.disposition).not.toContain('filename*');
      expect(upload?.disposition).not.toContain('%');
    });

    it('sends one part named media with an exact filelength and the type read from the bytes', async () => {
      await s.app.service.upload({
        ...image,
        file: png,
        filename: 'a.jpg',
        contentType: 'image/jpeg',
      });
      const upload = s.emulator.uploads[0]?.upload;
      expect(upload?.partCount).toBe(1);
      expect(upload?.name).toBe('media');
      expect(upload?.filelength).toBe(png.length);
      expect(upload?.size).toBe(png.length);
      expect(upload?.contentType).toBe('image/png');
      expect(upload?.disposition).toBe(
        `form-data; name="media"; filename="a.jpg"; filelength=${png.length}`,
      );
    });

    it('sets Content-Length and never chunks, for buffers and for streams', async () => {
      await s.app.service.upload({ ...image, file: png, filename: 'a.png' });
      await s.app.service.upload({ ...image, file: Readable.from([png]), filename: 'b.png' });
      for (const upload of s.emulator.uploads) {
        expect(upload.headers['transfer-encoding']).toBeUndefined();
        expect(Number(upload.headers['content-length'])).toBeGreaterThan(png.length);
        expect(upload.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
      }
    });

    it('neutralises quotes, CR and LF so the header stays one well-formed line', async () => {
      await s.app.service.upload({ ...image, file: png, filename: 'a"\r\nX-Evil: 1.png' });
      expect(s.emulator.uploads[0]?.errcode).toBe(0);
      const upload = s.emulator.uploads[0]?.upload;
      expect(upload?.filename).toBe("a'  X-Evil: 1.png");
      expect(upload?.disposition).not.toMatch(/[\r\n]/);
    });
  });
});
