/**
 * Everything the Torznab client throws is a `TorznabError`; `kind` tells the cases apart
 * without `instanceof`. Messages and `url` never carry the API key (see `redactApiKey`).
 */

export type TorznabErrorKind = 'timeout' | 'network' | 'http' | 'rate-limited' | 'auth' | 'api' | 'feed' | 'unsupported-search';

export abstract class TorznabError extends Error {
  abstract readonly kind: TorznabErrorKind;
  /** The request URL with the API key redacted, when the error came from a request. */
  readonly url?: string;

  protected constructor(message: string, url?: string) {
    super(url ? `${message} (${url})` : message);
    this.name = new.target.name;
    if (url !== undefined) this.url = url;
  }
}

/** The indexer did not answer (headers and body) within `timeoutMs`. */
export class TorznabTimeoutError extends TorznabError {
  readonly kind = 'timeout';

  constructor(
    readonly timeoutMs: number,
    url?: string,
  ) {
    super(`Torznab indexer did not answer within ${timeoutMs} ms`, url);
  }
}

/** The connection failed or was cut (refused, reset, DNS); `code` is the system code when known. */
export class TorznabNetworkError extends TorznabError {
  readonly kind = 'network';

  constructor(
    readonly code: string | undefined,
    url?: string,
  ) {
    super(`Torznab request failed${code ? ` (${code})` : ''}`, url);
  }
}

/** A non-2xx answer that is not a Torznab error document, a 401/403 or a 429. */
export class TorznabHttpError extends TorznabError {
  readonly kind = 'http';

  constructor(
    readonly status: number,
    url?: string,
  ) {
    super(`Torznab indexer answered HTTP ${status}`, url);
  }
}

/**
 * HTTP 429, or the Torznab "request limit reached" error (codes 500/501). `retryAfterMs` comes
 * from `Retry-After` (delta-seconds or HTTP date) and is absent when the indexer gave none.
 */
export class TorznabRateLimitedError extends TorznabError {
  readonly kind = 'rate-limited';
  readonly status?: number;
  readonly code?: number;

  constructor(
    readonly retryAfterMs: number | undefined,
    details: { readonly status?: number; readonly code?: number; readonly url?: string } = {},
  ) {
    super(`Torznab indexer is rate limiting${retryAfterMs === undefined ? '' : `; retry after ${retryAfterMs} ms`}`, details.url);
    if (details.status !== undefined) this.status = details.status;
    if (details.code !== undefined) this.code = details.code;
  }
}

/** HTTP 401/403, or a Torznab error code 100-199 (bad key, suspended account, no privileges). */
export class TorznabAuthError extends TorznabError {
  readonly kind = 'auth';
  readonly status?: number;
  readonly code?: number;

  constructor(details: { readonly status?: number; readonly code?: number; readonly description?: string; readonly url?: string }) {
    super(`Torznab indexer refused the API key${details.description ? `: ${details.description}` : ''}`, details.url);
    if (details.status !== undefined) this.status = details.status;
    if (details.code !== undefined) this.code = details.code;
  }
}

/** Any other Torznab `<error code description/>` (200 missing parameter, 203 not available …). */
export class TorznabApiError extends TorznabError {
  readonly kind = 'api';

  constructor(
    readonly code: number,
    readonly description: string,
    url?: string,
  ) {
    super(`Torznab error ${code}: ${description}`, url);
  }
}

/** The answer is not a Torznab document we can read: invalid XML, wrong root, or too large. */
export class TorznabFeedError extends TorznabError {
  readonly kind = 'feed';

  constructor(message: string, url?: string) {
    super(message, url);
  }
}

/** `search()` found no mode in the indexer's caps that can express the request. */
export class TorznabUnsupportedSearchError extends TorznabError {
  readonly kind = 'unsupported-search';

  constructor(message: string, url?: string) {
    super(message, url);
  }
}

/** Maps a Torznab `<error>` document to the error it stands for. */
export function errorForTorznabCode(
  code: number,
  description: string,
  context: { readonly status?: number; readonly url?: string; readonly retryAfterMs?: number } = {},
): TorznabError {
  if (code >= 100 && code <= 199) {
    return new TorznabAuthError({ status: context.status, code, description, url: context.url });
  }
  if (code === 500 || code === 501 || /limit reached/i.test(description)) {
    return new TorznabRateLimitedError(context.retryAfterMs, { status: context.status, code, url: context.url });
  }
  return new TorznabApiError(code, description, context.url);
}
