import { createReadStream } from 'node:fs';
import { relative } from 'node:path';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import {
  AttachmentRuleError,
  ProductAlbumService,
  PublishJobPendingError,
  type QueuedSource,
} from '../../lib/index.js';
import { createAlbumOnce, type MarkLedger } from '../../lib/publishing/queue/publish-once.js';
import type { SendMark } from '../../lib/publishing/queue/queued-job.js';
import { queueFleet } from '../helpers/queue-workers.js';
import { requireRedisServer } from '../helpers/redis-server.mjs';
import { emulatorSuite } from '../helpers/wecom-test-app.js';

/** The rules an enqueue was refused with; nothing may be in the queue then. */
async function refusal(enqueue: Promise<unknown>): Promise<string[]> {
  const error = await enqueue.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AttachmentRuleError);
  return (error as AttachmentRuleError).violations.map((v) => v.rule);
}

describe.skipIf(!requireRedisServer())('PublishQueue at enqueue (this process, no worker)', () => {
  const s = emulatorSuite({ app: false });
  const fleet = queueFleet();
  const bullQueue = (): Queue => fleet.app.app.get<Queue>(getQueueToken('wecom-media'));

  it('refuses a Buffer, a stream and a file in memory (queue-source), and enqueues nothing', async () => {
    await fleet.boot(s.emulator);
    const photo = fleet.album('x').images[0] as string;
    const sources = [
      Buffer.from('not queueable'),
      createReadStream(photo),
      { originalname: 'a.png', buffer: Buffer.from('x') },
    ] as unknown as QueuedSource[];
    const error = (await fleet.queue
      .createAlbum({ ...fleet.album('SN1'), images: sources })
      .catch((e: unknown) => e)) as AttachmentRuleError;
    expect(error.violations.map((v) => [v.rule, v.actual])).toEqual([
      ['queue-source', 'a Buffer'],
      ['queue-source', 'a stream'],
      ['queue-source', 'a file in memory'],
    ]);
    expect(error.message).toContain('images[1]');
    (sources[1] as unknown as NodeJS.ReadableStream & { destroy(): void }).destroy();
    expect(await bullQueue().count()).toBe(0);
    expect(s.emulator.requests).toEqual([]);
  });

  it('refuses the text fields WeCom would refuse: every one listed, before Redis sees the job', async () => {
    await fleet.boot(s.emulator);
    const bad = {
      ...fleet.album('SN2'),
      description: '描'.repeat(301),
      priceFen: 0.5,
      productSn: 'SN-2',
      images: [],
    };
    expect(await refusal(fleet.queue.createAlbum(bad))).toEqual([
      'album-description',
      'album-price',
      'album-product-sn',
      'album-image-count',
    ]);
    const moment = {
      key: 'm1',
      text: 'x'.repeat(2_001),
      link: { title: 't', url: 'javascript:x' },
    };
    expect(await refusal(fleet.queue.publishMoment(moment))).toEqual([
      'moment-text-length',
      'moment-link-url',
      'moment-link-cover',
    ]);
    expect(
      await refusal(fleet.queue.createAlbum({ ...fleet.album('SN3'), corpId: 'ww!' })),
    ).toEqual(['corp-id']);
    await expect(fleet.queue.createAlbum({ ...fleet.album('SN4'), key: '' })).rejects.toThrow(
      /key must be a string of 1 to 256 characters/,
    );
    expect(await bullQueue().count()).toBe(0);
  });

  it('returns the same job for a key, refuses it with other content, and keeps no secret in Redis', async () => {
    await fleet.boot(s.emulator);
    const first = await fleet.queue.createAlbum(fleet.album('SN5'));
    const again = await fleet.queue.createAlbum(fleet.album('SN5'));
    expect(again).toEqual(first);
    expect(first.jobId).toBe(`album~${s.emulator.corpId}~SN5`);
    // A key names one album: a changed price under it is a mistake, said so.
    const changed = fleet.queue.createAlbum({ ...fleet.album('SN5'), priceFen: 2999 });
    expect(await refusal(changed)).toEqual(['queue-key-content']);
    // Keys per kind: a moment may share the album's key.
    const moment = await fleet.queue.publishMoment({ key: 'SN5', text: 'hello' });
    expect(moment.jobId).toBe(`moment~${s.emulator.corpId}~SN5`);
    expect(await bullQueue().count()).toBe(2);
    const { Redis } = await import('ioredis');
    const redis = new Redis(fleet.redis.url);
    const everything = await Promise.all(
      (await redis.keys('*')).map(async (key) =>
        (await redis.type(key)) === 'hash' ? JSON.stringify(await redis.hgetall(key)) : key,
      ),
    );
    redis.disconnect();
    expect(everything.join('\n')).not.toContain(s.emulator.corpSecret);
  });

  it('resolves relative paths at enqueue; a key never enqueued is unknown', async () => {
    await fleet.boot(s.emulator);
    const photo = fleet.album('x').images[0] as string;
    const { jobId } = await fleet.queue.createAlbum({
      ...fleet.album('SN6'),
      images: [relative(process.cwd(), photo), { file: { path: photo }, filename: '新品.png' }],
    });
    const job = await bullQueue().getJob(jobId);
    expect(job?.data.input.images).toEqual([
      { path: photo },
      { path: photo, filename: '新品.png' },
    ]);
    expect(await fleet.queue.status('nothing', { kind: 'album' })).toEqual({
      state: 'unknown',
      attempts: 0,
    });
    await expect(fleet.queue.wait('nothing', { kind: 'moment', timeoutMs: 10 })).rejects.toThrow(
      /no moment was enqueued under the key "nothing"/,
    );
    // Without a worker the job waits; wait's own timeout is typed, and the job stays.
    const pending = await fleet.queue
      .wait('SN6', { kind: 'album', timeoutMs: 30 })
      .catch((e: unknown) => e);
    expect(pending).toBeInstanceOf(PublishJobPendingError);
    expect(await fleet.queue.status('SN6', { kind: 'album' })).toEqual({
      state: 'waiting',
      attempts: 0,
    });
    expect(await fleet.queue.progress()).toEqual({
      waiting: 1,
      active: 0,
      delayed: 0,
      completed: 0,
      failed: 0,
    });
  });
});

describe.skipIf(!requireRedisServer())('PublishQueue with a worker in this process', () => {
  const s = emulatorSuite({ app: false });
  const fleet = queueFleet();

  it('remembers a key after BullMQ removed its job, and sends nothing when it comes again', async () => {
    // As production set-ups do: BullMQ removes a job once done.
    await fleet.boot(s.emulator, { worker: true }, {}, { removeOnComplete: true });
    const queue = fleet.app.app.get<Queue>(getQueueToken('wecom-media'));
    await fleet.queue.createAlbum(fleet.album('SN7'));
    const { productId } = await fleet.queue.wait('SN7', { kind: 'album', timeoutMs: 10_000 });
    expect(await queue.getJob(`album~${s.emulator.corpId}~SN7`)).toBeUndefined();
    expect(await fleet.queue.status('SN7', { kind: 'album' })).toEqual({
      state: 'completed',
      attempts: 1,
      result: { productId },
    });
    const calls = s.emulator.requests.length;
    await fleet.queue.createAlbum(fleet.album('SN7'));
    expect(s.emulator.requests.length).toBe(calls);
    expect(s.emulator.albums).toHaveLength(1);
  });

  it('looks an album up by product_sn when an earlier attempt sent add_product_album and lost the answer', async () => {
    await fleet.boot(s.emulator, { worker: true });
    const albums = fleet.app.app.get(ProductAlbumService);
    const photo = fleet.album('x').images[0] as string;
    // WeCom made the album, and the attempt that sent it died before writing its id.
    const made = await albums.create({
      description: 'lost',
      priceFen: 100,
      productSn: 'SN8',
      images: [photo],
    });
    let mark: SendMark | undefined = { sentAt: Date.now() };
    const ledger: MarkLedger = {
      read: () => Promise.resolve(mark),
      write: (next) => Promise.resolve(void (mark = next)),
    };
    const before = s.emulator.callsOf('add_product_album').length;
    const job = { description: 'lost', priceFen: 100, productSn: 'SN8', images: [{ path: photo }] };
    const found = await createAlbumOnce(albums, job, s.emulator.corpId, ledger);
    expect(found).toEqual({ productId: made.productId });
    expect(mark).toEqual({ sentAt: expect.any(Number), id: made.productId });
    expect(s.emulator.callsOf('add_product_album')).toHaveLength(before);
    // Without a product_sn it matches by description and price among albums made since the mark.
    mark = { sentAt: Date.now() };
    const { productSn: _, ...bare } = job;
    expect(await createAlbumOnce(albums, bare, s.emulator.corpId, ledger)).toEqual(found);
  });
});
