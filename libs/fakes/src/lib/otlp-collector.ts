import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { listenOnLoopback } from './listen-on-loopback';

export type CollectedSpanKind = 'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';

export type CollectedValue = string | number | boolean | null | CollectedValue[] | { [key: string]: CollectedValue };

/** One span as an OpenTelemetry SDK exported it, decoded from OTLP/JSON. */
export interface CollectedSpan {
  traceId: string;
  spanId: string;
  /** Absent for the root span of a trace (and for the first span of a process continuing no trace). */
  parentSpanId?: string;
  name: string;
  kind: CollectedSpanKind;
  /** The `service.name` attribute of the span's resource. */
  service?: string;
  attributes: Readonly<Record<string, CollectedValue>>;
  status: 'unset' | 'ok' | 'error';
  /** Nanoseconds since the epoch, as sent (a decimal string). */
  startTimeUnixNano: string;
  endTimeUnixNano: string;
}

export interface FakeOtlpRequest {
  readonly contentType: string;
  readonly status: number;
  /** Spans this request carried (0 when refused). */
  readonly spans: number;
}

export interface FakeOtlpCollector {
  /** The base to give as OTEL_EXPORTER_OTLP_ENDPOINT, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** Where spans are posted: `${url}/v1/traces` (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT). */
  readonly tracesUrl: string;
  /** Every span received, in order of arrival. */
  readonly spans: readonly CollectedSpan[];
  /** Every export request received. */
  readonly requests: readonly FakeOtlpRequest[];
  /** The spans of one trace. */
  trace(traceId: string): CollectedSpan[];
  close(): Promise<void>;
}

/* OTLP/JSON (opentelemetry-proto's JSON mapping): ids are hex strings, enums are numbers. */

interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
  bytesValue?: string;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
}

interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  attributes?: OtlpKeyValue[];
  status?: { code?: number };
  startTimeUnixNano?: string | number;
  endTimeUnixNano?: string | number;
}

interface ExportTraceServiceRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: Array<{ spans?: OtlpSpan[] }>;
  }>;
}

const KINDS: CollectedSpanKind[] = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
const STATUSES: CollectedSpan['status'][] = ['unset', 'ok', 'error'];

function decodeValue(value: OtlpAnyValue | undefined): CollectedValue {
  if (!value) return null;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.bytesValue !== undefined) return value.bytesValue;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(decodeValue);
  if (value.kvlistValue) return decodeAttributes(value.kvlistValue.values);
  return null;
}

function decodeAttributes(attributes: OtlpKeyValue[] | undefined): Record<string, CollectedValue> {
  return Object.fromEntries((attributes ?? []).map((attribute) => [attribute.key, decodeValue(attribute.value)]));
}

/** The spans of an OTLP/JSON export request; throws on a body of another shape. */
export function decodeOtlpTraces(body: unknown): CollectedSpan[] {
  const request = body as ExportTraceServiceRequest;
  if (!request || typeof request !== 'object' || (request.resourceSpans !== undefined && !Array.isArray(request.resourceSpans))) {
    throw new TypeError('expected an ExportTraceServiceRequest: { resourceSpans: [...] }');
  }
  const spans: CollectedSpan[] = [];
  for (const resourceSpans of request.resourceSpans ?? []) {
    const service = decodeAttributes(resourceSpans.resource?.attributes)['service.name'];
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        if (typeof span.traceId !== 'string' || typeof span.spanId !== 'string' || typeof span.name !== 'string') {
          throw new TypeError('expected spans with traceId, spanId and name');
        }
        spans.push({
          traceId: span.traceId,
          spanId: span.spanId,
          ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
          name: span.name,
          kind: KINDS[span.kind ?? 0] ?? 'unspecified',
          ...(typeof service === 'string' ? { service } : {}),
          attributes: decodeAttributes(span.attributes),
          status: STATUSES[span.status?.code ?? 0] ?? 'unset',
          startTimeUnixNano: String(span.startTimeUnixNano ?? '0'),
          endTimeUnixNano: String(span.endTimeUnixNano ?? '0'),
        });
      }
    }
  }
  return spans;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
}

/**
 * A local OTLP/HTTP trace receiver for tests: `POST /v1/traces` with a JSON body, as
 * `@opentelemetry/exporter-trace-otlp-http` sends it (gzip or not); the spans are kept in memory.
 * Protobuf bodies are refused with 415: this collector speaks the JSON encoding only.
 */
export async function startFakeOtlpCollector(): Promise<FakeOtlpCollector> {
  const spans: CollectedSpan[] = [];
  const requests: FakeOtlpRequest[] = [];

  const answer = (res: ServerResponse, status: number, body: object, contentType: string, received = 0) => {
    requests.push({ contentType, status, spans: received });
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  const server = createServer((req, res) => {
    const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim();
    if (req.method !== 'POST' || req.url?.split('?')[0] !== '/v1/traces') {
      answer(res, 404, { message: 'only POST /v1/traces is served' }, contentType);
      return;
    }
    if (contentType !== 'application/json') {
      req.resume();
      answer(res, 415, { message: `only application/json is accepted, not ${contentType || 'no content type'}` }, contentType);
      return;
    }
    readBody(req)
      .then((body) => {
        const received = decodeOtlpTraces(JSON.parse(body.toString('utf8')));
        spans.push(...received);
        answer(res, 200, { partialSuccess: {} }, contentType, received.length);
      })
      .catch((error: Error) => answer(res, 400, { message: error.message }, contentType));
  });
  const url = await listenOnLoopback(server);

  return {
    url,
    tracesUrl: `${url}/v1/traces`,
    spans,
    requests,
    trace: (traceId) => spans.filter((span) => span.traceId === traceId),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
