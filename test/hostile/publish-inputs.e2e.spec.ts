// Publishing's inputs at their edges: what is refused up front (before any file is opened or any
// call made), what a caller without types may send, and the moments pixel cap.
import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AttachmentRuleError,
  MomentService,
  ProductAlbumService,
  WecomTaskPendingError,
} from '../../lib/index.js';
import { fixturePath } from '../helpers/fixtures.js';
import { pngOf } from '../helpers/images.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { bootApp, emulatorSuite, type TestApp } from '../helpers/wecom-test-app.js';

describe('publishing: inputs refused before anything is sent', () => {
  const s = emulatorSuite();
  const moments = (): MomentService => s.app.app.get(MomentService);
  const albums = (): ProductAlbumService => s.app.app.get(ProductAlbumService);

  it('a waitMs that is no number of milliseconds is refused at once, nothing sent', async () => {
    for (const waitMs of [Number.NaN, -1, Infinity, '5000' as unknown as number]) {
      await expect(moments().publish({ text: 'x', waitMs })).rejects.toThrow(/waitMs must be/);
    }
    expect(s.emulator.requests).toHaveLength(0);
  });

  it('update() with no change sends nothing', async () => {
    const { productId } = await albums().create({
      description: 'd',
      priceFen: 100,
      images: [makePng(20, 20)],
    });
    await albums()
      .update(productId, {})
      .catch(() => undefined);
    expect(s.emulator.callsOf('update_product_album')).toHaveLength(0);
  });

  it('a stream given for another corp is released (the refusal comes before judge)', async () => {
    const stream = createReadStream(fixturePath('photo.png'));
    const error = await moments()
      .publish({ corpId: 'wwsomeoneelse', images: [stream] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AttachmentRuleError);
    expect(stream.destroyed).toBe(true);
  });

  it('senders WeCom refuses by their shape are refused before any upload', async () => {
    const error = await moments()
      .publish({
        images: [makePng(20, 20)],
        senders: { departmentIds: [1.5, Number.NaN] },
        customerTagIds: [42 as unknown as string],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AttachmentRuleError);
    expect(s.emulator.uploads).toHaveLength(0);
  });

  it('a JS caller without images gets album-image-count, not a TypeError', async () => {
    const error = await albums()
      .create({ description: 'd', priceFen: 100 } as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AttachmentRuleError);
  });

  it('two publishes sharing one stream: one publishes, the other fails (it does not hang)', async () => {
    const stream = Readable.from([makePng(30, 30)]);
    const both = await Promise.allSettled([
      moments().publish({ images: [stream] }),
      moments().publish({ images: [stream] }),
    ]);
    expect(both.map((r) => r.status).toSorted()).toEqual(['fulfilled', 'rejected']);
  });

  it('9 uploads go side by side: WeCom sees the 9 at once', async () => {
    await moments().publish({ text: 'warm' });
    s.emulator.setDelay(300);
    await moments().publish({ images: Array.from({ length: 9 }, (_, i) => makePng(20 + i, 20)) });
    s.emulator.setDelay(0);
    expect(s.emulator.peakLoad('upload_attachment').concurrent).toBe(9);
  });

  it('WecomTaskPendingError is a WecomError with the jobId', async () => {
    s.emulator.stallNextMomentTask(1);
    const e = await moments()
      .publish({ text: 'x', waitMs: 250 })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WecomTaskPendingError);
    expect((e as WecomTaskPendingError).jobId).toBe(s.emulator.moments[0]?.jobId);
  });
});

describe('publishing: the moments pixel cap (rules.moment.maxImagePixels)', () => {
  const s = emulatorSuite();
  const moments = (): MomentService => s.app.app.get(MomentService);

  it('1441 × 1080 with fit off is refused with moment-image-pixels', async () => {
    const error = await moments()
      .publish({ images: [await pngOf(1441, 1080)], fit: false })
      .catch((e: unknown) => e);
    expect((error as AttachmentRuleError).violations?.map((v) => v.rule)).toEqual([
      'moment-image-pixels',
    ]);
  });

  it('1441 × 1080 with fit on is fitted under the cap and published', async () => {
    const result = await moments().publish({ images: [await pngOf(1441, 1080)], fit: true });
    expect(result.attachments[0]?.fitted).toBeDefined();
  });

  it('a link cover over the cap is refused too; a video is not judged by pixels', async () => {
    const error = await moments()
      .publish({
        link: { title: 't', url: 'https://x.example', cover: await pngOf(1441, 1080) },
        fit: false,
      })
      .catch((e: unknown) => e);
    expect((error as AttachmentRuleError).violations?.map((v) => v.rule)).toEqual([
      'moment-image-pixels',
    ]);
  });
});

describe('publishing: refusals known up front', () => {
  const s = emulatorSuite({ app: false });
  let hanging: Server;
  let asked = 0;
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
    hanging?.closeAllConnections();
    await new Promise<void>((r) => (hanging ? hanging.close(() => r()) : r()));
  });

  it('10 images (one a URL that hangs) are refused at once, without fetching the URL', async () => {
    hanging = createServer(() => {
      asked += 1; // never answers
    });
    hanging.listen(0, '127.0.0.1');
    await once(hanging, 'listening');
    const { port } = hanging.address() as { port: number };
    app = await bootApp(s.emulator, {
      urlSources: { allowedHosts: [`127.0.0.1:${port}`], timeoutMs: 4_000 },
    });
    const images = [
      ...Array.from({ length: 9 }, (_, i) => makePng(20 + i, 20)),
      new URL(`http://127.0.0.1:${port}/photo.png`),
    ];
    const error = await app.app
      .get(MomentService)
      .publish({ images })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AttachmentRuleError);
    expect((error as AttachmentRuleError).violations.map((v) => v.rule)).toContain(
      'moment-image-count',
    );
    expect(asked).toBe(0);
  });

  it('10,000 images are refused by their count, without opening a file', async () => {
    app = await bootApp(s.emulator);
    // Paths that do not exist: opening any would fail with AttachmentSourceError instead.
    const images = Array.from({ length: 10_000 }, (_, i) => `/nonexistent/photo-${i}.png`);
    const error = await app.app
      .get(MomentService)
      .publish({ images })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AttachmentRuleError);
    expect((error as AttachmentRuleError).violations.map((v) => v.rule)).toEqual([
      'moment-image-count',
    ]);
  });
});
