import { type ArgumentsHost, type ExceptionFilter, Catch, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DEPENDENCY_RETRY_AFTER_SECONDS, isDependencyUnavailable } from './dependency-unavailable';
import { PROBLEM_CONTENT_TYPE, type ProblemDetails, ProblemException, ServiceUnavailableProblem, problemTypeUri } from './problem-details';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Authentication required',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service temporarily unavailable',
};

/**
 * Every error leaves as application/problem+json. An error that means a dependency is
 * unreachable or out of connections (Postgres down, its pool exhausted, Redis gone) is a 503
 * with `Retry-After`, logged as a warning without a stack: the client can retry, and an outage
 * does not flood the logs. Other unexpected errors are logged with their stack and answered
 * with a 500 that reveals nothing of the internals.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const unavailable = !(exception instanceof HttpException) && isDependencyUnavailable(exception);
    const { problem, headers } = this.toProblem(unavailable ? dependencyUnavailable() : exception, request);
    if (unavailable) this.logger.warn(`${request.method} ${request.path}: dependency unavailable: ${(exception as Error)?.message ?? String(exception)}`);
    else if (problem.status >= 500) this.logger.error(exception instanceof Error ? exception : String(exception));
    if (response.headersSent) return;
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }

  private toProblem(exception: unknown, request: Request): { problem: ProblemDetails; headers: Record<string, string> } {
    const instance = request.originalUrl;
    if (exception instanceof ProblemException) {
      const body = exception.getResponse() as { title: string; detail?: string };
      return {
        problem: {
          type: problemTypeUri(exception.problemType),
          title: body.title,
          status: exception.getStatus(),
          ...(body.detail ? { detail: body.detail } : {}),
          instance,
          ...exception.extensions,
        },
        headers: exception.headers,
      };
    }
    const status = statusOf(exception);
    const detail = status < 500 ? detailOf(exception) : undefined;
    return {
      problem: {
        type: problemTypeUri(slug(status)),
        title: TITLES[status] ?? HttpStatus[status] ?? 'Error',
        status,
        ...(detail ? { detail } : {}),
        instance,
      },
      headers: {},
    };
  }
}

function dependencyUnavailable(): ServiceUnavailableProblem {
  return new ServiceUnavailableProblem('A service this request needs is unavailable right now; retry shortly.', DEPENDENCY_RETRY_AFTER_SECONDS);
}

function statusOf(exception: unknown): number {
  if (exception instanceof HttpException) return exception.getStatus();
  // Errors raised by body-parser that Nest does not map itself (too large, bad charset).
  const status = (exception as { status?: unknown; statusCode?: unknown })?.status ?? (exception as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

function detailOf(exception: unknown): string | undefined {
  if (exception instanceof HttpException) {
    const response = exception.getResponse();
    if (typeof response === 'string') return response;
    const message = (response as { message?: unknown }).message;
    return Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : exception.message;
  }
  const type = (exception as { type?: string })?.type;
  if (type === 'entity.too.large') return 'The request body is larger than the API accepts.';
  return (exception as Error)?.message;
}

function slug(status: number): string {
  return (TITLES[status] ?? `http-${status}`).toLowerCase().replace(/[^a-z0-9]+/g, '-');
}
