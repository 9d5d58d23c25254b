import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { type FakeOtlpCollector, decodeOtlpTraces, startFakeOtlpCollector } from './otlp-collector';

jest.setTimeout(15_000);

const WORKSPACE_ROOT = join(__dirname, '../../../..');

let collector: FakeOtlpCollector;

beforeEach(async () => {
  collector = await startFakeOtlpCollector();
});

afterEach(async () => {
  await collector.close();
});

/*
 * The real OTLP/HTTP exporter, in a Node process of its own as in a service: it loads `http`
 * with a dynamic import(), which jest's module sandbox does not run.
 */
const EXPORT_TWO_SPANS = `
const { SpanKind, SpanStatusCode, context, trace } = require('@opentelemetry/api');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { BasicTracerProvider, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const provider = new BasicTracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'scout' }),
  spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: process.argv[1] }))],
});
const tracer = provider.getTracer('spec');
const parent = tracer.startSpan('process sokoul.search.requested', { kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'nats', 'messaging.nats.delivery_count': 2 } });
const child = tracer.startSpan('pg.query:SELECT', { kind: SpanKind.CLIENT, attributes: { 'db.system': 'postgresql', retried: false, ratio: 0.5 } }, trace.setSpan(context.active(), parent));
child.setStatus({ code: SpanStatusCode.ERROR });
child.end();
parent.end();
provider.forceFlush().then(() => provider.shutdown()).then(() => process.stdout.write(JSON.stringify(parent.spanContext())));
`;

describe('startFakeOtlpCollector', () => {
  it('collects what the OTLP/HTTP exporter sends: ids, parent, name, kind, service and attributes', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', EXPORT_TWO_SPANS, collector.tracesUrl], { cwd: WORKSPACE_ROOT });

    const { traceId, spanId } = JSON.parse(stdout) as { traceId: string; spanId: string };
    expect(collector.trace(traceId)).toEqual([
      expect.objectContaining({
        traceId,
        parentSpanId: spanId,
        name: 'pg.query:SELECT',
        kind: 'client',
        service: 'scout',
        status: 'error',
        attributes: { 'db.system': 'postgresql', retried: false, ratio: 0.5 },
      }),
      expect.objectContaining({
        traceId,
        spanId,
        name: 'process sokoul.search.requested',
        kind: 'consumer',
        status: 'unset',
        attributes: { 'messaging.system': 'nats', 'messaging.nats.delivery_count': 2 },
      }),
    ]);
    expect(collector.trace(traceId)[1]).not.toHaveProperty('parentSpanId');
    expect(collector.requests.every((request) => request.contentType === 'application/json' && request.status === 200)).toBe(true);
  });

  it('reads a gzip-compressed body', async () => {
    const body = { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), name: 'GET', kind: 2 }] }] }] };

    const response = await fetch(collector.tracesUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipSync(JSON.stringify(body)) });

    expect(response.status).toBe(200);
    expect(collector.spans).toEqual([expect.objectContaining({ traceId: 'a'.repeat(32), name: 'GET', kind: 'server' })]);
  });

  it('refuses protobuf bodies with 415, and keeps nothing from them', async () => {
    const response = await fetch(collector.tracesUrl, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: new Uint8Array([10, 0]) });

    expect(response.status).toBe(415);
    expect(collector.spans).toHaveLength(0);
    expect(collector.requests).toEqual([{ contentType: 'application/x-protobuf', status: 415, spans: 0 }]);
  });

  it('answers 400 to a body that is not an export request, and 404 elsewhere', async () => {
    const garbage = await fetch(collector.tracesUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"resourceSpans": 3}' });
    const elsewhere = await fetch(`${collector.url}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });

    expect(garbage.status).toBe(400);
    expect(elsewhere.status).toBe(404);
    expect(collector.spans).toHaveLength(0);
  });
});

describe('decodeOtlpTraces', () => {
  it('decodes string-encoded integers, arrays and nested lists', () => {
    const [span] = decodeOtlpTraces({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'oracle' } }] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: 'c'.repeat(32),
                  spanId: 'd'.repeat(16),
                  name: 'chat',
                  kind: 3,
                  attributes: [
                    { key: 'n', value: { intValue: '42' } },
                    { key: 'list', value: { arrayValue: { values: [{ stringValue: 'a' }, { boolValue: true }] } } },
                    { key: 'map', value: { kvlistValue: { values: [{ key: 'k', value: { doubleValue: 1.5 } }] } } },
                  ],
                },
              ],
            },
          ],
        },
      ],
    });

    expect(span).toMatchObject({ service: 'oracle', kind: 'client', attributes: { n: 42, list: ['a', true], map: { k: 1.5 } } });
  });
});
