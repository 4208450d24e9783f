import { startSample } from './sample-app.js';

// Traces only when a collector is named; without it the OpenTelemetry SDK is never loaded.
const tracing = process.env.OTEL_EXPORTER_OTLP_ENDPOINT ? await import('./tracing.js') : undefined;

await startSample({
  port: Number(process.env.PORT ?? 3000),
  host: process.env.HOST ?? '127.0.0.1',
  corpId: process.env.WECOM_CORP_ID,
  corpSecret: process.env.WECOM_CORP_SECRET,
  locale: process.env.WECOM_LOCALE === 'zh-CN' ? 'zh-CN' : 'en',
  // Last of the shutdown (SIGTERM, Ctrl-C): the spans still buffered are sent before the end.
  onShutdown: tracing?.stopTracing,
});
