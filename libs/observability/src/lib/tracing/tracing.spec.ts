import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { NextFunction, Request, Response } from 'express';
import { JsonLogger } from '../json-logger';
import { currentTrace, outgoingTraceparent, parseTraceparent, runInSpan, runInTrace, tracingEnabled } from '../trace-context';
import { traceMiddleware } from '../trace.middleware';
import { type Tracing, startTracing } from './tracing';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${SPAN_ID}-01`;

let exporter: InMemorySpanExporter;
let tracing: Tracing | undefined;

function start(sampleRatio = 1): void {
  exporter = new InMemorySpanExporter();
  tracing = startTracing({ serviceName: 'scout', tracesUrl: 'http://127.0.0.1:1/v1/traces', sampleRatio, instanceId: 'scout-1', spanProcessor: new SimpleSpanProcessor(exporter) });
}

afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
});

const finished = (): ReadableSpan[] => exporter.getFinishedSpans();
const named = (name: string): ReadableSpan => {
  const span = finished().find((s) => s.name === name);
  if (!span) throw new Error(`no finished span named ${name}: ${finished().map((s) => s.name).join(', ')}`);
  return span;
};

/** A logger whose lines are collected, parsed. */
function capturingLogger(): { logger: JsonLogger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  return { logger: new JsonLogger({ service: 'scout', destination: { write: (chunk: string) => lines.push(JSON.parse(chunk)) } }), lines };
}

describe('startTracing', () => {
  it('makes OpenTelemetry hold the trace context until shut down', async () => {
    expect(tracingEnabled()).toBe(false);

    start();
    expect(tracingEnabled()).toBe(true);
    await tracing?.shutdown();

    expect(tracingEnabled()).toBe(false);
  });

  it("names the spans' resource after the service and its instance", () => {
    start();

    runInSpan('work', {}, () => undefined);

    expect(named('work').resource.attributes).toMatchObject({ 'service.name': 'scout', 'service.namespace': 'sokoul', 'service.instance.id': 'scout-1' });
  });
});

describe('runInSpan with tracing on', () => {
  beforeEach(() => start());

  it('records a consumer span that is a child of the given traceparent, with its attributes', async () => {
    await runInSpan('process sokoul.search.requested', { kind: 'consumer', parent: TRACEPARENT, attributes: { 'messaging.system': 'nats', absent: undefined } }, async () => {
      await new Promise((resolve) => setImmediate(resolve));
    });

    const span = named('process sokoul.search.requested');
    expect(span.kind).toBe(SpanKind.CONSUMER);
    expect(span.spanContext().traceId).toBe(TRACE_ID);
    expect(span.parentSpanContext?.spanId).toBe(SPAN_ID);
    expect(span.attributes).toEqual({ 'messaging.system': 'nats' });
  });

  it('starts a new trace when the parent key is given without a valid traceparent', () => {
    runInSpan('outer', {}, () => runInSpan('process', { kind: 'consumer', parent: undefined }, () => undefined));

    expect(named('process').parentSpanContext).toBeUndefined();
    expect(named('process').spanContext().traceId).not.toBe(named('outer').spanContext().traceId);
  });

  it('is a child of the active span when no parent is given, and hands out its own traceparent', () => {
    let sent = '';
    runInSpan('POST /api/v1/searches', { kind: 'server' }, () =>
      runInSpan('publish sokoul.search.requested', { kind: 'producer' }, (span) => {
        sent = span.traceparent;
      }),
    );

    const producer = named('publish sokoul.search.requested');
    expect(producer.kind).toBe(SpanKind.PRODUCER);
    expect(producer.parentSpanContext?.spanId).toBe(named('POST /api/v1/searches').spanContext().spanId);
    expect(sent).toBe(`00-${producer.spanContext().traceId}-${producer.spanContext().spanId}-01`);
  });

  it('makes the consumer of a message a child of its producer: one trace across the hop', async () => {
    const message = await runInTrace(TRACEPARENT, () => runInSpan('publish', { kind: 'producer' }, async (span) => span.traceparent));

    await runInSpan('process', { kind: 'consumer', parent: message }, async () => undefined);

    expect(named('process').parentSpanContext?.spanId).toBe(named('publish').spanContext().spanId);
    expect(new Set(finished().map((span) => span.spanContext().traceId))).toEqual(new Set([TRACE_ID]));
  });

  it('marks the span failed and rethrows when the function throws or rejects', async () => {
    expect(() =>
      runInSpan('sync', {}, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    await expect(runInSpan('async', {}, async () => Promise.reject(new Error('indexer unreachable')))).rejects.toThrow('indexer unreachable');

    for (const name of ['sync', 'async']) {
      expect(named(name).status.code).toBe(SpanStatusCode.ERROR);
      expect(named(name).events.map((event) => event.name)).toEqual(['exception']);
    }
    expect(named('async').status.message).toBe('indexer unreachable');
  });

  it('marks the span failed with fail() while the function goes on, and ends it once its promise settles', async () => {
    let release!: () => void;
    const running = runInSpan('process', { kind: 'consumer' }, async (span) => {
      span.fail(new Error('handler failed, retrying'));
      span.setAttribute('outcome', 'retried');
      await new Promise<void>((resolve) => (release = resolve));
      return 'nacked';
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(finished()).toHaveLength(0);

    release();

    await expect(running).resolves.toBe('nacked');
    expect(named('process').status.code).toBe(SpanStatusCode.ERROR);
    expect(named('process').attributes).toMatchObject({ outcome: 'retried' });
  });
});

describe('trace context with tracing on', () => {
  beforeEach(() => start());

  it('is the active span: currentTrace, and the trace_id and span_id of log lines', () => {
    const { logger, lines } = capturingLogger();

    const spanContext = runInSpan('handling', {}, () => {
      logger.log('search started');
      return trace.getActiveSpan()?.spanContext();
    });

    expect(lines[0]).toMatchObject({ msg: 'search started', trace_id: spanContext?.traceId, span_id: spanContext?.spanId });
    expect(lines[0]['span_id']).toBe(named('handling').spanContext().spanId);
  });

  it('follows spans the instrumentations start (any span made active), not only ours', () => {
    const tracer = trace.getTracer('instrumentation-http');
    const server = tracer.startSpan('POST');

    const seen = context.with(trace.setSpan(context.active(), server), () => currentTrace());
    server.end();

    expect(seen).toEqual({ traceId: server.spanContext().traceId, spanId: server.spanContext().spanId, flags: '01' });
  });

  it('runs runInTrace in a recorded child span of the traceparent', () => {
    const inside = runInTrace(TRACEPARENT, () => currentTrace());

    expect(inside?.traceId).toBe(TRACE_ID);
    expect(named('runInTrace').parentSpanContext?.spanId).toBe(SPAN_ID);
    expect(inside?.spanId).toBe(named('runInTrace').spanContext().spanId);
  });

  it('sends the active span as the parent on an outgoing call, and a new trace outside any span', () => {
    const [active, outgoing] = runInTrace(TRACEPARENT, () => [currentTrace(), parseTraceparent(outgoingTraceparent())]);

    expect(outgoing).toEqual(active);
    expect(parseTraceparent(outgoingTraceparent())?.traceId).not.toBe(TRACE_ID);
    expect(currentTrace()).toBeUndefined();
  });

  it('answers an HTTP request with the traceparent of the server span, without a span of its own', () => {
    const headers: Record<string, string> = {};
    const response = { setHeader: (name: string, value: string) => (headers[name] = value) } as unknown as Response;
    const request = { header: () => TRACEPARENT } as unknown as Request;
    let inNext: string | undefined;

    runInSpan('POST', { kind: 'server' }, () => traceMiddleware(request, response, (() => (inNext = currentTrace()?.spanId)) as NextFunction));

    const server = named('POST').spanContext();
    expect(headers['traceparent']).toBe(`00-${server.traceId}-${server.spanId}-01`);
    expect(inNext).toBe(server.spanId);
    expect(finished()).toHaveLength(1);
  });
});

describe('sampling', () => {
  it('records none of the new traces at ratio 0, yet logs still carry their ids', () => {
    start(0);
    const { logger, lines } = capturingLogger();

    runInSpan('unsampled', {}, () => logger.log('working'));

    expect(finished()).toHaveLength(0);
    expect(lines[0]['trace_id']).toMatch(/^[\da-f]{32}$/);
    expect(lines[0]['span_id']).toMatch(/^[\da-f]{16}$/);
  });

  it("follows a caller's sampled flag whatever the ratio", () => {
    start(0);

    runInTrace(TRACEPARENT, () => undefined);
    runInTrace(`00-${TRACE_ID}-${SPAN_ID}-00`, () => undefined);

    expect(finished()).toHaveLength(1);
    expect(finished()[0].spanContext().traceId).toBe(TRACE_ID);
  });
});

describe('after shutdown', () => {
  it('goes back to the lightweight context: ids in logs, nothing recorded', async () => {
    start();
    await tracing?.shutdown();
    const { logger, lines } = capturingLogger();

    const [inside, otelSpan] = runInTrace(TRACEPARENT, () => {
      logger.log('handled');
      return [currentTrace(), trace.getActiveSpan()] as const;
    });

    expect(inside?.traceId).toBe(TRACE_ID);
    expect(inside?.spanId).not.toBe(SPAN_ID);
    expect(lines[0]).toMatchObject({ trace_id: TRACE_ID, span_id: inside?.spanId });
    expect(otelSpan).toBeUndefined();
  });
});
