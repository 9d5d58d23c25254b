import type { NextFunction, Request, Response } from 'express';
import { currentTrace, parseTraceparent } from './trace-context';
import { traceMiddleware } from './trace.middleware';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

/** Runs the middleware for a request with the given traceparent; what `next` saw and what was answered. */
function handle(traceparent?: string): { headers: Record<string, string>; inNext: ReturnType<typeof currentTrace> } {
  const headers: Record<string, string> = {};
  const request = { header: (name: string) => (name === 'traceparent' ? traceparent : undefined) } as unknown as Request;
  const response = { setHeader: (name: string, value: string) => (headers[name] = value) } as unknown as Response;
  let inNext: ReturnType<typeof currentTrace>;
  traceMiddleware(request, response, (() => (inNext = currentTrace())) as NextFunction);
  return { headers, inNext };
}

describe('traceMiddleware without tracing', () => {
  it("continues the caller's trace for the request and answers with the request's own traceparent", () => {
    const { headers, inNext } = handle(TRACEPARENT);

    expect(inNext?.traceId).toBe(TRACE_ID);
    expect(parseTraceparent(headers['traceparent'])).toEqual(inNext);
    expect(headers['traceparent']).not.toBe(TRACEPARENT);
  });

  it('starts a trace for a request that brings none', () => {
    const { headers, inNext } = handle(undefined);

    expect(inNext).toBeDefined();
    expect(parseTraceparent(headers['traceparent'])).toEqual(inNext);
  });
});
