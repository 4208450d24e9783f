// Publishing against a WeCom that loses answers, fails polls or garbles them: nothing is published
// twice, and once WeCom has a task, every error keeps its jobId.
import { afterEach, describe, expect, it } from 'vitest';
import {
  MomentService,
  ProductAlbumService,
  WecomProtocolError,
  WecomTaskPendingError,
} from '../../lib/index.js';
import { lossyProxy } from '../helpers/lossy-proxy.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { bootApp, emulatorSuite, type TestApp } from '../helpers/wecom-test-app.js';

const json = (body: unknown) => ({
  status: 200,
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json' },
});

describe('publishing under a bad network and a WeCom that lies', () => {
  const s = emulatorSuite();
  const moments = (): MomentService => s.app.app.get(MomentService);
  const albums = (): ProductAlbumService => s.app.app.get(ProductAlbumService);
  let extra: TestApp | undefined;
  afterEach(async () => {
    await extra?.close();
    extra = undefined;
  });

  it('an add_moment_task answer lost after WeCom took it is not retried blindly: one moment, not two', async () => {
    const proxy = await lossyProxy(s.emulator.url, 'add_moment_task');
    try {
      extra = await bootApp(s.emulator, { baseUrl: proxy.url });
      // Today publish resolves with the SECOND moment: the caller never learns of the first.
      await extra.app
        .get(MomentService)
        .publish({ text: 'once' })
        .catch((e: unknown) => e);
      expect(s.emulator.moments).toHaveLength(1);
    } finally {
      await extra?.close();
      extra = undefined;
      await proxy.close();
    }
  });

  it('an add_product_album answer lost after WeCom took it is not retried blindly: one album, not two', async () => {
    const proxy = await lossyProxy(s.emulator.url, 'add_product_album');
    try {
      extra = await bootApp(s.emulator, { baseUrl: proxy.url });
      await extra.app
        .get(ProductAlbumService)
        .create({ description: 'once', priceFen: 100, images: [makePng(20, 20)] })
        .catch((e: unknown) => e);
      expect(s.emulator.albums).toHaveLength(1);
    } finally {
      await extra?.close();
      extra = undefined;
      await proxy.close();
    }
  });

  it('aborted while polling (the moment exists at WeCom): the error carries the jobId', async () => {
    s.emulator.stallNextMomentTask(2);
    const controller = new AbortController();
    const publishing = moments()
      .publish({ text: 'x', signal: controller.signal })
      .catch((e: unknown) => e);
    await s.emulator.waitFor((r) => r.api === 'get_moment_task_result');
    controller.abort(new Error('admin left'));
    const error = await publishing;
    const jobId = s.emulator.moments[0]?.jobId;
    expect(jobId).toBeTruthy();
    expect(error).toMatchObject({ jobId });
  });

  it('a poll that fails after add_moment_task succeeded: the error carries the jobId', async () => {
    s.emulator.failNext('get_moment_task_result', 48002);
    const error = await moments()
      .publish({ text: 'x' })
      .catch((e: unknown) => e);
    const jobId = s.emulator.moments[0]?.jobId;
    expect(jobId).toBeTruthy();
    expect(error).toMatchObject({ jobId });
  });

  it('shutdown while polling: the error carries the jobId (it is not a failed publish)', async () => {
    extra = await bootApp(s.emulator, { shutdownTimeoutMs: 100 });
    s.emulator.stallNextMomentTask(2);
    const publishing = extra.app
      .get(MomentService)
      .publish({ text: 'x' })
      .catch((e: unknown) => e);
    await s.emulator.waitFor((r) => r.api === 'get_moment_task_result');
    await extra.close();
    extra = undefined;
    const error = await publishing;
    expect(error).toMatchObject({ jobId: s.emulator.moments[0]?.jobId });
  });

  it('a "done" answer without moment_id is not a published moment (momentId ""), and keeps the jobId', async () => {
    s.emulator.answerNextWith(
      'get_moment_task_result',
      json({ errcode: 0, errmsg: 'ok', status: 3, result: { errcode: 0, errmsg: 'ok' } }),
    );
    const outcome = await moments()
      .publish({ text: 'x' })
      .catch((e: unknown) => e);
    // WeCom has the task: the garbled answer is the cause of a pending error that keeps the jobId.
    expect(outcome).toBeInstanceOf(WecomTaskPendingError);
    expect(outcome).toMatchObject({
      reason: 'poll-failed',
      jobId: s.emulator.moments.at(-1)?.jobId,
    });
    expect((outcome as Error).cause).toBeInstanceOf(WecomProtocolError);
  });

  it('a result errcode that is no number is a protocol error (not errcode NaN), with the jobId', async () => {
    s.emulator.answerNextWith(
      'get_moment_task_result',
      json({ errcode: 0, status: 3, result: { errcode: 'boom', errmsg: 'x' } }),
    );
    const outcome = await moments()
      .publish({ text: 'x' })
      .catch((e: unknown) => e);
    // WeCom has the task: the garbled answer is the cause of a pending error that keeps the jobId.
    expect(outcome).toBeInstanceOf(WecomTaskPendingError);
    expect(outcome).toMatchObject({
      reason: 'poll-failed',
      jobId: s.emulator.moments.at(-1)?.jobId,
    });
    expect((outcome as Error).cause).toBeInstanceOf(WecomProtocolError);
  });

  it('a status 7 from get_moment_task_result is a protocol error, with the jobId', async () => {
    s.emulator.answerNextWith('get_moment_task_result', json({ errcode: 0, status: 7 }));
    const outcome = await moments()
      .publish({ text: 'x' })
      .catch((e: unknown) => e);
    // WeCom has the task: the garbled answer is the cause of a pending error that keeps the jobId.
    expect(outcome).toBeInstanceOf(WecomTaskPendingError);
    expect(outcome).toMatchObject({
      reason: 'poll-failed',
      jobId: s.emulator.moments.at(-1)?.jobId,
    });
    expect((outcome as Error).cause).toBeInstanceOf(WecomProtocolError);
  });

  it('list() does not follow a next_cursor that repeats for ever', async () => {
    const page = {
      errcode: 0,
      errmsg: 'ok',
      next_cursor: 'SAME',
      product_list: [{ product_id: 'p1', price: 100, description: 'd', create_time: 1700000000 }],
    };
    for (let i = 0; i < 60; i += 1) s.emulator.answerNextWith('get_product_album_list', json(page));
    let seen = 0;
    const error = await (async () => {
      for await (const _ of albums().list({ limit: 1 })) {
        seen += 1;
        if (seen >= 50) return 'looped';
      }
      return 'ended';
    })().catch((e: unknown) => e);
    expect(error).not.toBe('looped');
  });

  it('list(): a create_time WeCom garbles gives no Invalid Date; a price that is no fen is refused', async () => {
    s.emulator.answerNextWith(
      'get_product_album_list',
      json({
        errcode: 0,
        product_list: [
          { product_id: 'p1', price: 100, description: 'd', create_time: 1e15 },
          { product_id: 'p2', price: -0.5, description: 'd', create_time: 1700000000 },
        ],
      }),
    );
    const all: Array<{ createdAt?: Date; priceFen: number }> = [];
    const outcome = await (async () => {
      for await (const a of albums().list()) all.push(a);
    })().catch((e: unknown) => e);
    // Either the answer is refused as garbled, or what is yielded is sound.
    const sound = all.every(
      (a) =>
        (a.createdAt === undefined || !Number.isNaN(a.createdAt.getTime())) &&
        Number.isSafeInteger(a.priceFen) &&
        a.priceFen >= 0,
    );
    expect(outcome instanceof WecomProtocolError || sound).toBe(true);
  });
});
