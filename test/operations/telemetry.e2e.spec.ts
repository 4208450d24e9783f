import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AttachmentRuleError,
  WecomApiError,
  WecomInvalidCredentialsError,
} from '../../lib/index.js';
import { DURATION_BUCKETS_S } from '../../lib/operations/telemetry/wecom-telemetry.js';
import { registerOtel, type TestOtel } from '../helpers/otel.js';
import { bootApp, emulatorSuite, type TestApp } from '../helpers/wecom-test-app.js';
import { input, png } from '../helpers/moment-input.js';

describe('traces and metrics of uploads, with an OpenTelemetry SDK registered', () => {
  let otel: TestOtel;
  /** Every token and secret the emulators saw, for the last test's scan. */
  const secrets = new Set<string>();
  beforeAll(() => {
    otel = registerOtel();
  });
  afterAll(() => otel.shutdown());

  const s = emulatorSuite();
  afterEach(() => {
    for (const token of s.emulator.issuedTokens) secrets.add(token);
    secrets.add(s.emulator.corpSecret);
  });
  /** The spans ended since the last call. */
  let seen = 0;
  const newSpans = (): ReadableSpan[] => {
    const all = otel.spans();
    const fresh = all.slice(seen);
    seen = all.length;
    return fresh;
  };
  const named = (spans: ReadableSpan[], name: string): ReadableSpan[] =>
    spans.filter((span) => span.name === name);
  const only = (spans: ReadableSpan[], name: string): ReadableSpan => {
    const found = named(spans, name);
    expect(found.map((span) => span.name)).toEqual([name]);
    return found[0]!;
  };
  const exceptionOf = (span: ReadableSpan) =>
    span.events.find((e) => e.name === 'exception')?.attributes;

  it('an upload is one CLIENT span with every attribute, and its token fetch a child span', async () => {
    newSpans();
    await s.app.service.upload(input());
    const spans = newSpans();
    const upload = only(spans, 'wecom.upload_attachment');
    expect(upload.kind).toBe(SpanKind.CLIENT);
    expect(upload.instrumentationScope.name).toBe('nestjs-wecom-media');
    expect(upload.attributes).toEqual({
      'wecom.corp_id': s.emulator.corpId,
      'wecom.media_type': 'image',
      'wecom.attachment_type': 1,
      'wecom.reused': false,
      'wecom.fitted': false,
      'wecom.errcode': 0,
      'wecom.size': s.emulator.uploads[0]?.upload?.size,
      'wecom.attempts': 1,
    });
    expect(upload.attributes['wecom.size']).toBe(png.length);
    // No header of the module's own: trace context goes out only if the app's HTTP instrumentation adds it.
    const sent = Object.keys(s.emulator.uploads[0]?.headers ?? {});
    expect(sent.filter((h) => /traceparent|tracestate|baggage|^x-/i.test(h))).toEqual([]);
    expect(upload.status.code).toBe(SpanStatusCode.UNSET);
    const token = only(spans, 'wecom.gettoken');
    expect(token.kind).toBe(SpanKind.CLIENT);
    expect(token.parentSpanContext?.spanId).toBe(upload.spanContext().spanId);
    expect(token.attributes).toEqual({
      'wecom.api': '/cgi-bin/gettoken',
      'wecom.corp_id': s.emulator.corpId,
    });

    // The token is held now: the next upload has no gettoken span.
    await s.app.service.upload(input({ filename: 'second.png' }));
    expect(newSpans().map((span) => span.name)).toEqual(['wecom.upload_attachment']);
  });

  it('a token WeCom calls expired: two attempts, a second token fetch, and a log line with the trace id', async () => {
    await s.app.service.upload(input({ filename: 'warm.png' }));
    newSpans();
    s.emulator.failNext('upload_attachment', 42001);
    await s.app.service.upload(input());
    const spans = newSpans();
    const upload = only(spans, 'wecom.upload_attachment');
    expect(upload.attributes).toMatchObject({ 'wecom.attempts': 2, 'wecom.errcode': 0 });
    expect(only(spans, 'wecom.gettoken').parentSpanContext?.spanId).toBe(
      upload.spanContext().spanId,
    );
    const { traceId } = upload.spanContext();
    const line = s.app.logs.lines.find((l) => l.includes('errcode 42001'));
    expect(line).toContain(`(trace ${traceId})`);
    expect(line).toContain(`corp ${s.emulator.corpId}`);
  });

  it('a rule failure: ERROR with the error class as the exception type, nothing sent', async () => {
    newSpans();
    const text = Buffer.from('not an image, only words');
    await expect(s.app.service.upload(input({ file: text }))).rejects.toThrow(AttachmentRuleError);
    const upload = only(newSpans(), 'wecom.upload_attachment');
    expect(upload.status.code).toBe(SpanStatusCode.ERROR);
    expect(exceptionOf(upload)?.['exception.type']).toBe('AttachmentRuleError');
    expect(upload.attributes).toMatchObject({ 'wecom.size': 0, 'wecom.attempts': 0 });
    expect(upload.attributes['wecom.errcode']).toBeUndefined();
  });

  it.each([
    [40004, 'WecomApiError', 'wecom_error'],
    [45009, 'WecomRateLimitError', 'rate_limited'],
  ])(
    'WeCom answering %i: its errcode on the span, the class %s, outcome %s',
    async (errcode, type, outcome) => {
      await s.app.service.upload(input({ filename: 'warm.png' }));
      newSpans();
      const before = await otel.sum('wecom.uploads', { outcome });
      s.emulator.failNext('upload_attachment', errcode);
      await expect(s.app.service.upload(input())).rejects.toThrow(WecomApiError);
      const upload = only(newSpans(), 'wecom.upload_attachment');
      expect(upload.attributes).toMatchObject({ 'wecom.errcode': errcode, 'wecom.attempts': 1 });
      expect(upload.status.code).toBe(SpanStatusCode.ERROR);
      expect(exceptionOf(upload)?.['exception.type']).toBe(type);
      expect(await otel.sum('wecom.uploads', { outcome })).toBe(before + 1);
    },
  );

  it('WeCom out of reach: outcome network, the class WecomNetworkError (not its code)', async () => {
    await s.app.service.upload(input({ filename: 'warm.png' }));
    newSpans();
    const before = await otel.sum('wecom.uploads', { outcome: 'network' });
    s.emulator.resetNext('upload_attachment', 2);
    await expect(s.app.service.upload(input())).rejects.toThrow(/could not be reached/);
    const upload = only(newSpans(), 'wecom.upload_attachment');
    expect(exceptionOf(upload)?.['exception.type']).toBe('WecomNetworkError');
    expect(upload.attributes['wecom.attempts']).toBe(2);
    expect(await otel.sum('wecom.uploads', { outcome: 'network' })).toBe(before + 1);
  });

  it('counts every upload by outcome, media type and corp, times it in seconds, and counts token fetches', async () => {
    const corp = { corp_id: s.emulator.corpId, media_type: 'image' };
    const ok = await otel.sum('wecom.uploads', { ...corp, outcome: 'ok' });
    const rule = await otel.sum('wecom.uploads', { ...corp, outcome: 'rule' });
    const fetches = await otel.sum('wecom.token.fetches', { corp_id: s.emulator.corpId });
    const timed = (await otel.histogram('wecom.upload.duration')).reduce(
      (n, p) => n + p.value.count,
      0,
    );
    for (let i = 0; i < 3; i++) await s.app.service.upload(input({ filename: `ok-${i}.png` }));
    await s.app.service.upload(input({ file: Buffer.from('words') })).catch(() => undefined);
    expect(await otel.sum('wecom.uploads', { ...corp, outcome: 'ok' })).toBe(ok + 3);
    expect(await otel.sum('wecom.uploads', { ...corp, outcome: 'rule' })).toBe(rule + 1);
    expect(await otel.sum('wecom.token.fetches', { corp_id: s.emulator.corpId })).toBe(
      fetches + s.emulator.gettokenCalls,
    );
    expect(s.emulator.gettokenCalls).toBe(1);
    const duration = (await otel.collect()).find(
      (m) => m.descriptor.name === 'wecom.upload.duration',
    );
    expect(duration?.descriptor.unit).toBe('s');
    const points = await otel.histogram('wecom.upload.duration');
    expect(points[0]?.value.buckets.boundaries).toEqual(DURATION_BUCKETS_S);
    expect(points.reduce((n, p) => n + p.value.count, 0)).toBe(timed + 4);
    // Seconds, not milliseconds: an upload to a local emulator takes well under one.
    expect(points.every((p) => (p.value.max ?? 0) < 10)).toBe(true);
  });

  it('a cache hit: reused, nothing sent, outcome reused', async () => {
    const cached = await bootApp(s.emulator, { mediaCache: true });
    try {
      await cached.service.upload(input());
      newSpans();
      const before = await otel.sum('wecom.uploads', { outcome: 'reused' });
      expect((await cached.service.upload(input())).reused).toBe(true);
      const upload = only(newSpans(), 'wecom.upload_attachment');
      expect(upload.attributes).toMatchObject({
        'wecom.reused': true,
        'wecom.size': 0,
        'wecom.attempts': 0,
      });
      expect(upload.attributes['wecom.errcode']).toBeUndefined();
      expect(await otel.sum('wecom.uploads', { outcome: 'reused' })).toBe(before + 1);
    } finally {
      await cached.close();
    }
  });

  it('refused credentials: the gettoken span and fetch say so, and the cool-down fetches nothing', async () => {
    let wrong: TestApp | undefined;
    try {
      wrong = await bootApp(s.emulator, { corpSecret: 'a-wrong-secret-for-the-scan' });
      secrets.add('a-wrong-secret-for-the-scan');
      newSpans();
      const refused = await otel.sum('wecom.token.fetches', { outcome: 'refused' });
      for (let i = 0; i < 2; i++) {
        await expect(wrong.service.upload(input())).rejects.toThrow(WecomInvalidCredentialsError);
      }
      const spans = newSpans();
      expect(named(spans, 'wecom.upload_attachment')).toHaveLength(2);
      const token = only(spans, 'wecom.gettoken'); // the second upload met the cool-down
      expect(token.attributes['wecom.errcode']).toBe(40001);
      expect(exceptionOf(token)?.['exception.type']).toBe('WecomInvalidCredentialsError');
      expect(await otel.sum('wecom.token.fetches', { outcome: 'refused' })).toBe(refused + 1);
    } finally {
      await wrong?.close();
    }
  });

  it('corpIdOnMetrics: false leaves corp_id off the metrics, not off the span', async () => {
    const many = await bootApp(s.emulator, { telemetry: { corpIdOnMetrics: false } });
    try {
      newSpans();
      await many.service.upload(input());
      const without = (await otel.collect()).flatMap((m) =>
        (m.dataPoints as Array<{ attributes: Record<string, unknown> }>)
          .filter((p) => p.attributes.corp_id === undefined)
          .map((p) => [m.descriptor.name, p.attributes]),
      );
      expect(without).toEqual([
        ['wecom.uploads', { outcome: 'ok', media_type: 'image' }],
        ['wecom.upload.duration', { outcome: 'ok', media_type: 'image' }],
        ['wecom.token.fetches', { outcome: 'ok' }],
      ]);
      const upload = only(newSpans(), 'wecom.upload_attachment');
      expect(upload.attributes['wecom.corp_id']).toBe(s.emulator.corpId);
    } finally {
      await many.close();
    }
  });

  it('no token, secret or its words in any span, event, status or metric of this file', async () => {
    await s.app.service.upload(input());
    for (const token of s.emulator.issuedTokens) secrets.add(token);
    expect(secrets.size).toBeGreaterThan(3);
    const everything = await otel.everything();
    expect(everything).toContain('wecom.upload_attachment');
    expect([...secrets].filter((secret) => everything.includes(secret))).toEqual([]);
  });
});
