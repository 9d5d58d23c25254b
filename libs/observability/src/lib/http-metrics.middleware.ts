import type { NextFunction, Request, Response } from 'express';
import { histogram } from './metrics';

const httpDuration = histogram(
  'sokoul_http_request_duration_seconds',
  'HTTP request duration by method, route template and status code',
  ['method', 'route', 'status_code'],
);

/**
 * Times every HTTP request by route template (never the raw URL: ids would explode
 * cardinality), from the first middleware to the end of the answer, whoever gave it: a
 * handler, a guard (401, 403, 429), or no route at all (`unmatched`). A middleware rather than
 * a Nest interceptor: a route without interceptors skips Nest's interceptor chain (rxjs, and
 * two `AsyncResource.bind` per request), which cost more than the timing itself.
 */
export function httpMetricsMiddleware(request: Request, response: Response, next: NextFunction): void {
  const stop = httpDuration.startTimer();
  response.once('close', () => {
    const route = (request.route as { path?: string } | undefined)?.path ?? 'unmatched';
    stop({ method: request.method, route, status_code: String(response.statusCode) });
  });
  next();
}
