import { type CallHandler, type ExecutionContext, type NestInterceptor, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { type Observable, finalize } from 'rxjs';
import { histogram } from './metrics';

const httpDuration = histogram(
  'sokoul_http_request_duration_seconds',
  'HTTP request duration by method, route template and status code',
  ['method', 'route', 'status_code'],
);

/** Times every HTTP request by route template (never the raw URL: ids would explode cardinality). */
@Injectable()
export class HttpMetricsInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const stop = httpDuration.startTimer({ method: request.method });
    return next.handle().pipe(
      finalize(() => {
        const route = (request.route as { path?: string } | undefined)?.path ?? 'unmatched';
        stop({ route, status_code: String(http.getResponse<Response>().statusCode) });
      }),
    );
  }
}
