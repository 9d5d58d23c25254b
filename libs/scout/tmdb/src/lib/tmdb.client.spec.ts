import { inspect } from 'node:util';
import { CircuitBreaker } from '@sokoul/circuit-breaker';
import { type TmdbCache, type TmdbCacheEntry, type TmdbCacheEvent, type TmdbLookup, tmdbCacheKey } from './tmdb.cache';
import { TmdbClient, type TmdbClientOptions } from './tmdb.client';
import {
  TmdbAuthError,
  TmdbError,
  TmdbNotConfiguredError,
  TmdbNotFoundError,
  TmdbRateLimitedError,
  TmdbRequestError,
  TmdbResponseError,
  TmdbUnavailableError,
} from './tmdb.errors';

const API_KEY = 'k3y0f7h3v3ap1-0123456789abcdef';
const TOKEN = 'eyJ.v4-read-access-token.sig';

const MATRIX = {
  id: 603,
  imdb_id: 'tt0133093',
  title: 'The Matrix',
  original_title: 'The Matrix',
  original_language: 'en',
  release_date: '1999-03-30',
  runtime: 136,
  status: 'Released',
  overview: 'A computer hacker…',
  external_ids: { imdb_id: 'tt0133093' },
  alternative_titles: { titles: [] },
};

const SHOGUN = {
  id: 126308,
  name: 'Shōgun',
  first_air_date: '2024-02-27',
  status: 'Returning Series',
  in_production: true,
  seasons: [{ season_number: 1, name: 'Season 1', episode_count: 10, air_date: '2024-02-27' }],
  external_ids: { imdb_id: 'tt2788316', tvdb_id: null },
};

const NOT_FOUND_BODY = { success: false, status_code: 34, status_message: 'The resource you requested could not be found.' };

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

type FetchMock = jest.Mock<Promise<Response>, [URL, RequestInit]>;

/** A fetch that answers the given responses in order, and fails the test on any extra call. */
function fetchAnswering(...answers: (Response | Error)[]): FetchMock {
  const mock: FetchMock = jest.fn();
  for (const answer of answers) {
    if (answer instanceof Error) mock.mockRejectedValueOnce(answer);
    else mock.mockResolvedValueOnce(answer);
  }
  mock.mockImplementation(async (url) => {
    throw new Error(`unexpected request to ${url.pathname}`);
  });
  return mock;
}

function client(fetchMock: FetchMock, options: TmdbClientOptions = {}): TmdbClient {
  return new TmdbClient({ apiKey: API_KEY, fetch: fetchMock as unknown as typeof fetch, ...options });
}

const requestedUrl = (mock: FetchMock, call = 0): URL => mock.mock.calls[call]![0];
const requestedHeaders = (mock: FetchMock, call = 0): Record<string, string> => mock.mock.calls[call]![1].headers as Record<string, string>;

class MemoryCache implements TmdbCache {
  readonly entries = new Map<string, TmdbCacheEntry>();
  async get(lookup: TmdbLookup, language: string): Promise<TmdbCacheEntry | undefined> {
    return this.entries.get(tmdbCacheKey(lookup, language));
  }
  async set(lookup: TmdbLookup, language: string, entry: TmdbCacheEntry): Promise<void> {
    this.entries.set(tmdbCacheKey(lookup, language), entry);
  }
}

describe('TmdbClient requests', () => {
  it('authenticates with api_key in the query when only a v3 key is configured', async () => {
    const fetchMock = fetchAnswering(json(200, MATRIX));

    await client(fetchMock).movie(603);

    const url = requestedUrl(fetchMock);
    expect(url.origin + url.pathname).toBe('https://api.themoviedb.org/3/movie/603');
    expect(url.searchParams.get('api_key')).toBe(API_KEY);
    expect(url.searchParams.get('append_to_response')).toBe('external_ids,alternative_titles');
    expect(url.searchParams.get('language')).toBe('en-US');
    expect(requestedHeaders(fetchMock)).not.toHaveProperty('Authorization');
  });

  it('prefers the bearer token and keeps the key out of the URL when both are configured', async () => {
    const fetchMock = fetchAnswering(json(200, MATRIX));

    await client(fetchMock, { bearerToken: TOKEN }).movie(603);

    expect(requestedUrl(fetchMock).searchParams.has('api_key')).toBe(false);
    expect(requestedHeaders(fetchMock)['Authorization']).toBe(`Bearer ${TOKEN}`);
  });

  it('sends the search parameters TMDB documents, with a tidied query and adult titles excluded', async () => {
    const page = { page: 1, results: [], total_pages: 1, total_results: 0 };
    const fetchMock = fetchAnswering(json(200, page), json(200, page), json(200, page));
    const tmdb = client(fetchMock, { language: 'fr-FR' });

    await tmdb.searchMovie('  Dune   Part  Two ', { year: 2024, page: 2 });
    await tmdb.searchTv('Shōgun', { firstAirDateYear: 2024 });
    await tmdb.searchMulti('dune', { year: 2021 });

    const params = (call: number) => Object.fromEntries(requestedUrl(fetchMock, call).searchParams);
    expect(requestedUrl(fetchMock, 0).pathname).toBe('/3/search/movie');
    expect(params(0)).toEqual({ query: 'Dune Part Two', include_adult: 'false', year: '2024', page: '2', language: 'fr-FR', api_key: API_KEY });
    expect(params(1)).toEqual({ query: 'Shōgun', include_adult: 'false', first_air_date_year: '2024', page: '1', language: 'fr-FR', api_key: API_KEY });
    expect(params(2)).toEqual({ query: 'dune', include_adult: 'false', page: '1', language: 'fr-FR', api_key: API_KEY });
  });

  it('keeps a path prefix of the base URL', async () => {
    const fetchMock = fetchAnswering(json(200, MATRIX));

    await client(fetchMock, { baseUrl: 'http://proxy.local:8080/tmdb/' }).movie(603);

    expect(requestedUrl(fetchMock).href).toMatch(/^http:\/\/proxy\.local:8080\/tmdb\/3\/movie\/603\?/);
  });

  it('asks find for an IMDb id with external_source=imdb_id and answers null when TMDB knows none', async () => {
    const fetchMock = fetchAnswering(json(200, { movie_results: [], person_results: [], tv_results: [], tv_episode_results: [], tv_season_results: [] }));

    await expect(client(fetchMock).findByImdbId('tt9999999')).resolves.toBeNull();

    expect(requestedUrl(fetchMock).pathname).toBe('/3/find/tt9999999');
    expect(requestedUrl(fetchMock).searchParams.get('external_source')).toBe('imdb_id');
  });
});

describe('TmdbClient errors', () => {
  it('refuses every lookup without a key or token, before any request', async () => {
    const fetchMock = fetchAnswering();
    const tmdb = new TmdbClient({ apiKey: ' ', bearerToken: '', fetch: fetchMock as unknown as typeof fetch });

    expect(tmdb.configured).toBe(false);
    await expect(tmdb.movie(603)).rejects.toBeInstanceOf(TmdbNotConfiguredError);
    await expect(tmdb.searchMulti('dune')).rejects.toBeInstanceOf(TmdbNotConfiguredError);
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('maps 401 to TmdbAuthError with TMDB’s status code and message', async () => {
    const fetchMock = fetchAnswering(json(401, { success: false, status_code: 7, status_message: 'Invalid API key: You must be granted a valid key.' }));

    const error = await client(fetchMock).movie(603).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TmdbAuthError);
    expect(error).toMatchObject({ statusCode: 7, retryable: false, message: 'TMDB refused the credentials for GET /3/movie/603: Invalid API key: You must be granted a valid key.' });
  });

  it('maps 404, with TMDB’s status_code 34 or any other body, to TmdbNotFoundError', async () => {
    const fetchMock = fetchAnswering(json(404, NOT_FOUND_BODY), new Response('Not Found', { status: 404 }));
    const tmdb = client(fetchMock);

    await expect(tmdb.tv(999_999_999)).rejects.toThrow(new TmdbNotFoundError('GET /3/tv/999999999'));
    await expect(tmdb.season(1396, 9)).rejects.toThrow(new TmdbNotFoundError('GET /3/tv/1396/season/9'));
  });

  it('maps 5xx, whatever its body, to a retryable TmdbUnavailableError', async () => {
    const fetchMock = fetchAnswering(new Response('<html>502 Bad Gateway</html>', { status: 502 }));

    const error = await client(fetchMock).movie(603).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TmdbUnavailableError);
    expect(error).toMatchObject({ httpStatus: 502, retryable: true, message: 'TMDB is unavailable for GET /3/movie/603: HTTP 502' });
  });

  it('maps another 4xx to TmdbRequestError', async () => {
    const fetchMock = fetchAnswering(json(422, { success: false, status_code: 5, status_message: 'Invalid parameters: Your request parameters are incorrect.' }));

    await expect(client(fetchMock).findByImdbId('tt0133093')).rejects.toThrow(TmdbRequestError);
  });

  it('maps a connection failure and a timeout to TmdbUnavailableError', async () => {
    const refused = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) });
    const timeout = Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
    const fetchMock = fetchAnswering(refused, timeout);
    const tmdb = client(fetchMock, { timeoutMs: 1_500 });

    await expect(tmdb.movie(603)).rejects.toThrow(new TmdbUnavailableError('GET /3/movie/603', 'connection failed (ECONNREFUSED)'));
    await expect(tmdb.movie(604)).rejects.toThrow(new TmdbUnavailableError('GET /3/movie/604', 'no answer within 1500 ms'));
  });

  it('turns a 200 that is not JSON, or not the documented shape, into TmdbResponseError naming the field', async () => {
    const fetchMock = fetchAnswering(
      new Response('<html>maintenance</html>', { status: 200 }),
      json(200, { page: 1, results: [{ id: 'six hundred and three', title: 'The Matrix' }], total_pages: 1, total_results: 1 }),
    );
    const tmdb = client(fetchMock);

    await expect(tmdb.movie(603)).rejects.toThrow(new TmdbResponseError('GET /3/movie/603', ['the body is not JSON (HTTP 200)']));
    const error = await tmdb.searchMovie('matrix').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TmdbResponseError);
    expect((error as TmdbResponseError).problems).toEqual([expect.stringMatching(/^results\.0\.id: /)]);
  });

  it.each<[string, (tmdb: TmdbClient) => Promise<unknown>]>([
    ['a movie id of 0', (tmdb) => tmdb.movie(0)],
    ['a fractional tv id', (tmdb) => tmdb.tv(1.5)],
    ['a negative season', (tmdb) => tmdb.season(1396, -1)],
    ['an IMDb id without tt', (tmdb) => tmdb.findByImdbId('0133093')],
    ['an empty query', (tmdb) => tmdb.searchMovie('   ')],
    ['page 0', (tmdb) => tmdb.searchMulti('dune', { page: 0 })],
    ['a two-digit year', (tmdb) => tmdb.searchMovie('dune', { year: 21 })],
  ])('refuses %s without asking TMDB', async (_, call) => {
    const fetchMock = fetchAnswering();

    await expect(call(client(fetchMock))).rejects.toThrow(TmdbRequestError);
    expect(fetchMock).not.toHaveBeenCalled();
  });
});

describe('TmdbClient rate limiting', () => {
  const limited = (retryAfter?: string) =>
    json(429, { success: false, status_code: 25, status_message: 'Your request count (#) is over the allowed limit of (40).' }, retryAfter === undefined ? {} : { 'Retry-After': retryAfter });

  it('waits as long as Retry-After says, then retries', async () => {
    const fetchMock = fetchAnswering(limited('0'), json(200, MATRIX));

    await expect(client(fetchMock).movie(603)).resolves.toMatchObject({ id: 603 });
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('gives up at once with TmdbRateLimitedError when Retry-After exceeds the wait budget', async () => {
    const fetchMock = fetchAnswering(limited('60'));
    const started = Date.now();

    const error = await client(fetchMock).movie(603).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TmdbRateLimitedError);
    expect(error).toMatchObject({ retryAfterMs: 60_000, retryable: true });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('assumes one second when Retry-After is missing, and gives up when that is over budget', async () => {
    const fetchMock = fetchAnswering(limited());

    await expect(client(fetchMock, { maxRateLimitWaitMs: 500 }).movie(603)).rejects.toMatchObject({ retryAfterMs: undefined });
  });

  it('stops after three retries even when TMDB keeps asking for no wait', async () => {
    const fetchMock = fetchAnswering(limited('0'), limited('0'), limited('0'), limited('0'));

    await expect(client(fetchMock).movie(603)).rejects.toThrow(TmdbRateLimitedError);
    expect(fetchMock).toHaveBeenCalledTimes(4);
  });
});

describe('TmdbClient with a circuit breaker', () => {
  let now: number;
  const breaker = () => new CircuitBreaker({ failureThreshold: 2, openMs: 30_000, now: () => now });
  const refused = () => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
  const badGateway = () => new Response('<html>502 Bad Gateway</html>', { status: 502 });

  beforeEach(() => {
    now = 1_000_000;
  });

  it('stops asking TMDB after failures in a row, failing at once with TmdbUnavailableError, until a probe succeeds', async () => {
    const fetchMock = fetchAnswering(refused(), badGateway(), json(200, MATRIX), json(200, MATRIX));
    const tmdb = client(fetchMock, { breaker: breaker() });
    await expect(tmdb.movie(603)).rejects.toThrow(TmdbUnavailableError);
    await expect(tmdb.movie(603)).rejects.toThrow(TmdbUnavailableError);

    const whileOpen = await tmdb.movie(603).catch((e: unknown) => e);

    expect(whileOpen).toBeInstanceOf(TmdbUnavailableError);
    expect((whileOpen as Error).message).toMatch(/not asked again until the circuit breaker lets a probe through/);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    now += 30_000;
    await expect(tmdb.movie(603)).resolves.toMatchObject({ id: 603 });
    await expect(tmdb.movie(603)).resolves.toMatchObject({ id: 603 });
    expect(fetchMock).toHaveBeenCalledTimes(4);
  });

  it('opens for as long as a 429 asked when TMDB would not be waited out', async () => {
    const limited = json(429, { success: false, status_code: 25 }, { 'Retry-After': '120' });
    const fetchMock = fetchAnswering(limited, json(200, MATRIX));
    const tmdb = client(fetchMock, { breaker: breaker(), maxRateLimitWaitMs: 1_000 });
    await expect(tmdb.movie(603)).rejects.toThrow(TmdbRateLimitedError);

    now += 60_000;
    await expect(tmdb.movie(603)).rejects.toThrow(TmdbUnavailableError);
    now += 60_000;
    await expect(tmdb.movie(603)).resolves.toMatchObject({ id: 603 });
  });

  it('counts any answer of TMDB’s own (not found, refused credentials) as TMDB being there', async () => {
    const fetchMock = fetchAnswering(refused(), json(404, NOT_FOUND_BODY), refused(), json(401, { status_code: 7, status_message: 'Invalid API key' }), refused(), json(200, MATRIX));
    const tmdb = client(fetchMock, { breaker: breaker() });

    for (const expected of [TmdbUnavailableError, TmdbNotFoundError, TmdbUnavailableError, TmdbAuthError, TmdbUnavailableError]) {
      await expect(tmdb.movie(603)).rejects.toThrow(expected);
    }
    await expect(tmdb.movie(603)).resolves.toMatchObject({ id: 603 });
  });

  it('still answers from the cache while TMDB is left alone', async () => {
    const cache = new MemoryCache();
    const fetchMock = fetchAnswering(json(200, MATRIX), refused(), refused());
    const tmdb = client(fetchMock, { breaker: breaker(), cache });
    await tmdb.movie(603);
    await expect(tmdb.movie(604)).rejects.toThrow(TmdbUnavailableError);
    await expect(tmdb.movie(605)).rejects.toThrow(TmdbUnavailableError);

    await expect(tmdb.movie(603)).resolves.toMatchObject({ id: 603 });
    await expect(tmdb.movie(606)).rejects.toThrow(/circuit breaker/);
  });
});

describe('TmdbClient keeps its credentials secret', () => {
  const leaks = (value: unknown): boolean => {
    const text = `${inspect(value, { depth: 10, showHidden: true })} ${JSON.stringify(value)} ${value instanceof Error ? `${value.message} ${value.stack}` : ''}`;
    return text.includes(API_KEY) || text.includes(TOKEN);
  };

  it.each<[string, Response | Error]>([
    ['401', json(401, { success: false, status_code: 7, status_message: `Invalid API key ${API_KEY}` })],
    ['404', json(404, NOT_FOUND_BODY)],
    ['500', json(500, { status_message: `upstream said ${TOKEN}` })],
    ['429', json(429, {}, { 'Retry-After': '3600' })],
    ['a bad body', json(200, { id: API_KEY })],
    ['a network error quoting the URL', new TypeError(`Failed to fetch https://api.themoviedb.org/3/movie/603?api_key=${API_KEY}`)],
  ])('out of errors raised for %s', async (_, answer) => {
    const fetchMock = fetchAnswering(answer);

    const error = await client(fetchMock, { bearerToken: TOKEN }).movie(603).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TmdbError);
    expect(leaks(error)).toBe(false);
  });

  it('out of the client object itself', () => {
    const tmdb = new TmdbClient({ apiKey: API_KEY, bearerToken: TOKEN });

    expect(leaks(tmdb)).toBe(false);
    expect(tmdb.configured).toBe(true);
  });
});

describe('TmdbClient with a cache', () => {
  function cachedClient(fetchMock: FetchMock, cache: TmdbCache, options: TmdbClientOptions = {}) {
    const events: TmdbCacheEvent[] = [];
    const tmdb = client(fetchMock, { cache, onCacheEvent: (event) => events.push(event), ...options });
    return { tmdb, events };
  }

  it('answers the second lookup from the cache and reports a miss then a hit', async () => {
    const fetchMock = fetchAnswering(json(200, MATRIX));
    const { tmdb, events } = cachedClient(fetchMock, new MemoryCache());

    const first = await tmdb.movie(603);
    const second = await tmdb.movie(603);

    expect(second).toEqual(first);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(events).toEqual([
      { kind: 'movie', outcome: 'miss' },
      { kind: 'movie', outcome: 'hit' },
    ]);
  });

  it('remembers "not found" and says so again without asking TMDB', async () => {
    const fetchMock = fetchAnswering(json(404, NOT_FOUND_BODY), json(200, { movie_results: [], tv_results: [] }));
    const cache = new MemoryCache();
    const { tmdb } = cachedClient(fetchMock, cache);

    await expect(tmdb.movie(999_999_999)).rejects.toThrow(TmdbNotFoundError);
    await expect(tmdb.movie(999_999_999)).rejects.toThrow(TmdbNotFoundError);
    await expect(tmdb.findByImdbId('tt0000001')).resolves.toBeNull();
    await expect(tmdb.findByImdbId('tt0000001')).resolves.toBeNull();

    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect([...cache.entries.values()]).toEqual([{ found: false }, { found: false }]);
  });

  it('does not cache failures', async () => {
    const fetchMock = fetchAnswering(json(503, {}), json(200, MATRIX));
    const { tmdb } = cachedClient(fetchMock, new MemoryCache());

    await expect(tmdb.movie(603)).rejects.toThrow(TmdbUnavailableError);
    await expect(tmdb.movie(603)).resolves.toMatchObject({ imdbId: 'tt0133093' });
  });

  it('marks a returning show as airing, and an old season as settled', async () => {
    const season = { season_number: 1, name: 'Season 1', air_date: '2024-02-27', episodes: [{ episode_number: 1, name: 'Anjin', air_date: '2024-02-27' }] };
    const fetchMock = fetchAnswering(json(200, SHOGUN), json(200, season));
    const cache = new MemoryCache();
    const { tmdb } = cachedClient(fetchMock, cache);

    await tmdb.tv(126308);
    await tmdb.season(126308, 1);

    expect(cache.entries.get('v1:en-US:tv:126308')).toMatchObject({ found: true, airing: true });
    expect(cache.entries.get('v1:en-US:season:126308:1')).toMatchObject({ found: true, airing: false });
  });

  it('replaces a cached value that no longer fits the model', async () => {
    const fetchMock = fetchAnswering(json(200, MATRIX));
    const cache = new MemoryCache();
    cache.entries.set('v1:en-US:movie:603', { found: true, value: { id: 603, name: 'written by an older Sokoul' } });
    const { tmdb, events } = cachedClient(fetchMock, cache);

    await expect(tmdb.movie(603)).resolves.toMatchObject({ title: 'The Matrix' });

    expect(events).toEqual([{ kind: 'movie', outcome: 'miss' }]);
    expect(cache.entries.get('v1:en-US:movie:603')).toMatchObject({ found: true, value: { title: 'The Matrix' } });
  });

  it('goes to TMDB when the cache fails, reporting the errors', async () => {
    const broken: TmdbCache = {
      get: () => Promise.reject(new Error('ECONNREFUSED')),
      set: () => Promise.reject(new Error('ECONNREFUSED')),
    };
    const fetchMock = fetchAnswering(json(200, MATRIX));
    const { tmdb, events } = cachedClient(fetchMock, broken);

    await expect(tmdb.movie(603)).resolves.toMatchObject({ id: 603 });

    expect(events.map((event) => event.outcome)).toEqual(['error', 'miss', 'error']);
  });

  it('does not wait for a cache that hangs longer than cacheTimeoutMs', async () => {
    const hanging: TmdbCache = { get: () => new Promise(() => undefined), set: () => new Promise(() => undefined) };
    const fetchMock = fetchAnswering(json(200, MATRIX));
    const { tmdb } = cachedClient(fetchMock, hanging, { cacheTimeoutMs: 50 });
    const started = Date.now();

    await expect(tmdb.movie(603)).resolves.toMatchObject({ id: 603 });

    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('survives an observer that throws', async () => {
    const fetchMock = fetchAnswering(json(200, MATRIX));
    const tmdb = client(fetchMock, {
      cache: new MemoryCache(),
      onCacheEvent: () => {
        throw new Error('metrics are broken');
      },
    });

    await expect(tmdb.movie(603)).resolves.toMatchObject({ id: 603 });
  });

  it('caches a multi search once for every year filter', async () => {
    const fetchMock = fetchAnswering(
      json(200, {
        page: 1,
        total_pages: 1,
        total_results: 2,
        results: [
          { media_type: 'movie', id: 438631, title: 'Dune', release_date: '2021-09-15' },
          { media_type: 'movie', id: 841, title: 'Dune', release_date: '1984-12-14' },
        ],
      }),
    );
    const { tmdb } = cachedClient(fetchMock, new MemoryCache());

    const y2021 = await tmdb.searchMulti('Dune', { year: 2021 });
    const y1984 = await tmdb.searchMulti('dune', { year: 1984 });

    expect(y2021.results.map((title) => title.id)).toEqual([438631]);
    expect(y1984.results.map((title) => title.id)).toEqual([841]);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('shares one request between identical lookups in flight', async () => {
    const fetchMock = fetchAnswering(json(200, MATRIX));
    const tmdb = client(fetchMock);

    const [a, b] = await Promise.all([tmdb.movie(603), tmdb.movie(603)]);

    expect(a).toBe(b);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });
});
