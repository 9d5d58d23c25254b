import {
  type Attributes,
  type Context,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  context,
  isSpanContextValid,
  trace,
} from '@opentelemetry/api';
import { type ActiveSpan, type SpanAttributes, type SpanKindName, type SpanOptions, type TraceContext, childSpan, formatTraceparent, parseTraceparent } from '../trace-context';
import type { TraceContextBackend } from './backend';

const KINDS: Record<SpanKindName, SpanKind> = {
  internal: SpanKind.INTERNAL,
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
};

function toTraceContext(spanContext: SpanContext): TraceContext {
  return { traceId: spanContext.traceId, spanId: spanContext.spanId, flags: (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0') };
}

/** The context a traceparent continues: its span as a remote parent, or the root (a new trace) when it is absent or invalid. */
function remoteParent(traceparent: string | undefined): Context {
  const parent = parseTraceparent(traceparent);
  if (!parent) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, { traceId: parent.traceId, spanId: parent.spanId, traceFlags: parseInt(parent.flags, 16), isRemote: true });
}

function definedAttributes(attributes: SpanAttributes | undefined): Attributes | undefined {
  if (!attributes) return undefined;
  const defined: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) defined[key] = value;
  return defined;
}

function markFailed(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

function activeSpanOf(span: Span): ActiveSpan {
  return {
    get traceparent() {
      return formatTraceparent(toTraceContext(span.spanContext()));
    },
    setAttribute: (key, value) => void span.setAttribute(key, value),
    fail: (error) => markFailed(span, error),
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

/** Trace context held by OpenTelemetry: the active span is the current trace, spans are recorded. */
export function openTelemetryBackend(tracer: Tracer): TraceContextBackend {
  const current = (): TraceContext | undefined => {
    const spanContext = trace.getActiveSpan()?.spanContext();
    return spanContext && isSpanContextValid(spanContext) ? toTraceContext(spanContext) : undefined;
  };

  return {
    current,

    // The active span is the parent of whatever the receiver does; outside any span, a new trace.
    outgoingTraceparent: () => formatTraceparent(current() ?? childSpan()),

    runInSpan<T>(name: string, options: SpanOptions, fn: (span: ActiveSpan) => T): T {
      const parent = 'parent' in options ? remoteParent(options.parent) : context.active();
      const spanOptions = { kind: KINDS[options.kind ?? 'internal'], attributes: definedAttributes(options.attributes) };
      return tracer.startActiveSpan(name, spanOptions, parent, (span) => {
        let result: T;
        try {
          result = fn(activeSpanOf(span));
        } catch (error) {
          markFailed(span, error);
          span.end();
          throw error;
        }
        if (!isThenable(result)) {
          span.end();
          return result;
        }
        return result.then(
          (value) => {
            span.end();
            return value;
          },
          (error: unknown) => {
            markFailed(span, error);
            span.end();
            throw error;
          },
        ) as T;
      });
    },
  };
}
