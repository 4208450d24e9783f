// Traces and metrics attacked by a hostile caller and read by a demanding operator (Prometheus,
// Grafana) — the review of issue 23: no series minted by a caller, no attribute of a send that
// never happened, no callback's words, and no span parented to an upload that did not wait for it.
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  AttachmentType,
  WecomApiError,
  WecomCredentialSourceError,
  WecomInvalidCredentialsError,
} from '../../lib/index.js';
import { UNSERVED_CORP } from '../../lib/operations/telemetry/corp-labels.js';
import { webpOf } from '../helpers/images.js';
import { registerOtel, type TestOtel } from '../helpers/otel.js';
import { bootApp, emulatorSuite } from '../helpers/wecom-test-app.js';
import { input } from '../helpers/moment-input.js';

describe('traces and metrics, attacked', () => {
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
  /** Every corp_id of every metric point so far. */
  const corpIdsOnMetrics = async (): Promise<Set<unknown>> => {
    const corpIds = new Set<unknown>();
    for (const metric of await otel.collect()) {
      for (const point of metric.dataPoints as Array<{ attributes: Record<string, unknown> }>) {
        corpIds.add(point.attributes.corp_id);
      }
    }
    return corpIds;
  };

  it('a caller naming corps the module does not serve mints no corp_id series: they share one bucket', async () => {
    // A single-corp module behind an app that passes the tenant's corpId from the request.
    const bogus = [
      ...Array.from({ length: 50 }, (_, i) => `wwattacker${String(i).padStart(8, '0')}`),
      'x'.repeat(4096), // not even a corp id
    ];
    for (const corpId of bogus) {
      await expect(s.app.service.upload(input({ corpId }))).rejects.toThrow(/corp/i);
    }
    // Each corp_id is a series of wecom.uploads and of wecom.upload.duration (×15 buckets).
    const minted = [...(await corpIdsOnMetrics())].filter(
      (id) => id !== s.emulator.corpId && id !== undefined && id !== UNSERVED_CORP,
    );
    expect(minted).toEqual([]);
    expect(await otel.sum('wecom.uploads', { corp_id: UNSERVED_CORP })).toBe(bogus.length);
    // A span is no series, but a 4 KiB "corp id" on it is no better: a corp it does not serve is not named.
    const named = uploadSpans(newSpans()).map((span) => span.attributes['wecom.corp_id']);
    expect(named.filter((id) => id !== undefined)).toEqual([]);
  });

  it('many corps (secretFor): a corp gets series of its own once WeCom issued its token, the unknown share one', async () => {
    const many = await bootApp(s.emulator, {
      secretFor: (corpId) => (corpId === s.emulator.corpId ? s.emulator.corpSecret : 'no-such-app'),
    });
    try {
      for (let i = 0; i < 5; i++) {
        const corpId = `wwtenant${String(i).padStart(9, '0')}`;
        await expect(many.service.upload(input({ corpId }))).rejects.toThrow(
          WecomInvalidCredentialsError,
        );
      }
      await many.service.upload(input({ corpId: s.emulator.corpId }));
      const served = await otel.sum('wecom.uploads', { outcome: 'ok', corp_id: s.emulator.corpId });
      expect(served).toBeGreaterThan(0);
      expect(
        [...(await corpIdsOnMetrics())].filter((id) => String(id).startsWith('wwtenant')),
      ).toEqual([]);
    } finally {
      await many.close();
    }
  });

  it('refused credentials: nothing reached upload_attachment, so no attempt, no byte, and no errcode of the cool-down', async () => {
    const wrong = await bootApp(s.emulator, { corpSecret: 'wrong-secret-for-review-23' });
    try {
      newSpans();
      for (let i = 0; i < 2; i++) {
        await expect(wrong.service.upload(input())).rejects.toThrow(WecomInvalidCredentialsError);
      }
      expect(s.emulator.uploads).toHaveLength(0);
      expect(s.emulator.gettokenCalls).toBe(1); // the second upload met the cool-down: no call at all
      const [first, second] = uploadSpans(newSpans());
      const sent = (span?: ReadableSpan) => ({
        size: span?.attributes['wecom.size'],
        attempts: span?.attributes['wecom.attempts'],
      });
      expect(sent(first)).toEqual({ size: 0, attempts: 0 });
      expect(sent(second)).toEqual({ size: 0, attempts: 0 });
      // The first met gettoken's answer; the second was answered by the cool-down, not by WeCom.
      expect(first?.attributes['wecom.errcode']).toBe(40001);
      expect(second?.attributes['wecom.errcode']).toBeUndefined();
    } finally {
      await wrong.close();
    }
  });

  it('a call the module held back itself (maxQueuedCalls, a local 45009): no attempt, no byte', async () => {
    // A token provider that tells when it is asked (the upload then holds the corp's one place).
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
      ).rejects.toMatchObject({
        name: 'WecomRateLimitError',
        local: true,
      });
      stop.abort();
      await holding;
      const refused = uploadSpans(newSpans()).find((span) =>
        span.status.message?.includes('maxQueuedCalls'),
      );
      expect(s.emulator.uploads).toHaveLength(0);
      expect(refused?.attributes).toMatchObject({ 'wecom.attempts': 0, 'wecom.size': 0 });
      expect(refused?.attributes['wecom.errcode']).toBeUndefined();
    } finally {
      stop.abort();
      await limited.close();
    }
  });

  it('an image fitted and then refused by WeCom: wecom.fitted true, and the fitted bytes as the size', async () => {
    const fitting = await bootApp(s.emulator, { fit: true });
    try {
      newSpans();
      s.emulator.failNext('upload_attachment', 40004);
      const file = await webpOf(800, 600);
      await expect(
        fitting.service.upload(
          input({ file, filename: 'shoe.webp', attachmentType: AttachmentType.ProductAlbum }),
        ),
      ).rejects.toThrow(WecomApiError);
      const [span] = uploadSpans(newSpans());
      expect(span?.attributes['wecom.size']).toBe(s.emulator.uploads[0]?.upload?.size);
      expect(span?.attributes['wecom.fitted']).toBe(true);
    } finally {
      await fitting.close();
    }
  });

  it("a secretFor error (naming a credential the module never saw) is named by its class on the span, without the callback's words", async () => {
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
      const [span] = uploadSpans(newSpans());
      expect(span?.status.message).toBe(
        `the credential callback secretFor('${s.emulator.corpId}') threw; nothing was sent to WeCom`,
      );
      const everything = JSON.stringify({ status: span?.status, events: span?.events });
      expect(everything).toContain('WecomCredentialSourceError');
      expect(everything).not.toContain(vaultToken);
    } finally {
      await many.close();
    }
  });

  it('a refresh ahead of expiry is a root span linked to the upload that started it, not its child', async () => {
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
    // The upload ended before the fetch it started, and did not wait for it.
    const order = spans.map((span) => span.name);
    expect(order.indexOf('wecom.upload_attachment')).toBeLessThan(order.indexOf('wecom.gettoken'));
    expect(token?.parentSpanContext).toBeUndefined();
    expect(token?.spanContext().traceId).not.toBe(upload?.spanContext().traceId);
    expect(token?.links.map((link) => link.context.spanId)).toEqual([upload?.spanContext().spanId]);
  });
});
