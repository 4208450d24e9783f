// @opentelemetry/api is an optional peer: loaded once, when the module boots, and only when the
// app has it installed. Nothing here loads it when the package is imported.
import type * as Api from '@opentelemetry/api';

/** The OpenTelemetry API, as the app installed it. */
export type OtelApi = typeof Api;

/**
 * The global where every copy of @opentelemetry/api 1.x finds the providers an SDK registered
 * (its `trace` and `metrics` entries are set by `setGlobalTracerProvider` and
 * `setGlobalMeterProvider`). Reading it costs no call: see `otelSdkRegistered` in the service.
 */
export const OTEL_GLOBAL = Symbol.for('opentelemetry.js.api.1');

/** What {@link OTEL_GLOBAL} holds once an SDK registers a tracer or a meter provider. */
export type OtelGlobal = Partial<
  Record<typeof OTEL_GLOBAL, { trace?: unknown; metrics?: unknown }>
>;

let loading: Promise<OtelApi | undefined> | undefined;
let loaded: OtelApi | undefined;

/**
 * Loads @opentelemetry/api, once per process, when the app has it; undefined when it has not.
 * Any other failure (a broken install) is thrown: silence would hide the traces the app expects.
 */
export function loadOtelApi(): Promise<OtelApi | undefined> {
  loading ??= import('@opentelemetry/api').then(
    (api) => (loaded = api),
    (error: unknown) => {
      if (isMissing(error, '@opentelemetry/api')) return undefined;
      throw error;
    },
  );
  return loading;
}

/** The API once {@link loadOtelApi} has found it; undefined before, or without it installed. */
export const otelApi = (): OtelApi | undefined => loaded;

/** True when `error` says `name` itself is not installed (not one of its own imports). */
export function isMissing(error: unknown, name: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    typeof message === 'string' &&
    message.includes(`'${name}'`)
  );
}
