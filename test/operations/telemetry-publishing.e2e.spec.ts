import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AttachmentType,
  MediaType,
  MomentService,
  ProductAlbumService,
  WecomApiError,
} from '../../lib/index.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { registerOtel, type TestOtel } from '../helpers/otel.js';
import { emulatorSuite } from '../helpers/wecom-test-app.js';

const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;
const idOf = (span: ReadableSpan): string => span.spanContext().spanId;

describe('an SDK registered after the app booted, and the spans of publishing', () => {
  // Each test's app boots before it runs; the first one's before any SDK exists.
  const s = emulatorSuite();
  let otel: TestOtel | undefined;
  afterAll(() => otel?.shutdown());
  const upload = () =>
    s.app.service.upload({
      file: makePng(64, 64),
      filename: 'late.png',
      mediaType: MediaType.Image,
      attachmentType: AttachmentType.ProductAlbum,
    });

  it('uses an SDK registered after the module was imported and booted (the meter is looked up lazily)', async () => {
    await upload(); // no SDK yet: nothing to record, nothing broken
    otel = registerOtel();
    await upload();
    expect(otel.spansNamed('wecom.upload_attachment')).toHaveLength(1);
    expect(await otel.sum('wecom.uploads', { outcome: 'ok', corp_id: s.emulator.corpId })).toBe(1);
  });

  it('MomentService.publish: a publish span over the uploads, add_moment_task and each poll', async () => {
    const sdk = otel ?? registerOtel();
    const before = sdk.spans().length;
    const result = await s.app.app.get(MomentService).publish({
      text: '新品',
      images: [makePng(300, 200), makePng(200, 300)],
    });
    const spans = sdk.spans().slice(before);
    const [publish] = spans.filter((span) => span.name === 'wecom.publish_moment');
    expect(publish?.kind).toBe(SpanKind.INTERNAL);
    expect(publish?.attributes['wecom.corp_id']).toBe(s.emulator.corpId);
    const children = spans.filter((span) => parentOf(span) === idOf(publish!));
    const names = children.map((span) => span.name);
    expect(names.filter((n) => n === 'wecom.upload_attachment')).toHaveLength(2);
    const add = children.find((span) => span.name === 'wecom.add_moment_task');
    expect(add?.kind).toBe(SpanKind.CLIENT);
    expect(add?.attributes).toEqual({
      'wecom.corp_id': s.emulator.corpId,
      'wecom.job_id': result.jobId,
    });
    const polls = children.filter((span) => span.name === 'wecom.get_moment_task_result');
    expect(polls.length).toBeGreaterThanOrEqual(1);
    expect(polls.at(-1)?.attributes).toMatchObject({
      'wecom.job_id': result.jobId,
      'wecom.task_status': 3,
    });
    // The uploads came first, then the task, then its polls.
    const order = children.map((span) => span.name).filter((n, i, all) => all.indexOf(n) === i);
    expect(order).toEqual([
      'wecom.upload_attachment',
      'wecom.add_moment_task',
      'wecom.get_moment_task_result',
    ]);
  });

  it('ProductAlbumService.create: a span over the uploads and add_product_album; a refusal marks it failed', async () => {
    const sdk = otel ?? registerOtel();
    const albums = s.app.app.get(ProductAlbumService);
    let before = sdk.spans().length;
    await albums.create({ description: '春季新品', priceFen: 9900, images: [makePng(400, 400)] });
    let spans = sdk.spans().slice(before);
    const create = spans.find((span) => span.name === 'wecom.create_product_album');
    const children = spans.filter((span) => parentOf(span) === idOf(create!)).map((x) => x.name);
    expect(children).toEqual(['wecom.upload_attachment', 'wecom.add_product_album']);

    before = sdk.spans().length;
    s.emulator.failNext('add_product_album', 48002);
    await expect(
      albums.create({ description: '秋季', priceFen: 100, images: [makePng(401, 400)] }),
    ).rejects.toThrow(WecomApiError);
    spans = sdk.spans().slice(before);
    const add = spans.find((span) => span.name === 'wecom.add_product_album');
    expect(add?.status.code).toBe(SpanStatusCode.ERROR);
    expect(add?.attributes['wecom.errcode']).toBe(48002);
    const failed = spans.find((span) => span.name === 'wecom.create_product_album');
    expect(failed?.status.code).toBe(SpanStatusCode.ERROR);
  });
});
