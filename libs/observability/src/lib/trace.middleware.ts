import type { NextFunction, Request, Response } from 'express';
import { currentTrace, formatTraceparent, runInTrace, tracingEnabled } from './trace-context';

function answerTraceparent(response: Response): void {
  const trace = currentTrace();
  if (trace) response.setHeader('traceparent', formatTraceparent(trace));
}

/**
 * Continues the caller's trace (W3C `traceparent`) or starts one, for the whole request, and
 * answers with the request's own traceparent so a client can quote it in a bug report. With
 * tracing on, OpenTelemetry's HTTP server span already is the request's span: it is the one answered.
 */
export function traceMiddleware(request: Request, response: Response, next: NextFunction): void {
  if (tracingEnabled()) {
    answerTraceparent(response);
    next();
    return;
  }
  runInTrace(request.header('traceparent'), () => {
    answerTraceparent(response);
    next();
  });
}
