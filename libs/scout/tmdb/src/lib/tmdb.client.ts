import type { z } from 'zod';
import type { CircuitBreaker } from '@sokoul/circuit-breaker';
import { parseRetryAfter } from './retry-after';
import {
  type TmdbCache,
  type TmdbCacheEntry,
  type TmdbCacheEvent,
  type TmdbLookup,
  isSeasonAiring,
  isTvAiring,
  normalizeQuery,
  tmdbCacheKey,
} from './tmdb.cache';
import {
  wireErrorSchema,
  wireFindSchema,
  wireMovieSchema,
  wireMovieSearchSchema,
  wireMultiSearchSchema,
  wireSeasonSchema,
  wireTvSchema,
  wireTvSearchSchema,
} from './tmdb.dto';
import {
  TmdbAuthError,
  TmdbNotConfiguredError,
  TmdbNotFoundError,
  TmdbRateLimitedError,
  TmdbRequestError,
  TmdbResponseError,
  TmdbUnavailableError,
} from './tmdb.errors';
import { toFindResult, toMovie, toMovieSearchPage, toMultiSearchPage, toSeason, toTv, toTvSearchPage, withYear } from './tmdb.mapping';
import {
  type TmdbMovie,
  type TmdbMovieSearchPage,
  type TmdbMultiSearchPage,
  type TmdbSeason,
  type TmdbTitleSummary,
  type TmdbTv,
  type TmdbTvSearchPage,
  tmdbMovieSchema,
  tmdbMovieSearchPageSchema,
  tmdbMultiSearchPageSchema,
  tmdbSeasonSchema,
  tmdbTitleSummarySchema,
  tmdbTvSchema,
  tmdbTvSearchPageSchema,
} from './tmdb.models';

export interface TmdbClientOptions {
  /** Default `https://api.themoviedb.org`; `/3` is added. */
  baseUrl?: string;
  /** v3 API key, sent as `?api_key=`. */
  apiKey?: string;
  /** v4 API read access token, sent as `Authorization: Bearer`; preferred over the key (it stays out of URLs). */
  bearerToken?: string;
  /** Per HTTP attempt, headers and body included. Default 10 000. */
  timeoutMs?: number;
  /** ISO 639-1 language with optional region, e.g. `en-US` (default) or `fr-FR`. */
  language?: string;
  cache?: TmdbCache;
  /** Every cache call is abandoned after this long and counted as an error. Default 250. */
  cacheTimeoutMs?: number;
  /** Told about cache hits, misses and errors (for `sokoul_cache_hits_total{cache="tmdb"}`). */
  onCacheEvent?: (event: TmdbCacheEvent) => void;
  /** Total time a lookup may spend waiting out 429s before giving up. Default 10 000. */
  maxRateLimitWaitMs?: number;
  /**
   * Stops asking TMDB while it keeps failing (timeouts, connection errors, 5xx, 429s it would
   * not wait out): lookups then fail at once with `TmdbUnavailableError`, and cached answers
   * are still served. None by default.
   */
  breaker?: CircuitBreaker;
  /** The HTTP implementation; global `fetch` by default. */
  fetch?: typeof fetch;
}

export interface SearchMultiOptions {
  /** Applied to the page TMDB returns (TMDB's multi search has no year parameter). */
  year?: number;
  page?: number;
}

export interface SearchMovieOptions {
  /** TMDB's `year`: matches any release date of that year, in any country. */
  year?: number;
  page?: number;
}

export interface SearchTvOptions {
  firstAirDateYear?: number;
  page?: number;
}

const DEFAULT_BASE_URL = 'https://api.themoviedb.org';
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_CACHE_TIMEOUT_MS = 250;
const DEFAULT_MAX_RATE_LIMIT_WAIT_MS = 10_000;
/** Wait when a 429 carries no (readable) Retry-After. */
const DEFAULT_RETRY_AFTER_MS = 1_000;
/** Even with `Retry-After: 0`, a lookup gives up after this many 429s in a row. */
const MAX_RATE_LIMIT_RETRIES = 3;
const MAX_PAGE = 500;
const IMDB_ID = /^tt\d{7,}$/;

const NOT_FOUND = Symbol('not found');
type NotFound = typeof NOT_FOUND;

interface Answer {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly body: string;
}

type Params = Record<string, string | number | boolean | undefined>;

/**
 * TMDB v3, read-only, framework-free. Answers are validated and normalized (see
 * `tmdb.models.ts`); failures are the typed errors of `tmdb.errors.ts`. With a cache, each
 * answer (including "not found") is kept for a time that depends on its kind, and identical
 * concurrent lookups share one request. The credentials live in private fields and never
 * appear in errors, logs or `util.inspect` of the client.
 */
export class TmdbClient {
  readonly #apiKey: string | undefined;
  readonly #bearerToken: string | undefined;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  readonly language: string;
  private readonly cache: TmdbCache | undefined;
  private readonly cacheTimeoutMs: number;
  private readonly onCacheEvent: ((event: TmdbCacheEvent) => void) | undefined;
  private readonly maxRateLimitWaitMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly breaker: CircuitBreaker | undefined;
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(options: TmdbClientOptions = {}) {
    this.#apiKey = options.apiKey?.trim() || undefined;
    this.#bearerToken = options.bearerToken?.trim() || undefined;
    this.baseUrl = new URL(options.baseUrl ?? DEFAULT_BASE_URL).toString().replace(/\/+$/, '');
    this.timeoutMs = positive('timeoutMs', options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    this.language = options.language ?? 'en-US';
    this.cache = options.cache;
    this.cacheTimeoutMs = positive('cacheTimeoutMs', options.cacheTimeoutMs ?? DEFAULT_CACHE_TIMEOUT_MS);
    this.onCacheEvent = options.onCacheEvent;
    this.maxRateLimitWaitMs = Math.max(0, options.maxRateLimitWaitMs ?? DEFAULT_MAX_RATE_LIMIT_WAIT_MS);
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    this.breaker = options.breaker;
  }

  /** Whether a key or token was given; without one every lookup throws TmdbNotConfiguredError. */
  get configured(): boolean {
    return this.#apiKey !== undefined || this.#bearerToken !== undefined;
  }

  /** Movies and shows (people are skipped) matching `query`, optionally of one year. */
  async searchMulti(query: string, options: SearchMultiOptions = {}): Promise<TmdbMultiSearchPage> {
    const text = searchText(query, '/search/multi');
    const page = pageNumber(options.page, '/search/multi');
    year(options.year, '/search/multi');
    const found = await this.lookup({ kind: 'search-multi', query: text, page }, tmdbMultiSearchPageSchema, async () =>
      toMultiSearchPage(await this.get('/search/multi', { query: text, include_adult: false, page }, wireMultiSearchSchema)),
    );
    return withYear(this.found(found, '/search/multi'), options.year);
  }

  async searchMovie(query: string, options: SearchMovieOptions = {}): Promise<TmdbMovieSearchPage> {
    const text = searchText(query, '/search/movie');
    const page = pageNumber(options.page, '/search/movie');
    const releaseYear = year(options.year, '/search/movie');
    const found = await this.lookup({ kind: 'search-movie', query: text, year: releaseYear, page }, tmdbMovieSearchPageSchema, async () =>
      toMovieSearchPage(await this.get('/search/movie', { query: text, include_adult: false, year: releaseYear, page }, wireMovieSearchSchema)),
    );
    return this.found(found, '/search/movie');
  }

  async searchTv(query: string, options: SearchTvOptions = {}): Promise<TmdbTvSearchPage> {
    const text = searchText(query, '/search/tv');
    const page = pageNumber(options.page, '/search/tv');
    const firstAirDateYear = year(options.firstAirDateYear, '/search/tv');
    const found = await this.lookup({ kind: 'search-tv', query: text, firstAirDateYear, page }, tmdbTvSearchPageSchema, async () =>
      toTvSearchPage(
        await this.get('/search/tv', { query: text, include_adult: false, first_air_date_year: firstAirDateYear, page }, wireTvSearchSchema),
      ),
    );
    return this.found(found, '/search/tv');
  }

  /** A movie with its IMDb id and alternative titles (one request). */
  async movie(id: number): Promise<TmdbMovie> {
    const path = `/movie/${tmdbId(id, '/movie')}`;
    const found = await this.lookup({ kind: 'movie', id }, tmdbMovieSchema, () =>
      orNotFound(async () => toMovie(await this.get(path, { append_to_response: 'external_ids,alternative_titles' }, wireMovieSchema))),
    );
    return this.found(found, path);
  }

  /** A show with its seasons, IMDb and TVDB ids and alternative titles (one request). */
  async tv(id: number): Promise<TmdbTv> {
    const path = `/tv/${tmdbId(id, '/tv')}`;
    const found = await this.lookup(
      { kind: 'tv', id },
      tmdbTvSchema,
      () => orNotFound(async () => toTv(await this.get(path, { append_to_response: 'external_ids,alternative_titles' }, wireTvSchema))),
      isTvAiring,
    );
    return this.found(found, path);
  }

  /** One season's episodes. Season 0 is TMDB's Specials. */
  async season(tvId: number, seasonNumber: number): Promise<TmdbSeason> {
    if (!Number.isInteger(seasonNumber) || seasonNumber < 0) throw new TmdbRequestError(`GET /3/tv/${tvId}/season`, `season number must be an integer ≥ 0, got ${seasonNumber}`);
    const path = `/tv/${tmdbId(tvId, '/tv')}/season/${seasonNumber}`;
    const found = await this.lookup(
      { kind: 'season', tvId, seasonNumber },
      tmdbSeasonSchema,
      () => orNotFound(async () => toSeason(tvId, await this.get(path, {}, wireSeasonSchema))),
      (season) => isSeasonAiring(season),
    );
    return this.found(found, path);
  }

  /** The movie or show TMDB links to an IMDb id (`tt…`), or null when it knows none. */
  async findByImdbId(imdbId: string): Promise<TmdbTitleSummary | null> {
    if (!IMDB_ID.test(imdbId)) throw new TmdbRequestError('GET /3/find', `expected an IMDb id like tt0133093, got ${JSON.stringify(imdbId.slice(0, 40))}`);
    const path = `/find/${imdbId}`;
    const found = await this.lookup({ kind: 'find-imdb', imdbId }, tmdbTitleSummarySchema, async () => {
      const title = toFindResult(await this.get(path, { external_source: 'imdb_id' }, wireFindSchema));
      return title ?? NOT_FOUND;
    });
    return found === NOT_FOUND ? null : found;
  }

  private found<T>(value: T | NotFound, path: string): T {
    if (value === NOT_FOUND) throw new TmdbNotFoundError(`GET /3${path}`);
    return value;
  }

  /** Through the cache when there is one; identical lookups in flight share one promise. */
  private lookup<T>(
    lookup: TmdbLookup,
    schema: z.ZodType<T>,
    load: () => Promise<T | NotFound>,
    airing?: (value: T) => boolean,
  ): Promise<T | NotFound> {
    if (!this.configured) return Promise.reject(new TmdbNotConfiguredError());
    const key = tmdbCacheKey(lookup, this.language);
    const running = this.inFlight.get(key) as Promise<T | NotFound> | undefined;
    if (running) return running;
    const work = this.lookupOnce(lookup, schema, load, airing).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, work);
    return work;
  }

  private async lookupOnce<T>(
    lookup: TmdbLookup,
    schema: z.ZodType<T>,
    load: () => Promise<T | NotFound>,
    airing?: (value: T) => boolean,
  ): Promise<T | NotFound> {
    const cache = this.cache;
    if (!cache) return load();
    const cached = await this.cacheCall(lookup, () => cache.get(lookup, this.language));
    if (cached) {
      if (!cached.found) {
        this.report(lookup, 'hit');
        return NOT_FOUND;
      }
      // An entry written by another version of this code, or by hand, is a miss and gets replaced.
      const valid = schema.safeParse(cached.value);
      if (valid.success) {
        this.report(lookup, 'hit');
        return valid.data;
      }
    }
    this.report(lookup, 'miss');
    const value = await load();
    const entry: TmdbCacheEntry = value === NOT_FOUND ? { found: false } : { found: true, value, airing: airing?.(value) ?? false };
    await this.cacheCall(lookup, () => cache.set(lookup, this.language, entry));
    return value;
  }

  /** A cache call that cannot fail the lookup: errors and slow answers become `undefined`. */
  private async cacheCall<R>(lookup: TmdbLookup, call: () => Promise<R>): Promise<R | undefined> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        call(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('cache timeout')), this.cacheTimeoutMs);
        }),
      ]);
    } catch {
      this.report(lookup, 'error');
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  private report(lookup: TmdbLookup, outcome: TmdbCacheEvent['outcome']): void {
    try {
      this.onCacheEvent?.({ kind: lookup.kind, outcome });
    } catch {
      // A broken observer must not break lookups.
    }
  }

  /** One request through the breaker: TMDB failing (unavailable, rate limited) counts against it, any other answer for it. */
  private async get<S extends z.ZodType>(path: string, params: Params, schema: S): Promise<z.infer<S>> {
    const request = `GET /3${path}`;
    const breaker = this.breaker;
    if (!breaker) return this.request(request, path, params, schema);
    if (!breaker.allow()) throw new TmdbUnavailableError(request, 'it failed repeatedly; not asked again until the circuit breaker lets a probe through');
    try {
      const answer = await this.request(request, path, params, schema);
      breaker.succeeded();
      return answer;
    } catch (error) {
      if (error instanceof TmdbUnavailableError) breaker.failed();
      else if (error instanceof TmdbRateLimitedError) breaker.failed(error.retryAfterMs);
      else breaker.succeeded();
      throw error;
    }
  }

  /** GET `/3${path}`, honouring 429 + Retry-After within the wait budget, validated by `schema`. */
  private async request<S extends z.ZodType>(request: string, path: string, params: Params, schema: S): Promise<z.infer<S>> {
    const url = new URL(`${this.baseUrl}/3${path}`);
    for (const [name, value] of Object.entries({ ...params, language: this.language })) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.#bearerToken !== undefined) headers['Authorization'] = `Bearer ${this.#bearerToken}`;
    else if (this.#apiKey !== undefined) url.searchParams.set('api_key', this.#apiKey);

    let waitedMs = 0;
    for (let retries = 0; ; retries += 1) {
      const answer = await this.send(url, headers, request);
      if (answer.status !== 429) return this.read(answer, request, schema);
      const retryAfterMs = parseRetryAfter(answer.retryAfter);
      const waitMs = retryAfterMs ?? DEFAULT_RETRY_AFTER_MS;
      if (retries >= MAX_RATE_LIMIT_RETRIES || waitedMs + waitMs > this.maxRateLimitWaitMs) throw new TmdbRateLimitedError(request, retryAfterMs);
      waitedMs += waitMs;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }

  private async send(url: URL, headers: Record<string, string>, request: string): Promise<Answer> {
    try {
      const response = await this.fetchImpl(url, { headers, signal: AbortSignal.timeout(this.timeoutMs) });
      return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.text() };
    } catch (error) {
      throw new TmdbUnavailableError(request, this.redact(this.describeFailure(error)));
    }
  }

  private read<S extends z.ZodType>(answer: Answer, request: string, schema: S): z.infer<S> {
    const { status } = answer;
    if (status >= 200 && status < 300) {
      let json: unknown;
      try {
        json = JSON.parse(answer.body);
      } catch {
        throw new TmdbResponseError(request, [`the body is not JSON (HTTP ${status})`]);
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        throw new TmdbResponseError(
          request,
          parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`),
        );
      }
      return parsed.data;
    }
    const tmdb = readErrorBody(answer.body);
    const message = tmdb.status_message ? this.redact(tmdb.status_message) : undefined;
    const said = message ? ` (${message})` : '';
    if (status === 401) throw new TmdbAuthError(request, tmdb.status_code, message);
    // 34: "The resource you requested could not be found"; 6: "Invalid id".
    if (status === 404 || tmdb.status_code === 34 || tmdb.status_code === 6) throw new TmdbNotFoundError(request);
    if (status >= 500 || status === 408) throw new TmdbUnavailableError(request, `HTTP ${status}${said}`, status);
    throw new TmdbRequestError(request, `HTTP ${status}${said}`, status);
  }

  private describeFailure(error: unknown): string {
    if (error instanceof Error || (typeof error === 'object' && error !== null && 'name' in error)) {
      const failure = error as Error & { cause?: unknown };
      if (failure.name === 'TimeoutError' || failure.name === 'AbortError') return `no answer within ${this.timeoutMs} ms`;
      const cause = failure.cause as { code?: unknown; message?: unknown } | undefined;
      const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : failure.message;
      return `connection failed (${detail})`;
    }
    return 'connection failed';
  }

  /** Whatever an error text contains, the key and the token are not in it. */
  private redact(text: string): string {
    let safe = text;
    for (const secret of [this.#apiKey, this.#bearerToken]) {
      if (secret) safe = safe.split(secret).join('[redacted]');
    }
    return safe;
  }
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`TmdbClient ${name} must be a positive number, got ${value}`);
  return value;
}

async function orNotFound<T>(load: () => Promise<T>): Promise<T | NotFound> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof TmdbNotFoundError) return NOT_FOUND;
    throw error;
  }
}

function readErrorBody(body: string): z.infer<typeof wireErrorSchema> {
  try {
    const parsed = wireErrorSchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

function searchText(query: string, path: string): string {
  const text = normalizeQuery(query);
  if (text === '') throw new TmdbRequestError(`GET /3${path}`, 'the query is empty');
  return text;
}

function pageNumber(page: number | undefined, path: string): number {
  const value = page ?? 1;
  if (!Number.isInteger(value) || value < 1 || value > MAX_PAGE) throw new TmdbRequestError(`GET /3${path}`, `page must be an integer from 1 to ${MAX_PAGE}, got ${value}`);
  return value;
}

function year(value: number | undefined, path: string): number | undefined {
  if (value !== undefined && (!Number.isInteger(value) || value < 1800 || value > 2999)) {
    throw new TmdbRequestError(`GET /3${path}`, `year must be a four-digit year, got ${value}`);
  }
  return value;
}

function tmdbId(id: number, path: string): number {
  if (!Number.isInteger(id) || id <= 0) throw new TmdbRequestError(`GET /3${path}`, `id must be a positive integer, got ${id}`);
  return id;
}
