import type { Attributes, Counter, Histogram, Meter, Span } from '@opentelemetry/api';
import { AttachmentRuleError } from '../../errors/attachment-rule.error.js';
import {
  WecomApiError,
  WecomInvalidCredentialsError,
  WecomRateLimitError,
} from '../../errors/wecom-api.error.js';
import { WecomNetworkError } from '../../errors/wecom-transport.error.js';
import { WecomError } from '../../errors/wecom.error.js';
import { MediaType } from '../../media-type.enum.js';
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

/** How an upload ended, as `wecom.uploads` counts it. */
export type UploadOutcome =
  'ok' | 'reused' | 'rule' | 'wecom_error' | 'network' | 'rate_limited' | 'other';

/** What an upload records as it goes: filled in by the service and the client. */
export interface UploadTally {
  /** Requests sent to upload_attachment (retries included); 0 when none was. */
  attempts: number;
  /** Bytes sent in the body's file part; 0 when nothing was sent. */
  size: number;
}

/** What a span of a WeCom call is told of its error. */
interface ErrorFacts {
  type: string;
  /** The module's own errors' messages carry no token or secret; anything else goes unquoted. */
  message?: string;
  errcode?: number;
}

function factsOf(error: unknown): ErrorFacts {
  const type = error instanceof Error ? error.constructor.name : typeof error;
  if (!(error instanceof WecomError)) return { type };
  const errcode =
    error instanceof WecomApiError && !(error instanceof WecomRateLimitError && error.local)
      ? error.errcode
      : undefined;
  return { type, message: error.message, ...(errcode === undefined ? {} : { errcode }) };
}

/** `outcome` of `wecom.uploads` (and of `wecom.token.fetches`, with `refused`) for an error. */
export function outcomeOf(error: unknown): UploadOutcome | 'refused' {
  if (error instanceof AttachmentRuleError) return 'rule';
  if (error instanceof WecomRateLimitError) return 'rate_limited';
  if (error instanceof WecomInvalidCredentialsError) return 'refused';
  if (error instanceof WecomApiError) return 'wecom_error';
  if (error instanceof WecomNetworkError) return 'network';
  return 'other';
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
  return tracer.startActiveSpan(name, { kind: spanKind, attributes }, async (span) => {
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

  constructor(
    /** Put `corp_id` on metrics; false for providers of thousands of corps. */
    private readonly corpIdOnMetrics: boolean,
  ) {}

  /**
   * One upload in its span `wecom.upload_attachment` (made active, so that a token fetch is its
   * child), counted in `wecom.uploads` and timed in `wecom.upload.duration`.
   */
  async upload<T extends { reused: boolean; fitted?: unknown }>(
    facts: { corpId: string | undefined; mediaType: unknown; attachmentType: unknown },
    run: (tally: UploadTally) => Promise<T>,
  ): Promise<T> {
    const tally: UploadTally = { attempts: 0, size: 0 };
    const api = otelApi();
    if (!api) return run(tally);
    const mediaType = (Object.values(MediaType) as unknown[]).includes(facts.mediaType)
      ? (facts.mediaType as string)
      : 'invalid';
    const attributes: Attributes = {
      'wecom.media_type': mediaType,
      'wecom.attachment_type': Number(facts.attachmentType),
    };
    if (facts.corpId !== undefined) attributes['wecom.corp_id'] = facts.corpId;
    const started = performance.now();
    const tracer = api.trace.getTracer(INSTRUMENTATION_NAME);
    const kind = api.SpanKind.CLIENT;
    return tracer.startActiveSpan('wecom.upload_attachment', { kind, attributes }, async (span) => {
      let outcome: UploadOutcome = 'other';
      try {
        const result = await run(tally);
        outcome = result.reused ? 'reused' : 'ok';
        span.setAttributes({ 'wecom.reused': result.reused, 'wecom.fitted': !!result.fitted });
        if (!result.reused) span.setAttribute('wecom.errcode', 0);
        return result;
      } catch (error) {
        const failed = outcomeOf(error);
        outcome = failed === 'refused' ? 'wecom_error' : failed;
        span.setAttributes({ 'wecom.reused': false, 'wecom.fitted': false });
        fail(api, span, error);
        throw error;
      } finally {
        span.setAttributes({ 'wecom.size': tally.size, 'wecom.attempts': tally.attempts });
        span.end();
        const measured: Attributes = { outcome, media_type: mediaType };
        if (this.corpIdOnMetrics && facts.corpId !== undefined) measured.corp_id = facts.corpId;
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
    if (facts.corpId !== undefined) attributes['wecom.corp_id'] = facts.corpId;
    try {
      return await traced('wecom.gettoken', attributes, fetch);
    } catch (error) {
      outcome = outcomeOf(error);
      throw error;
    } finally {
      const measured: Attributes = { outcome };
      if (this.corpIdOnMetrics && facts.corpId !== undefined) measured.corp_id = facts.corpId;
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
