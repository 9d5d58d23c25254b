/**
 * Every failure of a model call is one of these. Messages name the server by its base URL's
 * origin and the model, never the API key.
 */
export abstract class ModelError extends Error {
  /** Whether asking again (later) may succeed, as opposed to a fix in the configuration. */
  abstract readonly retryable: boolean;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** No answer in time, connection refused or reset, 5xx, 503 while the model loads. */
export class ModelUnavailableError extends ModelError {
  readonly retryable = true;

  constructor(
    readonly reason: string,
    readonly httpStatus?: number,
  ) {
    super(`the model server is unavailable: ${reason}`);
  }
}

/** 429: the server is busy or a quota is used up; `retryAfterMs` when it said how long to wait. */
export class ModelRateLimitedError extends ModelError {
  readonly retryable = true;

  constructor(readonly retryAfterMs: number | undefined) {
    super(`the model server rate-limited the request${retryAfterMs === undefined ? '' : `; it asks to wait ${Math.ceil(retryAfterMs / 1000)} s`}`);
  }
}

/** 401/403/404 and other 4xx: wrong key, unknown model, a request the server refuses. Fixed by configuration, not by retrying. */
export class ModelRefusedError extends ModelError {
  readonly retryable = false;

  constructor(
    readonly httpStatus: number,
    detail: string,
  ) {
    super(`the model server refused the request (${httpStatus}): ${detail}`);
  }
}

/** A 200 whose body is not a chat completion, or whose content is not the JSON asked for. */
export class ModelAnswerError extends ModelError {
  readonly retryable = true;

  constructor(readonly problem: string) {
    super(`the model's answer is unusable: ${problem}`);
  }
}
