/**
 * Every failure of a TMDB lookup is one of these. Messages name the request by its path
 * (`GET /3/movie/603`), never by its URL, so neither the v3 key nor the bearer token can
 * reach an error message, a log line or a serialized error.
 */
export abstract class TmdbError extends Error {
  /** Whether asking again later may succeed (timeouts, 5xx, 429), as opposed to a fix on our side. */
  abstract readonly retryable: boolean;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Neither an API key nor a bearer token is configured: TMDB lookups are switched off. */
export class TmdbNotConfiguredError extends TmdbError {
  readonly retryable = false;

  constructor() {
    super('TMDB is not configured: set an API key (v3) or a read access token (v4)');
  }
}

/** TMDB refused the credentials (401: invalid, revoked or suspended key). */
export class TmdbAuthError extends TmdbError {
  readonly retryable = false;

  constructor(
    readonly request: string,
    readonly statusCode: number | undefined,
    statusMessage: string | undefined,
  ) {
    super(`TMDB refused the credentials for ${request}${statusMessage ? `: ${statusMessage}` : ''}`);
  }
}

/** The movie, show or season does not exist (404, TMDB status_code 34). */
export class TmdbNotFoundError extends TmdbError {
  readonly retryable = false;

  constructor(readonly request: string) {
    super(`TMDB has nothing at ${request}`);
  }
}

/** TMDB could not be reached or did not answer properly: timeout, connection error, 5xx. */
export class TmdbUnavailableError extends TmdbError {
  readonly retryable = true;

  constructor(
    readonly request: string,
    readonly reason: string,
    readonly httpStatus?: number,
  ) {
    super(`TMDB is unavailable for ${request}: ${reason}`);
  }
}

/** TMDB kept answering 429 and asked to wait longer than the client is allowed to. */
export class TmdbRateLimitedError extends TmdbError {
  readonly retryable = true;

  constructor(
    readonly request: string,
    /** How long TMDB asked to wait before the next request, when it said. */
    readonly retryAfterMs: number | undefined,
  ) {
    super(`TMDB rate-limited ${request}${retryAfterMs === undefined ? '' : `; it asks to wait ${Math.ceil(retryAfterMs / 1000)} s`}`);
  }
}

/** TMDB answered 2xx with something that is not the documented JSON (a bug or an API change). */
export class TmdbResponseError extends TmdbError {
  readonly retryable = false;

  constructor(
    readonly request: string,
    readonly problems: readonly string[],
  ) {
    super(`TMDB answered ${request} with an unexpected body: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (+${problems.length - 5} more)` : ''}`);
  }
}

/** TMDB rejected the request itself (400, 422: bad parameters), or the caller passed an invalid argument. */
export class TmdbRequestError extends TmdbError {
  readonly retryable = false;

  constructor(
    readonly request: string,
    reason: string,
    readonly httpStatus?: number,
  ) {
    super(`TMDB request ${request} is invalid: ${reason}`);
  }
}
