import { Logger } from '@nestjs/common';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK } from '@opentelemetry/sdk-node';

// Loaded by main.ts only when OTEL_EXPORTER_OTLP_ENDPOINT is set: the module's spans (and the
// SDK's default instrumentations' none: only what is asked for here) go to that collector.
const sdk = new NodeSDK({
  serviceName: process.env.OTEL_SERVICE_NAME ?? 'nestjs-wecom-media-sample',
  traceExporter: new OTLPTraceExporter(),
});
sdk.start();
new Logger('Sample').log(
  `Exporting traces to ${process.env.OTEL_EXPORTER_OTLP_ENDPOINT} (OTLP over HTTP)`,
);

/** Flushes the spans still buffered; called when the app stops. */
export const stopTracing = (): Promise<void> => sdk.shutdown();
