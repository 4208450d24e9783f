import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AttachmentRuleError, AttachmentType, MediaType, MemoryStore } from '../../lib/index.js';
import type { AttachmentService } from '../../lib/index.js';
import { bootApp, emulatorSuite, type TestApp } from '../helpers/wecom-test-app.js';
import {
  damagedPng,
  garbageWebp,
  noisyTransparentPng,
  phonePhoto,
  solidWebp,
} from '../helpers/images.js';

const album = AttachmentType.ProductAlbum;
const moment = AttachmentType.Moment;
const image = MediaType.Image;

/** The files left in the module's spool folders under `dir`. */
async function spooled(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => e.name);
}

/** The rules an upload broke, or the error when it was no rule. */
async function refusal(
  service: AttachmentService,
  input: Parameters<AttachmentService['upload']>[0],
) {
  const error = await service.upload(input).catch((e: unknown) => e);
  if (!(error instanceof AttachmentRuleError)) throw error;
  return error.violations;
}

describe('fit against hostile images', () => {
  const s = emulatorSuite({ app: false });
  let dir: string;
  let t: TestApp;
  const files = {} as Record<'photo' | 'huge' | 'bigWebp', Buffer>;
  beforeAll(async () => {
    files.photo = await phonePhoto(4032, 3024);
    files.huge = await solidWebp(10_000); // 100 MP in a few KB
    files.bigWebp = await solidWebp(7000); // 49 MP: under the limit, slow to encode
  }, 60_000);
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wecom-fit-hostile-'));
    t = await bootApp(s.emulator, { fit: true, tempDir: dir });
  });
  afterAll(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a few KB declaring 100 MP: refused by the pixel limit, undecoded, in check and upload', async () => {
    const input = { file: files.huge, filename: 'x.webp', mediaType: image, attachmentType: album };
    expect(await t.service.check(input)).toMatchObject([
      { rule: 'image-pixels', limit: 50_000_000, actual: 100_000_000 },
    ]);
    expect(await refusal(t.service, input)).toMatchObject([{ rule: 'image-pixels' }]);
    expect(s.emulator.uploads).toHaveLength(0);
  });

  it('a fit past its time is stopped and refused as timed out (to the millisecond), and leaves no file', async () => {
    // No 49 MP image is re-encoded within 5 ms: the bound is met by the module's own timer,
    // not by sharp's, which counts whole seconds.
    const violations = await refusal(t.service, {
      file: files.bigWebp,
      filename: 'big.webp',
      mediaType: image,
      attachmentType: album,
      fit: { timeoutMs: 5 },
    });
    expect(violations).toMatchObject([{ rule: 'fit-timeout', limit: 5 }]);
    expect(violations[0]?.message).toContain('took longer than 5 ms (fit.timeoutMs)');
    await vi.waitFor(async () => expect(await spooled(dir)).toEqual([]), { timeout: 30_000 });
    expect(s.emulator.uploads).toHaveLength(0);
  }, 60_000);

  it('damaged pixel data or a garbage header: an unreadable violation, never a crash or a path', async () => {
    const damaged = await damagedPng(4032, 3024);
    const broken = await refusal(t.service, {
      file: damaged,
      filename: 'broken.png',
      mediaType: image,
      attachmentType: moment,
    });
    expect(broken).toMatchObject([{ rule: 'unreadable' }]);
    expect(broken[0]?.message).not.toContain(dir);
    const garbage = {
      file: garbageWebp(),
      filename: 'g.webp',
      mediaType: image,
      attachmentType: album,
    };
    expect(await t.service.check(garbage)).toMatchObject([{ rule: 'unreadable' }]);
    expect(await refusal(t.service, garbage)).toMatchObject([{ rule: 'unreadable' }]);
    expect(s.emulator.uploads).toHaveLength(0);
    expect(await spooled(dir)).toEqual([]);
  });

  it('a client that leaves mid-fit: nothing is sent, no file is left, the next fit runs', async () => {
    const stop = new AbortController();
    const leaving = t.service.upload({
      file: files.bigWebp,
      filename: 'big.webp',
      mediaType: image,
      attachmentType: album,
      signal: stop.signal,
    });
    // Leave once sharp is at work on it.
    await vi.waitFor(() => expect(sharp.counters().process).toBeGreaterThan(0), {
      timeout: 10_000,
      interval: 5,
    });
    stop.abort(new Error('the client left'));
    await expect(leaving).rejects.toThrow('the client left');
    const next = await t.service.upload({
      file: files.photo,
      filename: 'p.jpg',
      mediaType: image,
      attachmentType: moment,
    });
    expect(next.fitted?.sent).toMatchObject({ width: 1440, height: 1080 });
    await vi.waitFor(async () => expect(await spooled(dir)).toEqual([]), { timeout: 30_000 });
    expect(s.emulator.uploads).toHaveLength(1);
  }, 60_000);

  it('a transparent image no PNG brings under the limit: the violation names the palette PNG', async () => {
    const small = await bootApp(s.emulator, {
      fit: true,
      rules: { mediaTypes: { image: { maxBytes: 20_000 } } },
    });
    try {
      const violations = await refusal(small.service, {
        file: await noisyTransparentPng(200),
        filename: 'noise.png',
        mediaType: image,
        attachmentType: album,
      });
      expect(violations).toMatchObject([{ rule: 'max-size', limit: 20_000 }]);
      expect(violations[0]?.message).toContain('re-encoded as a palette PNG (quality 80)');
    } finally {
      await small.close();
    }
  });

  it('a renamed file keeps within the filename limit: what check passes, upload sends', async () => {
    const name = `${'图'.repeat(83)}.webp`; // 249 + 5 = 254 bytes; .jpg would make it 252: fine
    const long = `${'a'.repeat(250)}.webp`; // 255 bytes; a.jpg would be 254
    const bare = 'b'.repeat(255); // no extension: + .jpg would be 259
    const webp = await sharp(files.photo).resize(800).webp().toBuffer();
    for (const filename of [name, long, bare]) {
      const input = { file: webp, filename, mediaType: image, attachmentType: album };
      expect(await t.service.check(input)).toEqual([]);
      const result = await t.service.upload(input);
      const sent = s.emulator.uploads.find((u) => u.mediaId === result.mediaId)?.upload?.filename;
      expect(sent).toMatch(/\.jpg$/);
      expect(Buffer.byteLength(sent ?? '')).toBeLessThanOrEqual(255);
    }
  });
});

describe('fit: one bound for the whole process, which a call cannot loosen', () => {
  const s = emulatorSuite({ app: false });

  it('module concurrency 1: calls with their own fit objects still fit one at a time', async () => {
    const t = await bootApp(s.emulator, { fit: { concurrency: 1 } });
    const photo = await phonePhoto(4032, 3024);
    let most = 0;
    const watch = setInterval(() => (most = Math.max(most, sharp.counters().process)), 1);
    try {
      await Promise.all(
        [1, 2, 3, 4].map((i) =>
          t.service.upload({
            file: photo,
            filename: `${i}.jpg`,
            mediaType: image,
            attachmentType: moment,
            fit: { jpegQualities: [80 + i], concurrency: 8 },
          }),
        ),
      );
    } finally {
      clearInterval(watch);
      await t.close();
    }
    // One fit at a time, plus at most one header read (check's, outside the bound: it decodes
    // nothing). Four unbounded fits would show four.
    expect(most).toBeLessThanOrEqual(2);
  });

  it("a call's fit object keeps the module's pixel limit (it may only tighten it)", async () => {
    const t = await bootApp(s.emulator, { fit: { maxInputPixels: 1_000_000 } });
    try {
      const input = {
        file: await phonePhoto(4032, 3024),
        filename: 'p.jpg',
        mediaType: image,
        attachmentType: moment,
      };
      expect(await t.service.check({ ...input, fit: { jpegQualities: [85] } })).toMatchObject([
        { rule: 'image-pixels', limit: 1_000_000 },
      ]);
      expect(
        await t.service.check({ ...input, fit: { jpegQualities: [85], maxInputPixels: 9e9 } }),
      ).toMatchObject([{ rule: 'image-pixels', limit: 1_000_000 }]);
    } finally {
      await t.close();
    }
  });

  it("leaves sharp's process-wide settings to the app", async () => {
    sharp.concurrency(2);
    sharp.cache({ memory: 10, files: 3, items: 7 });
    const t = await bootApp(s.emulator, { fit: true });
    try {
      await t.service.upload({
        file: await phonePhoto(2000, 1500),
        filename: 'p.jpg',
        mediaType: image,
        attachmentType: moment,
      });
      expect(sharp.concurrency()).toBe(2);
      expect(sharp.cache()).toMatchObject({
        memory: { max: 10 },
        files: { max: 3 },
        items: { max: 7 },
      });
    } finally {
      await t.close();
    }
  });

  it('replicas with other bounds share a fitted media_id: only what shapes the result is in the key', async () => {
    const store = new MemoryStore();
    const photo = await phonePhoto(4032, 3024);
    const input = { file: photo, filename: 'p.jpg', mediaType: image, attachmentType: moment };
    const a = await bootApp(s.emulator, { fit: { concurrency: 2 }, mediaCache: true, store });
    const b = await bootApp(s.emulator, {
      fit: { concurrency: 3, maxInputBytes: 20_000_000 },
      mediaCache: true,
      store,
    });
    try {
      const first = await a.service.upload(input);
      const second = await b.service.upload({ ...input, file: Buffer.from(photo) });
      expect(second).toEqual({ ...first, reused: true });
      expect(s.emulator.uploads).toHaveLength(1);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
