import { type FakeTmdb, startFakeTmdb } from '@sokoul/fakes';
import { TmdbClient, type TmdbClientOptions } from './tmdb.client';
import { TmdbAuthError, TmdbNotConfiguredError, TmdbNotFoundError, TmdbRateLimitedError, TmdbUnavailableError } from './tmdb.errors';

jest.setTimeout(20_000);

let tmdb: FakeTmdb;

beforeEach(async () => {
  tmdb = await startFakeTmdb();
});

afterEach(async () => {
  await tmdb.close();
});

function client(options: TmdbClientOptions = {}): TmdbClient {
  return new TmdbClient({ baseUrl: tmdb.url, apiKey: tmdb.apiKey, timeoutMs: 2_000, ...options });
}

describe('TmdbClient against a TMDB over HTTP', () => {
  describe('search', () => {
    it('multi-searches movies and shows, optionally of one year', async () => {
      const all = await client().searchMulti('dune');
      const of2021 = await client().searchMulti('Dune', { year: 2021 });

      expect(all.results.map((title) => `${title.mediaType}:${title.id}:${title.year}`)).toEqual(['movie:693134:2024', 'movie:438631:2021', 'movie:841:1984']);
      expect(of2021.results).toEqual([
        {
          mediaType: 'movie',
          id: 438631,
          title: 'Dune',
          originalTitle: 'Dune',
          originalLanguage: 'en',
          releaseDate: '2021-09-15',
          year: 2021,
          overview: expect.stringContaining('Paul Atreides'),
          popularity: expect.any(Number),
          posterPath: '/d5NXSklXo0qyIYkgV94XAgMIckC.jpg',
        },
      ]);
    });

    it('leaves people out of a multi search', async () => {
      const page = await client().searchMulti('villeneuve');

      expect(page.results).toEqual([]);
      expect(page.totalResults).toBe(1);
    });

    it('searches movies by year through TMDB', async () => {
      const page = await client().searchMovie('dune', { year: 1984 });

      expect(page.results.map((movie) => movie.id)).toEqual([841]);
      expect(tmdb.requests.at(-1)?.query).toMatchObject({ query: 'dune', year: '1984', include_adult: 'false' });
    });

    it('searches shows by first air year, whatever the diacritics', async () => {
      const office = await client().searchTv('the office', { firstAirDateYear: 2005 });
      const shogun = await client().searchTv('shogun');

      expect(office.results).toEqual([expect.objectContaining({ mediaType: 'tv', id: 2316, title: 'The Office', year: 2005, originCountry: ['US'] })]);
      expect(shogun.results).toEqual([expect.objectContaining({ id: 126308, title: 'Shōgun', firstAirDate: '2024-02-27' })]);
    });
  });

  describe('details', () => {
    it('reads a movie with its IMDb id, runtime and alternative titles in one request', async () => {
      const movie = await client().movie(438631);

      expect(movie).toEqual({
        mediaType: 'movie',
        id: 438631,
        imdbId: 'tt1160419',
        title: 'Dune',
        originalTitle: 'Dune',
        originalLanguage: 'en',
        releaseDate: '2021-09-15',
        year: 2021,
        runtimeMinutes: 155,
        status: 'Released',
        overview: expect.any(String),
        alternativeTitles: [{ title: 'Dune: Part One', country: 'US', type: null }],
      });
      expect(tmdb.requests).toHaveLength(1);
    });

    it('reads an original title that is not the English one', async () => {
      await expect(client().movie(129)).resolves.toMatchObject({ title: 'Spirited Away', originalTitle: '千と千尋の神隠し', originalLanguage: 'ja', year: 2001 });
    });

    it('reads a show with its seasons and its IMDb and TVDB ids', async () => {
      const show = await client().tv(1396);

      expect(show).toMatchObject({ id: 1396, title: 'Breaking Bad', year: 2008, imdbId: 'tt0903747', tvdbId: 81189, status: 'Ended', numberOfSeasons: 5, numberOfEpisodes: 62 });
      expect(show.seasons.map((season) => [season.seasonNumber, season.episodeCount])).toEqual([
        [1, 7],
        [2, 13],
        [3, 13],
        [4, 13],
        [5, 16],
      ]);
    });

    it('reads a season’s episodes with numbers, names and air dates', async () => {
      const season = await client().season(1396, 1);

      expect(season.episodes.map((episode) => [episode.episodeNumber, episode.title, episode.airDate])).toEqual([
        [1, 'Pilot', '2008-01-20'],
        [2, "Cat's in the Bag...", '2008-01-27'],
        [3, "...And the Bag's in the River", '2008-02-10'],
        [4, 'Cancer Man', '2008-02-17'],
        [5, 'Gray Matter', '2008-02-24'],
        [6, "Crazy Handful of Nothin'", '2008-03-02'],
        [7, 'A No-Rough-Stuff-Type Deal', '2008-03-09'],
      ]);
    });

    it('finds a movie and a show by IMDb id, and nothing for an unknown one', async () => {
      await expect(client().findByImdbId('tt0087182')).resolves.toMatchObject({ mediaType: 'movie', id: 841, year: 1984 });
      await expect(client().findByImdbId('tt0386676')).resolves.toMatchObject({ mediaType: 'tv', id: 2316, title: 'The Office' });
      await expect(client().findByImdbId('tt0000001')).resolves.toBeNull();
    });

    it('says TmdbNotFoundError for an id TMDB does not have', async () => {
      await expect(client().movie(999_999_999)).rejects.toThrow(TmdbNotFoundError);
      await expect(client().season(126308, 2)).rejects.toThrow(TmdbNotFoundError);
    });
  });

  describe('authentication', () => {
    it('works with the v4 bearer token, which never appears in the URL', async () => {
      await expect(client({ apiKey: undefined, bearerToken: tmdb.bearerToken }).movie(603)).resolves.toMatchObject({ imdbId: 'tt0133093' });

      expect(tmdb.requests[0]).toMatchObject({ credential: 'bearer', query: { language: 'en-US', append_to_response: 'external_ids,alternative_titles' } });
      expect(tmdb.requests[0]!.query).not.toHaveProperty('api_key');
    });

    it('raises TmdbAuthError for a wrong key, without the key in the message', async () => {
      const error = await client({ apiKey: 'definitely-not-the-key' })
        .movie(603)
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(TmdbAuthError);
      expect(String(error)).not.toContain('definitely-not-the-key');
    });

    it('sends nothing when not configured', async () => {
      await expect(client({ apiKey: undefined }).searchMulti('dune')).rejects.toThrow(TmdbNotConfiguredError);
      expect(tmdb.requests).toHaveLength(0);
    });
  });

  describe('faults', () => {
    it('gives up with TmdbUnavailableError when TMDB answers after the timeout', async () => {
      tmdb.setFaults({ delayMs: 1_000 });
      const started = Date.now();

      await expect(client({ timeoutMs: 200 }).movie(603)).rejects.toThrow(new TmdbUnavailableError('GET /3/movie/603', 'no answer within 200 ms'));
      expect(Date.now() - started).toBeLessThan(900);
    });

    it('raises TmdbUnavailableError on a 500 and on a reset connection', async () => {
      tmdb.setFaults({ fail: 'http500' });
      await expect(client().movie(603)).rejects.toMatchObject({ name: 'TmdbUnavailableError', httpStatus: 500 });

      tmdb.setFaults({ fail: 'reset' });
      await expect(client().movie(603)).rejects.toThrow(TmdbUnavailableError);
    });

    it('raises TmdbUnavailableError when nothing listens', async () => {
      const url = tmdb.url;
      await tmdb.close();
      tmdb = await startFakeTmdb();

      await expect(new TmdbClient({ baseUrl: url, apiKey: 'k' }).movie(603)).rejects.toThrow(/TMDB is unavailable for GET \/3\/movie\/603: connection failed/);
    });

    it('waits out a 429 for as long as Retry-After says, then gets the answer', async () => {
      tmdb.setFaults({ rateLimit: { afterRequests: 1, retryAfterSeconds: 1 } });
      const tmdbClient = client();
      await tmdbClient.movie(603);
      const started = Date.now();

      await expect(tmdbClient.movie(604)).resolves.toMatchObject({ title: 'The Matrix Reloaded' });

      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      expect(tmdb.requests.map((request) => request.status)).toEqual([200, 429, 200]);
    });

    it('gives up with TmdbRateLimitedError when TMDB asks to wait longer than allowed', async () => {
      tmdb.setFaults({ rateLimit: { afterRequests: 0, retryAfterSeconds: 30 } });
      const started = Date.now();

      const error = await client()
        .movie(603)
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(TmdbRateLimitedError);
      expect(error).toMatchObject({ retryAfterMs: 30_000 });
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(tmdb.requests).toHaveLength(1);
    });
  });
});
