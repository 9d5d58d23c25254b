import type { NextFunction, Request, Response } from 'express';
import { currentTrace, formatTraceparent, runInTrace } from './trace-context';

/**
 * Continues the caller's trace (W3C `traceparent`) or starts one, for the whole request, and
 * answers with the request's own traceparent so a client can quote it in a bug report.
 */
export function traceMiddleware(request: Request, response: Response, next: NextFunction): void {
  runInTrace(request.header('traceparent'), () => {
    const trace = currentTrace();
    if (trace) response.setHeader('traceparent', formatTraceparent(trace));
    next();
  });
}
