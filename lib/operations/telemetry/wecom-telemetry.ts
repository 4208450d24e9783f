import type { Attributes, Counter, Histogram, Meter, Span, SpanContext } from '@opentelemetry/api';
import { MediaType } from '../../media-type.enum.js';
import { CorpLabels, type CorpLabelSettings } from './corp-labels.js';
import { factsOf, outcomeOf, type UploadOutcome } from './error-facts.js';
import { otelApi, type OtelApi } from './otel-api.js';

/** The name of the module's tracer and meter. */
export const INSTRUMENTATION_NAME = 'nestjs-wecom-media';

/**
 * Bucket bounds of `wecom.upload.duration`, in seconds: from a cache hit (milliseconds) to a
 * 10 MiB video on a slow link. The SDK's default bounds are meant for milliseconds.
 */
export const DURATION_BUCKETS_S = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120,
];

/** What an upload records as it goes: filled in by the service and the client. */
export interface UploadTally {
  /** Requests sent to upload_attachment (retries included); 0 when none was. */
  attempts: number;
  /** Bytes of the body's file part, once known: reported only when a request was sent. */
  size: number;
  /** True once the image was fitted, whatever became of the upload after. */
  fitted: boolean;
}

/** Marks `span` failed by `error`: its class as the exception type, never a secret. */
function fail(api: OtelApi, span: Span, error: unknown): void {
  const facts = factsOf(error);
  if (facts.errcode !== undefined) span.setAttribute('wecom.errcode', facts.errcode);
  // A fresh object: an error's own `code` (ECONNRESET) would win as the exception type.
  span.recordException({ name: facts.type, ...(facts.message ? { message: facts.message } : {}) });
  span.setStatus({ code: api.SpanStatusCode.ERROR, message: facts.message ?? facts.type });
}

/**
 * Runs `run` in a span of its own (a child of the active one), ended with its outcome: for the
 * calls of publishing, which `run` may annotate. Without @opentelemetry/api, runs it as it is.
 */
export async function traced<T>(
  name: string,
  attributes: Attributes,
  run: (span: Span | undefined) => Promise<T>,
  kind: 'client' | 'internal' = 'client',
): Promise<T> {
  const api = otelApi();
  if (!api) return run(undefined);
  const spanKind = kind === 'client' ? api.SpanKind.CLIENT : api.SpanKind.INTERNAL;
  const tracer = api.trace.getTracer(INSTRUMENTATION_NAME);
  const active = api.context.active();
  // The first span of detached work links to the span that started it (see detached).
  const trigger = api.trace.getSpan(active) ? undefined : active.getValue(TRIGGERED_BY);
  const links = trigger ? [{ context: trigger as SpanContext }] : undefined;
  return tracer.startActiveSpan(name, { kind: spanKind, attributes, links }, async (span) => {
    try {
      return await run(span);
    } catch (error) {
      fail(api, span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Where detached work keeps the span that started it. */
const TRIGGERED_BY = Symbol('the span that started detached work');

/**
 * Runs `run` outside the active trace, for work its caller does not wait for (a token refreshed
 * ahead of expiry): as a child it would outlive the span it belongs to, and a trace would show an
 * upload waiting for a fetch it never waited for. Its spans are roots, linked to that span.
 */
export function detached<T>(run: () => T): T {
  const api = otelApi();
  if (!api) return run();
  const trigger = api.trace.getActiveSpan()?.spanContext();
  const root =
    trigger && api.isSpanContextValid(trigger)
      ? api.ROOT_CONTEXT.setValue(TRIGGERED_BY, trigger)
      : api.ROOT_CONTEXT;
  return api.context.with(root, run);
}

/** The module's instruments, made from one meter. */
interface Instruments {
  meter: Meter;
  uploads: Counter;
  duration: Histogram;
  tokenFetches: Counter;
}

/**
 * The module's traces and metrics, through @opentelemetry/api when the app has it (loaded at
 * boot, see otel-api.ts). The meter is looked up at each use, so that an SDK registered after the
 * module was imported, or after it booted, is the one used. Without the API every method runs its
 * work as it is.
 */
export class WecomTelemetry {
  private instruments?: Instruments;
  private readonly corps: CorpLabels;

  constructor(settings: CorpLabelSettings) {
    this.corps = new CorpLabels(settings);
  }

  /**
   * One upload in its span `wecom.upload_attachment` (made active, so that a token fetch is its
   * child), counted in `wecom.uploads` and timed in `wecom.upload.duration`.
   */
  async upload<T extends { reused: boolean; fitted?: unknown }>(
    facts: { corpId: string | undefined; mediaType: unknown; attachmentType: unknown },
    run: (tally: UploadTally) => Promise<T>,
  ): Promise<T> {
    const tally: UploadTally = { attempts: 0, size: 0, fitted: false };
    const api = otelApi();
    if (!api) return run(tally);
    const mediaType = (Object.values(MediaType) as unknown[]).includes(facts.mediaType)
      ? (facts.mediaType as string)
      : 'invalid';
    const attributes: Attributes = {
      'wecom.media_type': mediaType,
      'wecom.attachment_type': Number(facts.attachmentType),
    };
    const corpId = this.corps.forSpan(facts.corpId);
    if (corpId !== undefined) attributes['wecom.corp_id'] = corpId;
    const started = performance.now();
    const tracer = api.trace.getTracer(INSTRUMENTATION_NAME);
    const kind = api.SpanKind.CLIENT;
    return tracer.startActiveSpan('wecom.upload_attachment', { kind, attributes }, async (span) => {
      let outcome: UploadOutcome = 'other';
      try {
        const result = await run(tally);
        outcome = result.reused ? 'reused' : 'ok';
        this.corps.vouch(facts.corpId);
        const fitted = !!result.fitted || tally.fitted;
        span.setAttributes({ 'wecom.reused': result.reused, 'wecom.fitted': fitted });
        if (!result.reused) span.setAttribute('wecom.errcode', 0);
        return result;
      } catch (error) {
        const failed = outcomeOf(error);
        outcome = failed === 'refused' ? 'wecom_error' : failed;
        span.setAttributes({ 'wecom.reused': false, 'wecom.fitted': tally.fitted });
        fail(api, span, error);
        throw error;
      } finally {
        // Bytes only of a request that left: none reached WeCom during a cool-down or a 45009 of its own.
        const size = tally.attempts > 0 ? tally.size : 0;
        span.setAttributes({ 'wecom.size': size, 'wecom.attempts': tally.attempts });
        span.end();
        const measured: Attributes = { outcome, media_type: mediaType };
        const label = this.corps.forMetric(facts.corpId);
        if (label !== undefined) measured.corp_id = label;
        const { uploads, duration } = this.instrumentsOf(api);
        uploads.add(1, measured);
        duration.record((performance.now() - started) / 1000, measured);
      }
    });
  }

  /** One token fetch in its span `wecom.gettoken`, counted in `wecom.token.fetches`. */
  async tokenFetch<T>(
    facts: { corpId?: string; api: string },
    fetch: () => Promise<T>,
  ): Promise<T> {
    const api = otelApi();
    if (!api) return fetch();
    let outcome = 'ok';
    const attributes: Attributes = { 'wecom.api': facts.api };
    const corpId = this.corps.forSpan(facts.corpId);
    if (corpId !== undefined) attributes['wecom.corp_id'] = corpId;
    try {
      const token = await traced('wecom.gettoken', attributes, fetch);
      this.corps.vouch(facts.corpId);
      return token;
    } catch (error) {
      outcome = outcomeOf(error);
      throw error;
    } finally {
      const measured: Attributes = { outcome };
      const label = this.corps.forMetric(facts.corpId);
      if (label !== undefined) measured.corp_id = label;
      this.instrumentsOf(api).tokenFetches.add(1, measured);
    }
  }

  private instrumentsOf(api: OtelApi): Instruments {
    const meter = api.metrics.getMeter(INSTRUMENTATION_NAME);
    if (this.instruments?.meter === meter) return this.instruments;
    this.instruments = {
      meter,
      uploads: meter.createCounter('wecom.uploads', {
        description: 'Uploads to upload_attachment, by outcome, media type and corp',
        unit: '{upload}',
      }),
      duration: meter.createHistogram('wecom.upload.duration', {
        description: 'How long an upload took, from its call to its result or error',
        unit: 's',
        advice: { explicitBucketBoundaries: DURATION_BUCKETS_S },
      }),
      tokenFetches: meter.createCounter('wecom.token.fetches', {
        description: 'Access-token fetches from WeCom (gettoken, get_corp_token, get_suite_token)',
        unit: '{fetch}',
      }),
    };
    return this.instruments;
  }
}
