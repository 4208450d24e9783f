// The trace id in log lines, with a sampler that drops the trace (the usual production set-up:
// ParentBased + ratio, or AlwaysOff for a quiet service): the span is active but recorded
// nowhere, and a log line naming its trace id would send the operator to a trace no backend has
// (the review of issue 23). telemetry.e2e.spec.ts shows the id of a sampled trace.
import { context, trace } from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttachmentType, MediaType } from '../../lib/index.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { emulatorSuite } from '../helpers/wecom-test-app.js';

describe('the trace id in log lines, with a sampler that drops the trace', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({
    sampler: new AlwaysOffSampler(),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  beforeAll(() => {
    provider.register();
  });
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
  });
  const s = emulatorSuite();

  it('a line written inside an unsampled span names no trace id (nothing was recorded)', async () => {
    const upload = () =>
      s.app.service.upload({
        file: makePng(10, 10),
        filename: 'a.png',
        mediaType: MediaType.Image,
        attachmentType: AttachmentType.Moment,
      });
    await upload();
    s.emulator.failNext('upload_attachment', 42001);
    await upload();
    expect(exporter.getFinishedSpans()).toEqual([]); // no trace exists anywhere
    const line = s.app.logs.lines.find((l) => l.includes('errcode 42001'));
    expect(line).toBeDefined();
    expect(line).not.toMatch(/\(trace [0-9a-f]{32}\)/);
  });
});
