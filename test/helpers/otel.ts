import { context, metrics, trace } from '@opentelemetry/api';
import {
  AggregationTemporality,
  MeterProvider,
  MetricReader,
  type DataPoint,
  type Histogram,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/** A reader the test collects from when it wants, cumulative: sums since the SDK started. */
class CollectingReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** An OpenTelemetry SDK registered for a spec: every span and metric kept in memory. */
export interface TestOtel {
  /** Every span ended so far, oldest first. */
  spans(): ReadableSpan[];
  /** The spans named `name`. */
  spansNamed(name: string): ReadableSpan[];
  /** Every metric of the module's meter, as collected now. */
  collect(): Promise<MetricData[]>;
  /** The value of the counter `name` for points whose attributes include `match`. */
  sum(name: string, match?: Record<string, unknown>): Promise<number>;
  /** The histogram points of `name`. */
  histogram(name: string): Promise<Array<DataPoint<Histogram>>>;
  /** Spans and metrics, as text: what a secret must never be found in. */
  everything(): Promise<string>;
  /** Forgets the spans ended so far (metrics are cumulative: compare sums before and after). */
  resetSpans(): void;
  /** Unregisters the SDK. */
  shutdown(): Promise<void>;
}

/**
 * Registers an SDK as an app's tracing set-up would (NodeTracerProvider: an AsyncLocalStorage
 * context, so that spans nest across awaits), with an in-memory exporter and reader.
 */
export function registerOtel(): TestOtel {
  const exporter = new InMemorySpanExporter();
  const tracing = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  tracing.register();
  const reader = new CollectingReader();
  const meters = new MeterProvider({ readers: [reader] });
  metrics.setGlobalMeterProvider(meters);
  const collect = async (): Promise<MetricData[]> => {
    const { resourceMetrics } = await reader.collect();
    return resourceMetrics.scopeMetrics
      .filter((s) => s.scope.name === 'nestjs-wecom-media')
      .flatMap((s) => s.metrics);
  };
  const points = async (name: string): Promise<Array<DataPoint<unknown>>> =>
    ((await collect()).find((m) => m.descriptor.name === name)?.dataPoints ?? []) as Array<
      DataPoint<unknown>
    >;
  return {
    spans: () => exporter.getFinishedSpans(),
    spansNamed: (name) => exporter.getFinishedSpans().filter((s) => s.name === name),
    collect,
    async sum(name, match = {}) {
      return (await points(name))
        .filter((p) => Object.entries(match).every(([k, v]) => p.attributes[k] === v))
        .reduce((total, p) => total + (p.value as number), 0);
    },
    histogram: async (name) => (await points(name)) as Array<DataPoint<Histogram>>,
    async everything() {
      const spans = exporter.getFinishedSpans().map((s) => ({
        name: s.name,
        attributes: s.attributes,
        events: s.events,
        status: s.status,
      }));
      return JSON.stringify({ spans, metrics: await collect() });
    },
    resetSpans: () => exporter.reset(),
    async shutdown() {
      await tracing.shutdown();
      await meters.shutdown();
      trace.disable();
      metrics.disable();
      context.disable();
    },
  };
}
