// docs/operations.md's tracing.ts and main.ts, as an app would copy them (run by
// review23-shutdown.e2e.spec.ts). One addition that changes nothing: a line once sdk.shutdown()
// has resolved, so that the spec can wait on it instead of on time.
import 'reflect-metadata';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WecomMediaModule } from 'nestjs-wecom-media';

// --- tracing.ts, verbatim but for the serviceName ---
const sdk = new NodeSDK({
  serviceName: 'uploads',
  traceExporter: new OTLPTraceExporter(),
  metricReader: new PeriodicExportingMetricReader({
    exporter: new OTLPMetricExporter(),
    exportIntervalMillis: 15_000,
  }),
});
const shutdown = sdk.shutdown.bind(sdk);
sdk.shutdown = () => shutdown().finally(() => console.log('review23: sdk.shutdown() resolved'));
sdk.start();
process.once('SIGTERM', () => void sdk.shutdown());

// --- main.ts ---
class AppModule {
  // (a method only so that the linter accepts the class; the docs' AppModule is empty)
  name() {
    return 'docs app';
  }
}
Module({
  imports: [
    WecomMediaModule.forRoot({
      corpId: 'ww0123456789abcdef',
      corpSecret: process.env.WECOM_SECRET ?? 'x',
      baseUrl: 'http://127.0.0.1:9', // never called: warmUp off
      warmUp: false,
      telemetry: { corpIdOnMetrics: true },
    }),
  ],
})(AppModule);
const app = await NestFactory.create(AppModule, { logger: false });
await app.listen(0, '127.0.0.1');
console.log(`review23: listening ${await app.getUrl()}`);
