import { HttpException, HttpStatus } from '@nestjs/common';

/** RFC 9457 problem details, the body of every error the API returns. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  /** Field-level validation failures: `pointer` is a JSON pointer into the request. */
  errors?: Array<{ pointer: string; detail: string }>;
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const TYPE_BASE = 'https://sokoul.dev/problems/';

/** An HTTP error that already knows its problem type; anything else is mapped by status. */
export class ProblemException extends HttpException {
  constructor(
    status: HttpStatus,
    readonly problemType: string,
    title: string,
    detail?: string,
    readonly extensions: Partial<ProblemDetails> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super({ title, detail }, status);
  }
}

export function problemTypeUri(slug: string): string {
  return `${TYPE_BASE}${slug}`;
}

export class ValidationProblem extends ProblemException {
  constructor(errors: ProblemDetails['errors'], detail = 'The request is not valid.') {
    super(HttpStatus.BAD_REQUEST, 'validation', 'Your request parameters did not validate', detail, { errors });
  }
}

export class ServiceUnavailableProblem extends ProblemException {
  constructor(detail: string, retryAfterSeconds: number) {
    super(HttpStatus.SERVICE_UNAVAILABLE, 'service-unavailable', 'Service temporarily unavailable', detail, {}, {
      'Retry-After': String(retryAfterSeconds),
    });
  }
}

export class TooManyRequestsProblem extends ProblemException {
  constructor(detail: string, retryAfterSeconds: number) {
    super(HttpStatus.TOO_MANY_REQUESTS, 'rate-limited', 'Too many requests', detail, {}, { 'Retry-After': String(retryAfterSeconds) });
  }
}
