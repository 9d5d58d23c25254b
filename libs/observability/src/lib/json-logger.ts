import type { LoggerService } from '@nestjs/common';
import pino, { type Logger, type LevelWithSilent } from 'pino';
import { currentTrace } from './trace-context';

const STACK_TRACE = /\n\s+at /;

export interface JsonLoggerOptions {
  service: string;
  level?: LevelWithSilent;
  /** Defaults to stdout; tests pass a stream to read what was logged. */
  destination?: pino.DestinationStream;
}

/**
 * The one logger of a service: JSON lines with `service`, `trace_id` and `span_id`. Keys that
 * usually carry secrets are redacted wherever they appear in a logged object.
 */
export class JsonLogger implements LoggerService {
  readonly pino: Logger;

  constructor(options: JsonLoggerOptions) {
    this.pino = pino(
      {
        level: options.level ?? 'info',
        base: { service: options.service },
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        messageKey: 'msg',
        redact: {
          paths: ['password', '*.password', 'token', '*.token', 'authorization', '*.authorization', 'apiKey', '*.apiKey', 'headers.authorization'],
          censor: '[redacted]',
        },
        mixin() {
          const trace = currentTrace();
          return trace ? { trace_id: trace.traceId, span_id: trace.spanId } : {};
        },
      },
      options.destination ?? pino.destination({ fd: 1, sync: false }),
    );
  }

  log(message: unknown, ...context: unknown[]): void {
    this.write('info', message, context);
  }
  error(message: unknown, ...context: unknown[]): void {
    this.write('error', message, context);
  }
  warn(message: unknown, ...context: unknown[]): void {
    this.write('warn', message, context);
  }
  debug(message: unknown, ...context: unknown[]): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, ...context: unknown[]): void {
    this.write('trace', message, context);
  }
  fatal(message: unknown, ...context: unknown[]): void {
    this.write('fatal', message, context);
  }

  flush(): void {
    this.pino.flush();
  }

  /**
   * Nest calls `logger.log(message, context)` and `logger.error(message, stack, context)`;
   * the last string argument is the context (class name), an Error or a stack is kept as `err`.
   */
  private write(level: pino.Level, message: unknown, args: unknown[]): void {
    const fields: Record<string, unknown> = {};
    const rest = [...args];
    const last = rest[rest.length - 1];
    // A lone stack (Logger.error(message, stack) without a context) is not a context.
    if (typeof last === 'string' && !STACK_TRACE.test(last)) fields['context'] = rest.pop();
    for (const arg of rest) {
      if (arg instanceof Error) fields['err'] = arg;
      else if (typeof arg === 'string') fields['stack'] = arg;
      else if (arg && typeof arg === 'object') Object.assign(fields, arg);
    }
    if (message instanceof Error) this.pino[level]({ ...fields, err: message }, message.message);
    else if (message && typeof message === 'object') this.pino[level]({ ...fields, ...message });
    else this.pino[level](fields, String(message));
  }
}
