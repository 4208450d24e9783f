// Review of issue 23 (hostile): traces and metrics attacked by a hostile caller and read by a
// demanding operator (Prometheus/Grafana). Failing tests are the evidence of a finding.
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  AttachmentType,
  MediaType,
  WecomCredentialSourceError,
  WecomInvalidCredentialsError,
  WecomApiError,
  type AttachmentInput,
} from '../../lib/index.js';
import { webpOf } from '../helpers/images.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { registerOtel, type TestOtel } from '../helpers/otel.js';
import { bootApp, emulatorSuite } from '../helpers/wecom-test-app.js';

const png = makePng(120, 80);
const input = (over: Partial<AttachmentInput> = {}): AttachmentInput =>
  ({
    file: png,
    filename: 'product.png',
    mediaType: MediaType.Image,
    attachmentType: AttachmentType.Moment,
    ...over,
  }) as AttachmentInput;

describe('review 23: traces and metrics', () => {
  let otel: TestOtel;
  beforeAll(() => {
    otel = registerOtel();
  });
  afterAll(() => otel.shutdown());
  const s = emulatorSuite();

  let seen = 0;
  const newSpans = (): ReadableSpan[] => {
    const all = otel.spans();
    const fresh = all.slice(seen);
    seen = all.length;
    return fresh;
  };
  const uploadSpans = (spans: ReadableSpan[]) =>
    spans.filter((span) => span.name === 'wecom.upload_attachment');

  it('F5: a caller that names corps the module does not serve cannot mint corp_id series on the metrics', async () => {
    // A single-corp module behind an app that passes the tenant's corpId from the request.
    const bogus = [
      ...Array.from({ length: 50 }, (_, i) => `wwattacker${String(i).padStart(8, '0')}`),
      'x'.repeat(4096), // not even a corp id
    ];
    for (const corpId of bogus) {
      await expect(s.app.service.upload(input({ corpId }))).rejects.toThrow(/corp/i);
    }
    const corpIds = new Set<unknown>();
    for (const metric of await otel.collect()) {
      for (const point of metric.dataPoints as Array<{ attributes: Record<string, unknown> }>) {
        corpIds.add(point.attributes.corp_id);
      }
    }
    // Every refused corp id became a series of wecom.uploads and wecom.upload.duration (×15
    // buckets): a Prometheus cardinality bomb, and a 4 KiB label value.
    const minted = [...corpIds].filter((id) => id !== s.emulator.corpId && id !== undefined);
    expect({
      count: minted.length,
      longest: Math.max(0, ...minted.map((id) => String(id).length)),
    }).toEqual({ count: 0, longest: 0 });
    // The span is not a metric, but a 4 KiB "corp id" on it is no better.
    const longest = Math.max(
      ...uploadSpans(newSpans()).map((span) => String(span.attributes['wecom.corp_id']).length),
    );
    expect(longest).toBeLessThanOrEqual(80);
  });

  it('F6: refused credentials — nothing reached upload_attachment, yet the upload span says 1 attempt, N bytes sent and WeCom errcode 40001', async () => {
    const wrong = await bootApp(s.emulator, { corpSecret: 'wrong-secret-for-review-23' });
    try {
      newSpans();
      for (let i = 0; i < 2; i++) {
        await expect(wrong.service.upload(input())).rejects.toThrow(WecomInvalidCredentialsError);
      }
      expect(s.emulator.uploads).toHaveLength(0); // no byte was sent to upload_attachment
      expect(s.emulator.gettokenCalls).toBe(1); // the second upload met the cool-down: no call at all
      const [first, second] = uploadSpans(newSpans());
      const sent = (span?: ReadableSpan) => ({
        size: span?.attributes['wecom.size'],
        attempts: span?.attributes['wecom.attempts'],
      });
      // "wecom.size (bytes sent)", "wecom.attempts" (requests sent to upload_attachment)
      expect(sent(first)).toEqual({ size: 0, attempts: 0 });
      expect(sent(second)).toEqual({ size: 0, attempts: 0 });
      // "wecom.errcode (when WeCom answered)": for the second, WeCom was not even asked.
      expect(second?.attributes['wecom.errcode']).toBeUndefined();
    } finally {
      await wrong.close();
    }
  });

  it('F6b: a call the module held back itself (maxQueuedCalls, local 45009) says wecom.attempts 1 though WeCom was not called', async () => {
    // A token provider that tells when it is asked (the upload holds the corp's one place then)
    // and answers when the test says.
    let asked!: () => void;
    const placeTaken = new Promise<void>((resolve) => (asked = resolve));
    const stop = new AbortController();
    const limited = await bootApp(s.emulator, {
      tokenProvider: {
        getToken: ({ signal }) =>
          new Promise<string>((_, reject) => {
            asked();
            signal?.addEventListener('abort', () => reject(signal.reason));
          }),
        invalidate: () => Promise.resolve(),
      },
      maxConcurrentCalls: 1,
      maxQueuedCalls: 0,
    });
    try {
      const holding = limited.service
        .upload(input({ filename: 'holds-the-place.png', signal: stop.signal }))
        .catch(() => undefined);
      await placeTaken;
      newSpans();
      await expect(
        limited.service.upload(input({ filename: 'refused.png' })),
      ).rejects.toMatchObject({ name: 'WecomRateLimitError', local: true });
      stop.abort();
      await holding;
      const refused = uploadSpans(newSpans()).find((span) =>
        span.status.message?.includes('maxQueuedCalls'),
      );
      expect(s.emulator.uploads).toHaveLength(0); // nothing was sent
      expect(refused?.attributes['wecom.attempts']).toBe(0);
      expect(refused?.attributes['wecom.size']).toBe(0);
    } finally {
      stop.abort();
      await limited.close();
    }
  });

  it('F7: an image fitted and then refused by WeCom: the span says wecom.fitted false', async () => {
    const fitting = await bootApp(s.emulator, { fit: true });
    try {
      newSpans();
      s.emulator.failNext('upload_attachment', 40004);
      await expect(
        fitting.service.upload(
          input({
            file: await webpOf(800, 600),
            filename: 'shoe.webp',
            attachmentType: AttachmentType.ProductAlbum,
          }),
        ),
      ).rejects.toThrow(WecomApiError);
      const sentBytes = s.emulator.uploads[0]?.upload?.size;
      const [span] = uploadSpans(newSpans());
      expect(span?.attributes['wecom.size']).toBe(sentBytes); // the fitted JPEG's bytes: right
      expect(span?.attributes['wecom.fitted']).toBe(true); // …but it says it was not fitted
    } finally {
      await fitting.close();
    }
  });

  it('F8: a secretFor error text (with a credential the module never saw) lands in the span status and exception event', async () => {
    const vaultToken = 'hvs.CAESIJreviewtwentythreevaulttoken98765';
    const many = await bootApp(s.emulator, {
      corpId: s.emulator.corpId,
      secretFor: () => {
        throw new Error(`vault denied X-Vault-Token=${vaultToken}`);
      },
    });
    try {
      newSpans();
      await expect(many.service.upload(input())).rejects.toThrow(WecomCredentialSourceError);
      const everything = JSON.stringify(
        uploadSpans(newSpans()).map((span) => ({ status: span.status, events: span.events })),
      );
      expect(everything).toContain('WecomCredentialSourceError');
      expect(everything).not.toContain(vaultToken);
    } finally {
      await many.close();
    }
  });

  it('F9: a refresh ahead of expiry is traced as a child of an upload that never waited for it (and ended first)', async () => {
    await s.app.service.upload(input({ filename: 'warm.png' }));
    newSpans();
    const fetched = otel.spansNamed('wecom.gettoken').length;
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      // 116 minutes on: inside the refresh-ahead window, the held token is still usable.
      vi.setSystemTime(Date.now() + 116 * 60_000);
      await s.app.service.upload(input());
      await expect
        .poll(() => otel.spansNamed('wecom.gettoken').length, { timeout: 5_000, interval: 10 })
        .toBe(fetched + 1);
    } finally {
      vi.useRealTimers();
    }
    const spans = newSpans();
    const upload = uploadSpans(spans)[0];
    const token = spans.find((span) => span.name === 'wecom.gettoken');
    const order = spans.map((span) => span.name);
    // The upload ended before the fetch it "needed" (the docs: "a child of the upload that needed it").
    expect(order.indexOf('wecom.upload_attachment')).toBeLessThan(order.indexOf('wecom.gettoken'));
    // It should not be the upload's child (a root span, or a link to the upload, would say what happened).
    expect(token?.parentSpanContext?.spanId).not.toBe(upload?.spanContext().spanId);
  });
});
