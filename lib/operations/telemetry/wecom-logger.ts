import { Logger } from '@nestjs/common';
import { otelApi } from './otel-api.js';

/**
 * Nest's Logger, each line followed by the trace id when a span is active (an OpenTelemetry SDK
 * is registered and the line is written inside a traced call), so that a log line leads to its
 * trace. The module's lines say which corp they are about.
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

/** `message`, with ` (trace <id>)` after it while a sampled or recording span is active. */
function traced(message: unknown): unknown {
  const api = otelApi();
  const context = api?.trace.getActiveSpan()?.spanContext();
  if (!api || !context || !api.isSpanContextValid(context) || typeof message !== 'string')
    return message;
  return `${message} (trace ${context.traceId})`;
}
