import { DiagLogLevel, context, diag, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { useBackend } from './backend';
import { openTelemetryBackend } from './otel-backend';
import type { Tracing, TracingOptions } from './tracing';

/** Loaded only when tracing starts (see tracing.ts): without it no OpenTelemetry SDK code is read. */
export function startOpenTelemetry(options: TracingOptions): Tracing {
  if (options.logger) {
    const logger = options.logger;
    // The SDK's own troubles (an unreachable collector, a dropped batch) go to the service's log.
    diag.setLogger(
      {
        error: (message, ...args) => logger.error({ msg: message, details: args.map(String) }, 'OpenTelemetry'),
        warn: (message, ...args) => logger.warn({ msg: message, details: args.map(String) }, 'OpenTelemetry'),
        info: () => undefined,
        debug: () => undefined,
        verbose: () => undefined,
      },
      { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
    );
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.serviceName,
      'service.namespace': 'sokoul',
      ...(options.instanceId ? { 'service.instance.id': options.instanceId } : {}),
    }),
    // A caller's decision (the sampled flag of its traceparent) is followed; new traces are kept at the ratio.
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.sampleRatio) }),
    // OTLP/HTTP with JSON bodies (this exporter's only encoding): readable, and no protobuf code to ship.
    spanProcessors: [options.spanProcessor ?? new BatchSpanProcessor(new OTLPTraceExporter({ url: options.tracesUrl }))],
  });
  // The AsyncLocalStorage context manager, the W3C traceparent propagator, the global provider.
  provider.register();
  useBackend(openTelemetryBackend(trace.getTracer('@sokoul/observability')));
  let stopped: Promise<void> | undefined;
  return {
    shutdown: () =>
      (stopped ??= (async () => {
        useBackend(undefined);
        try {
          await provider.shutdown();
        } finally {
          trace.disable();
          context.disable();
          propagation.disable();
          diag.disable();
        }
      })()),
  };
}
