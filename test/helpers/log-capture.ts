import type { LoggerService } from '@nestjs/common';

/** A Nest logger that keeps every line, so tests can read what the module logged. */
export class LogCapture implements LoggerService {
  readonly lines: string[] = [];

  log(message: unknown, ...rest: unknown[]): void {
    this.push('log', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.push('warn', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.push('error', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.push('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.push('verbose', message, rest);
  }

  /** Every line joined, for `not.toContain` checks. */
  get text(): string {
    return this.lines.join('\n');
  }

  private push(level: string, message: unknown, rest: unknown[]): void {
    const parts = [message, ...rest].map((p) =>
      p instanceof Error ? `${p.message} ${p.stack}` : String(p),
    );
    this.lines.push(`[${level}] ${parts.join(' ')}`);
  }
}
