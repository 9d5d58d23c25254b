import type { IncomingMessage } from 'node:http';
import type { Span } from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';

/** Probes and scrapes, every few seconds, say nothing about a request: no span for them. */
const UNTRACED = /^\/(health\/|metrics(\?|$))/;

/** Names a server span after the route Express matched (`POST /api/v1/searches`), not the method alone. */
function nameAfterRoute(span: Span, request: object): void {
  const incoming = request as IncomingMessage & { route?: { path?: unknown } };
  const route = incoming.route?.path;
  if (typeof route !== 'string' || !incoming.method) return;
  span.setAttribute('http.route', route);
  span.updateName(`${incoming.method} ${route}`);
}

/**
 * HTTP server and client spans (node:http), fetch spans (undici, through diagnostics channels),
 * pg queries and ioredis commands. Clients, queries and commands are traced only inside a span
 * (a request, a message): a background poll does not start a trace of its own.
 */
export function registerTracingInstrumentations(): () => void {
  return registerInstrumentations({
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED.test(request.url ?? ''),
        requireParentforOutgoingSpans: true,
        applyCustomAttributesOnSpan: nameAfterRoute,
      }),
      new UndiciInstrumentation({ requireParentforSpans: true }),
      new PgInstrumentation({ requireParentSpan: true }),
      new IORedisInstrumentation({ requireParentSpan: true }),
    ],
  });
}
