import { randomUUID } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { type JetStreamClient, type JetStreamManager, type NatsConnection, connect } from 'nats';
import { Streams, Subjects } from '@sokoul/contracts';
import { ConsumerRunner, Headers, JetStreamPublisher, NonRetryableError, Wire, ensureStreams } from '@sokoul/messaging';
import { type TraceContext, type Tracing, currentTrace, runInSpan, startTracing } from '@sokoul/observability';
import { eventually, testEnvironment, uniqueNamespace } from '@sokoul/testing';
import { registerTracingInstrumentations } from './instrumentations';

jest.setTimeout(30_000);

/*
 * Tracing on, in process, against the real NATS: the spans messaging makes around a publish and
 * a handled message, and those of the instrumentations this lib registers. Spans go to memory.
 */

const namespace = uniqueNamespace('tracing');
const wire = new Wire(namespace);
const exporter = new InMemorySpanExporter();
let unregister: () => void;
let tracing: Tracing;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;
const runners: ConsumerRunner[] = [];
const quietLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

const finished = (): ReadableSpan[] => exporter.getFinishedSpans();
const spansNamed = (name: string): ReadableSpan[] => finished().filter((span) => span.name === name);

beforeAll(async () => {
  unregister = registerTracingInstrumentations();
  tracing = startTracing({ serviceName: 'spec', tracesUrl: 'http://127.0.0.1:1/v1/traces', sampleRatio: 1, spanProcessor: new SimpleSpanProcessor(exporter) });
  nc = await connect({ servers: testEnvironment.NATS_URL });
  jsm = await nc.jetstreamManager();
  js = nc.jetstream();
  await ensureStreams(jsm, wire);
});

afterEach(async () => {
  await Promise.all(runners.splice(0).map((runner) => runner.stop()));
  exporter.reset();
});

afterAll(async () => {
  await tracing?.shutdown();
  unregister?.();
  if (!nc) return;
  for (const stream of [Streams.commands, Streams.events, Streams.deadLetters]) await jsm.streams.delete(wire.stream(stream)).catch(() => undefined);
  await nc.close();
});

async function startRunner(handler: () => Promise<void>): Promise<void> {
  const options = { service: 'spec', instanceId: 'i-1', servers: testEnvironment.NATS_URL, namespace, ackWaitMs: 2_000, maxDeliver: 2, retryBackoffMs: [100], concurrency: 2, drainTimeoutMs: 5_000 };
  const runner = new ConsumerRunner(js, jsm, wire, options, Subjects.searchRequested, 'competing', handler, quietLogger);
  await runner.start();
  runners.push(runner);
}

describe('messaging spans', () => {
  it('publishes in a producer span whose traceparent the message carries, and handles it in a consumer span, its child', async () => {
    const seen: Array<TraceContext | undefined> = [];
    const published = await runInSpan('POST /api/v1/searches', { kind: 'server' }, () =>
      new JetStreamPublisher(js, wire).publish(Subjects.searchRequested, { searchId: randomUUID(), query: 'Dune 2021', requestedBy: null }),
    );
    // Read before it is consumed: the commands stream forgets what was acked.
    const stored = await jsm.streams.getMessage(wire.stream(Streams.commands), { seq: published.sequence });

    await startRunner(async () => {
      seen.push(currentTrace());
    });
    await eventually(() => expect(spansNamed('process sokoul.search.requested')).toHaveLength(1));

    const [server] = spansNamed('POST /api/v1/searches');
    const [producer] = spansNamed('publish sokoul.search.requested');
    const [consumer] = spansNamed('process sokoul.search.requested');
    const producerTraceparent = `00-${producer.spanContext().traceId}-${producer.spanContext().spanId}-01`;
    expect(producer.kind).toBe(SpanKind.PRODUCER);
    expect(producer.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    expect(producer.attributes).toEqual({
      'messaging.system': 'nats',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'publish',
      'messaging.destination.name': wire.subject(Subjects.searchRequested),
      'messaging.message.id': published.id,
    });
    expect(stored.json<{ traceparent: string }>().traceparent).toBe(producerTraceparent);
    expect(stored.header.get(Headers.traceparent)).toBe(producerTraceparent);
    expect(consumer.kind).toBe(SpanKind.CONSUMER);
    expect(consumer.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
    expect(consumer.spanContext().traceId).toBe(server.spanContext().traceId);
    expect(consumer.attributes).toMatchObject({
      'messaging.system': 'nats',
      'messaging.operation.type': 'process',
      'messaging.destination.name': wire.subject(Subjects.searchRequested),
      'messaging.consumer.group.name': 'spec-sokoul_search_requested',
      'messaging.message.id': published.id,
      'messaging.nats.delivery_count': 1,
    });
    expect(seen).toEqual([{ traceId: consumer.spanContext().traceId, spanId: consumer.spanContext().spanId, flags: '01' }]);
  });

  it('marks the consumer span of a failed handler as an error', async () => {
    await startRunner(async () => {
      throw new NonRetryableError('not a search we know');
    });

    await new JetStreamPublisher(js, wire).publish(Subjects.searchRequested, { searchId: randomUUID(), query: 'Dune 2021', requestedBy: null });
    await eventually(() => expect(spansNamed('process sokoul.search.requested')).toHaveLength(1));

    const [consumer] = spansNamed('process sokoul.search.requested');
    expect(consumer.status).toEqual({ code: SpanStatusCode.ERROR, message: 'not a search we know' });
  });
});

/*
 * Under jest, modules load through its own registry, which require-in-the-middle does not see:
 * only fetch (undici reports through diagnostics channels) is instrumented here. The http server
 * span, named after its route, and the pg and ioredis spans are checked with the services built
 * and running, in e2e/platform/src/tracing.e2e-spec.ts.
 */
describe('instrumentations', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('records a fetch made inside a span as an HTTP client span, its child', async () => {
    await runInSpan('process sokoul.releases.found', { kind: 'consumer' }, () => fetch(`${base}/v1/chat/completions`).then((r) => r.json()));

    const [consumer] = spansNamed('process sokoul.releases.found');
    const client = finished().find((span) => span.kind === SpanKind.CLIENT);
    expect(client?.parentSpanContext?.spanId).toBe(consumer.spanContext().spanId);
    expect(client?.attributes).toMatchObject({ 'http.request.method': 'GET', 'url.full': `${base}/v1/chat/completions`, 'http.response.status_code': 200 });
  });

  it('starts no trace for a call made outside any span (a background poll)', async () => {
    await fetch(`${base}/models`).then((r) => r.json());

    expect(finished()).toEqual([]);
  });
});
