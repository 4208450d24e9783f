import { describe, expect, it, vi } from 'vitest';
import { queueFleet, QueueWorker } from '../helpers/queue-workers.js';
import { requireRedisServer } from '../helpers/redis-server.mjs';
import { emulatorSuite } from '../helpers/wecom-test-app.js';

const WAIT = { timeout: 20_000, interval: 50 };
/** Stall recovery in a second or two instead of BullMQ's 30 s. */
const QUICK_STALLS = { lockDurationMs: 1_000, stalledIntervalMs: 500 };

describe.skipIf(!requireRedisServer())('queued albums and moments on worker processes', () => {
  const s = emulatorSuite({ app: false });
  const fleet = queueFleet();

  it('creates each key once across two workers, and again-enqueued keys change nothing', async () => {
    await fleet.boot(s.emulator);
    fleet.workers = await Promise.all([
      QueueWorker.start(s.emulator, fleet.redis, { concurrency: 3 }),
      QueueWorker.start(s.emulator, fleet.redis, { concurrency: 3 }),
    ]);
    const keys = Array.from({ length: 12 }, (_, i) => `SN${100 + i}`);
    // Every key twice, side by side: the same job, the same album.
    const enqueued = await Promise.all(
      [...keys, ...keys].map((key) => fleet.queue.createAlbum(fleet.album(key, 2))),
    );
    expect(new Set(enqueued.map((e) => e.jobId)).size).toBe(keys.length);
    const results = await Promise.all(
      keys.map((key) => fleet.queue.wait(key, { kind: 'album', timeoutMs: 20_000 })),
    );
    expect(s.emulator.albums.map((a) => a.productSn).toSorted()).toEqual(keys);
    expect(results.map((r) => r.productId).toSorted()).toEqual(
      s.emulator.albums.map((a) => a.productId).toSorted(),
    );
    // Once done, enqueuing the key again sends nothing.
    const calls = s.emulator.requests.length;
    await fleet.queue.createAlbum(fleet.album('SN100', 2));
    expect((await fleet.queue.status('SN100', { kind: 'album' })).state).toBe('completed');
    expect(s.emulator.requests.length).toBe(calls);
  });

  it('finishes the job of a SIGKILLed worker on another, with one album', async () => {
    await fleet.boot(s.emulator);
    const doomed = await QueueWorker.start(s.emulator, fleet.redis, QUICK_STALLS);
    fleet.workers = [doomed];
    const { jobId } = await fleet.queue.createAlbum(fleet.album('SN200'));
    // Once the photo is up, WeCom answers slowly: the worker dies with add_product_album sent.
    await s.emulator.waitFor((r) => r.api.endsWith('upload_attachment'));
    s.emulator.setDelay(30_000);
    await vi.waitFor(async () => {
      if (!(await fleet.job(jobId))?.data.mark) throw new Error('add_product_album not sent yet');
    }, WAIT);
    await doomed.kill();
    s.emulator.setDelay(0);
    fleet.workers.push(await QueueWorker.start(s.emulator, fleet.redis, QUICK_STALLS));
    const { productId } = await fleet.queue.wait('SN200', { kind: 'album', timeoutMs: 20_000 });
    expect(s.emulator.albums.map((a) => a.productId)).toEqual([productId]);
    // The mark left behind made the second worker look the album up before sending again.
    expect(s.emulator.callsOf('get_product_album_list').length).toBeGreaterThan(0);
  });

  it('gives a deploy shutdownTimeoutMs: the job still running is aborted, retried by another worker, one album', async () => {
    await fleet.boot(s.emulator, { worker: true, ...QUICK_STALLS }, { shutdownTimeoutMs: 100 });
    const { jobId } = await fleet.queue.createAlbum(fleet.album('SN250'));
    await s.emulator.waitFor((r) => r.api === 'upload_attachment');
    s.emulator.setDelay(120_000); // longer than the test may take: close must not wait for it
    await vi.waitFor(async () => {
      if (!(await fleet.job(jobId))?.data.mark) throw new Error('add_product_album not sent yet');
    }, WAIT);
    await fleet.app.close();
    s.emulator.setDelay(0);
    await fleet.boot(s.emulator);
    const left = await fleet.queue.status('SN250', { kind: 'album' });
    expect(left).toMatchObject({ attempts: 1, error: { name: 'WecomAbortedError' } });
    fleet.workers = [await QueueWorker.start(s.emulator, fleet.redis, QUICK_STALLS)];
    const { productId } = await fleet.queue.wait('SN250', { kind: 'album', timeoutMs: 20_000 });
    expect(s.emulator.albums.map((a) => a.productId)).toEqual([productId]);
  });

  it('retries transient faults (busy, a reset connection) without a second album', async () => {
    await fleet.boot(s.emulator);
    fleet.workers = [await QueueWorker.start(s.emulator, fleet.redis)];
    // Two resets in a row fail an attempt. -1 fails another at once: add_product_album is never
    // resent within an attempt, since -1 may come after WeCom made the album.
    s.emulator.failNext('add_product_album', -1).resetNext('upload_attachment', 2);
    await fleet.queue.createAlbum(fleet.album('SN300'));
    const { productId } = await fleet.queue.wait('SN300', { kind: 'album', timeoutMs: 20_000 });
    expect(s.emulator.albums.map((a) => a.productId)).toEqual([productId]);
    const status = await fleet.queue.status('SN300', { kind: 'album' });
    expect(status).toMatchObject({ state: 'completed', attempts: 3, result: { productId } });
    // The attempt after the -1 looked for the album by its product_sn before sending again.
    const calls = s.emulator.requests.map((r) => r.api);
    const lastSend = calls.lastIndexOf('add_product_album');
    expect(calls.slice(0, lastSend)).toContain('get_product_album_list');
  });

  it('fails at once, without another WeCom call, on a refusal retrying cannot fix', async () => {
    await fleet.boot(s.emulator);
    fleet.workers = [await QueueWorker.start(s.emulator, fleet.redis)];
    s.emulator.failNext('add_product_album', 48002);
    await fleet.queue.createAlbum(fleet.album('SN400'));
    const failed = await fleet.queue
      .wait('SN400', { kind: 'album', timeoutMs: 20_000 })
      .catch((e: unknown) => e);
    expect(failed).toMatchObject({
      name: 'PublishJobFailedError',
      attempts: 1,
      error: { name: 'WecomApiError', errcode: 48002 },
    });
    expect(s.emulator.callsOf('add_product_album')).toHaveLength(1);
    expect(s.emulator.albums).toEqual([]);
  });

  it('fails at once on a photo no worker can find, before any call to WeCom', async () => {
    await fleet.boot(s.emulator);
    fleet.workers = [await QueueWorker.start(s.emulator, fleet.redis)];
    await fleet.queue.createAlbum({ ...fleet.album('SN401'), images: ['no-such-photo.png'] });
    const status = await vi.waitFor(async () => {
      const now = await fleet.queue.status('SN401', { kind: 'album' });
      if (now.state !== 'failed') throw new Error(`still ${now.state}`);
      return now;
    }, WAIT);
    expect(status.attempts).toBe(1);
    expect(status.error).toMatchObject({ name: 'AttachmentSourceError' });
    expect(status.error?.message).toContain('images[0]');
    expect(s.emulator.requests).toEqual([]);
  });

  it('polls a pending moment task on its retries instead of publishing it again', async () => {
    await fleet.boot(s.emulator);
    fleet.workers = [await QueueWorker.start(s.emulator, fleet.redis)];
    // A task needs three polls; with waitMs 1 each attempt sees one and gives up (pending).
    const images = [fleet.album('x').images[0] ?? ''];
    await fleet.queue.publishMoment({ key: 'spring-sale', text: '春季上新', images, waitMs: 1 });
    const moment = await fleet.queue.wait('spring-sale', { kind: 'moment', timeoutMs: 20_000 });
    expect(s.emulator.callsOf('add_moment_task')).toHaveLength(1);
    expect(s.emulator.moments).toHaveLength(1);
    expect(moment.momentId).toBe(s.emulator.moments[0]?.momentId);
    expect((await fleet.queue.status('spring-sale', { kind: 'moment' })).attempts).toBe(3);
  });
});

describe.skipIf(!requireRedisServer())('the shared rate limit, on worker processes', () => {
  const s = emulatorSuite({ app: false, emulator: { limits: { perMinute: 4 } } });
  const fleet = queueFleet();

  it('holds jobs back (no attempt spent) instead of ever meeting 45009', async () => {
    await fleet.boot(s.emulator);
    const limited = { rateLimit: { perMinute: 4 } };
    fleet.workers = await Promise.all([
      QueueWorker.start(s.emulator, fleet.redis, {}, limited),
      QueueWorker.start(s.emulator, fleet.redis, {}, limited),
    ]);
    const keys = Array.from({ length: 6 }, (_, i) => `SN50${i}`);
    for (const key of keys) await fleet.queue.createAlbum(fleet.album(key));
    // Four photos fit in the minute; the other two albums wait for the next one.
    await vi.waitFor(async () => {
      const progress = await fleet.queue.progress();
      expect(progress).toMatchObject({ completed: 4, waiting: 2, active: 0, failed: 0 });
    }, WAIT);
    const statuses = await Promise.all(
      keys.map((key) => fleet.queue.status(key, { kind: 'album' })),
    );
    const held = statuses.filter((st) => st.state === 'waiting');
    expect(held.map((st) => st.attempts)).toEqual([0, 0]);
    expect(s.emulator.albums).toHaveLength(4);
    expect(s.emulator.limitRefusals()).toBe(0);
  });
});
