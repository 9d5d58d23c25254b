import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface TracingLogger {
  warn(message: object, context?: string): void;
  error(message: object, context?: string): void;
}

export interface TracingOptions {
  /** `service.name` of every span. */
  serviceName: string;
  /** Where spans are posted (OTLP/HTTP, JSON), e.g. `http://collector:4318/v1/traces`. */
  tracesUrl: string;
  /** Share of new traces recorded, 0 to 1; a caller's sampled flag is followed whatever it is. */
  sampleRatio: number;
  /** `service.instance.id`: which replica. */
  instanceId?: string;
  /** Where the SDK's own warnings go (an unreachable collector); nowhere when absent. */
  logger?: TracingLogger;
  /** Replaces the OTLP exporter (tests: a SimpleSpanProcessor over an InMemorySpanExporter). */
  spanProcessor?: SpanProcessor;
}

export interface Tracing {
  /** Exports what is buffered, then goes back to the lightweight context. Safe to call twice. */
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry: spans are recorded, exported over OTLP/HTTP, and the functions of
 * trace-context (hence the logs' trace_id and span_id) follow the active span. Only then is the
 * SDK loaded: a service without tracing reads none of it. The instrumentations of http, fetch,
 * pg and ioredis must have been registered before those modules loaded (@sokoul/runtime does it).
 */
export function startTracing(options: TracingOptions): Tracing {
  // Loaded on demand, see above: a require stays lazy in the webpack bundle, an import would not.
  const { startOpenTelemetry } = require('./otel') as typeof import('./otel');
  return startOpenTelemetry(options);
}
