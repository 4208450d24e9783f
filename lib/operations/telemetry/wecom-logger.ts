import { Logger } from '@nestjs/common';
import { otelApi } from './otel-api.js';

/**
 * Nest's Logger, each line followed by the trace id when a sampled span is active (an
 * OpenTelemetry SDK is registered, the line is written inside a traced call, and the sampler kept
 * its trace), so that a log line leads to its trace. The module's lines say which corp they are about.
 */
export class WecomLogger extends Logger {
  override log(message: unknown, ...rest: unknown[]): void {
    super.log(traced(message), ...rest);
  }

  override warn(message: unknown, ...rest: unknown[]): void {
    super.warn(traced(message), ...rest);
  }

  override error(message: unknown, ...rest: unknown[]): void {
    super.error(traced(message), ...rest);
  }

  override debug(message: unknown, ...rest: unknown[]): void {
    super.debug(traced(message), ...rest);
  }

  override verbose(message: unknown, ...rest: unknown[]): void {
    super.verbose(traced(message), ...rest);
  }

  override fatal(message: unknown, ...rest: unknown[]): void {
    super.fatal(traced(message), ...rest);
  }
}

/**
 * `message`, with ` (trace <id>)` after it while a sampled span is active. An unsampled trace
 * (a ratio sampler's usual lot) is recorded nowhere: its id would send the reader looking for
 * nothing.
 */
function traced(message: unknown): unknown {
  const api = otelApi();
  const context = api?.trace.getActiveSpan()?.spanContext();
  if (!api || !context || typeof message !== 'string') return message;
  const sampled = (context.traceFlags & api.TraceFlags.SAMPLED) !== 0;
  if (!sampled || !api.isSpanContextValid(context)) return message;
  return `${message} (trace ${context.traceId})`;
}
