import { DEFAULT_TMDB_CACHE_TTL, tmdbCacheTtlSeconds } from './redis-tmdb.cache';
import { isSeasonAiring, isTvAiring, tmdbCacheKey } from './tmdb.cache';
import type { TmdbSeason, TmdbTv } from './tmdb.models';

describe('tmdbCacheKey', () => {
  it('puts the version, the language and the kind first', () => {
    expect(tmdbCacheKey({ kind: 'movie', id: 438631 }, 'en-US')).toBe('v1:en-US:movie:438631');
    expect(tmdbCacheKey({ kind: 'tv', id: 1396 }, 'fr-FR')).toBe('v1:fr-FR:tv:1396');
    expect(tmdbCacheKey({ kind: 'season', tvId: 1396, seasonNumber: 5 }, 'en-US')).toBe('v1:en-US:season:1396:5');
    expect(tmdbCacheKey({ kind: 'find-imdb', imdbId: 'tt0087182' }, 'en-US')).toBe('v1:en-US:find-imdb:tt0087182');
  });

  it('keys searches by filters, page and the normalized query', () => {
    expect(tmdbCacheKey({ kind: 'search-movie', query: 'Dune', year: 2021, page: 1 }, 'en-US')).toBe('v1:en-US:search-movie:y2021:p1:dune');
    expect(tmdbCacheKey({ kind: 'search-tv', query: 'The  Office ', page: 2 }, 'en-US')).toBe('v1:en-US:search-tv:y-:p2:the%20office');
    expect(tmdbCacheKey({ kind: 'search-multi', query: 'Shōgun', page: 1 }, 'en-US')).toBe('v1:en-US:search-multi:p1:sh%C5%8Dgun');
  });

  it('gives the same key to queries differing only in case and spacing, and different keys per language', () => {
    const key = (query: string, language = 'en-US') => tmdbCacheKey({ kind: 'search-movie', query, page: 1 }, language);

    expect(key('  the MATRIX')).toBe(key('The Matrix'));
    expect(key('The Matrix', 'de-DE')).not.toBe(key('The Matrix'));
  });

  it('cannot be confused by a query containing the separator', () => {
    const withColon = tmdbCacheKey({ kind: 'search-multi', query: 'p1:x', page: 1 }, 'en-US');

    expect(withColon).toBe('v1:en-US:search-multi:p1:p1%3Ax');
  });

  it('hashes a very long query to a bounded key', () => {
    const key = tmdbCacheKey({ kind: 'search-multi', query: 'x'.repeat(5_000), page: 1 }, 'en-US');

    expect(key).toMatch(/^v1:en-US:search-multi:p1:sha256-[0-9a-f]{64}$/);
  });
});

const show = (overrides: Partial<TmdbTv>): TmdbTv => ({
  mediaType: 'tv',
  id: 1,
  imdbId: null,
  tvdbId: null,
  title: 'Show',
  originalTitle: 'Show',
  originalLanguage: 'en',
  firstAirDate: '2020-01-01',
  year: 2020,
  lastAirDate: null,
  status: 'Ended',
  inProduction: false,
  originCountry: [],
  numberOfSeasons: 1,
  numberOfEpisodes: 1,
  seasons: [],
  overview: '',
  alternativeTitles: [],
  ...overrides,
});

const seasonAired = (...airDates: (string | null)[]): TmdbSeason => ({
  tvId: 1,
  seasonNumber: 1,
  title: 'Season 1',
  airDate: airDates[0] ?? null,
  episodes: airDates.map((airDate, index) => ({ seasonNumber: 1, episodeNumber: index + 1, title: `E${index + 1}`, airDate, runtimeMinutes: null, episodeType: null })),
});

describe('what is still airing', () => {
  it('counts a returning or in-production show as airing, an ended one not', () => {
    expect(isTvAiring(show({ status: 'Returning Series' }))).toBe(true);
    expect(isTvAiring(show({ status: 'Ended', inProduction: true }))).toBe(true);
    expect(isTvAiring(show({ status: 'Ended' }))).toBe(false);
    expect(isTvAiring(show({ status: 'Canceled' }))).toBe(false);
  });

  const now = new Date('2026-11-30T12:00:00Z');

  it('counts a season with an episode in the last 30 days, a future one or an undated one as airing', () => {
    expect(isSeasonAiring(seasonAired('2026-10-20', '2026-11-10'), now)).toBe(true);
    expect(isSeasonAiring(seasonAired('2026-11-20', '2026-12-07'), now)).toBe(true);
    expect(isSeasonAiring(seasonAired('2026-01-01', null), now)).toBe(true);
    expect(isSeasonAiring(seasonAired(), now)).toBe(true);
  });

  it('counts a season whose last episode aired over 30 days ago as settled', () => {
    expect(isSeasonAiring(seasonAired('2013-09-15', '2013-09-29'), now)).toBe(false);
    expect(isSeasonAiring(seasonAired('2026-10-01', '2026-10-30'), now)).toBe(false);
  });
});

describe('tmdbCacheTtlSeconds', () => {
  const found = { found: true, value: {} } as const;

  it('keeps searches 6 h, details 24 h, airing shows and seasons 6 h, "not found" 15 min', () => {
    expect(DEFAULT_TMDB_CACHE_TTL).toEqual({ search: 21_600, details: 86_400, airing: 21_600, notFound: 900 });
    expect(tmdbCacheTtlSeconds({ kind: 'search-movie', query: 'dune', page: 1 }, found)).toBe(21_600);
    expect(tmdbCacheTtlSeconds({ kind: 'movie', id: 603 }, found)).toBe(86_400);
    expect(tmdbCacheTtlSeconds({ kind: 'find-imdb', imdbId: 'tt0133093' }, found)).toBe(86_400);
    expect(tmdbCacheTtlSeconds({ kind: 'tv', id: 1396 }, found)).toBe(86_400);
    expect(tmdbCacheTtlSeconds({ kind: 'tv', id: 126308 }, { ...found, airing: true })).toBe(21_600);
    expect(tmdbCacheTtlSeconds({ kind: 'season', tvId: 126308, seasonNumber: 2 }, { ...found, airing: true })).toBe(21_600);
    expect(tmdbCacheTtlSeconds({ kind: 'movie', id: 999_999_999 }, { found: false })).toBe(900);
  });

  it('uses the TTLs it is given', () => {
    const ttl = { search: 1, details: 2, airing: 3, notFound: 4 };

    expect(tmdbCacheTtlSeconds({ kind: 'search-tv', query: 'x', page: 1 }, found, ttl)).toBe(1);
    expect(tmdbCacheTtlSeconds({ kind: 'season', tvId: 1, seasonNumber: 1 }, found, ttl)).toBe(2);
    expect(tmdbCacheTtlSeconds({ kind: 'season', tvId: 1, seasonNumber: 1 }, { ...found, airing: true }, ttl)).toBe(3);
    expect(tmdbCacheTtlSeconds({ kind: 'find-imdb', imdbId: 'tt0000001' }, { found: false }, ttl)).toBe(4);
  });
});
