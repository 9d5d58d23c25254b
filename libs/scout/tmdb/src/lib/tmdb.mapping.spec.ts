import { wireFindSchema, wireMovieSchema, wireMultiSearchSchema, wireSeasonSchema, wireTvSchema } from './tmdb.dto';
import { toFindResult, toMovie, toMultiSearchPage, toSeason, toTv, withYear } from './tmdb.mapping';
import { tmdbMovieSchema, tmdbMultiSearchPageSchema, tmdbSeasonSchema, tmdbTvSchema } from './tmdb.models';

describe('TMDB wire → Sokoul mapping', () => {
  describe('multi search', () => {
    const wire = wireMultiSearchSchema.parse({
      page: 1,
      total_pages: 1,
      total_results: 4,
      results: [
        { media_type: 'movie', id: 438631, title: 'Dune', original_title: 'Dune', release_date: '2021-09-15', popularity: 180.4, poster_path: '/d5.jpg' },
        { media_type: 'person', id: 137427, name: 'Denis Villeneuve', known_for: [] },
        { media_type: 'tv', id: 90228, name: 'Dune: Prophecy', first_air_date: '2024-11-17', origin_country: ['US'] },
        { media_type: 'movie', id: 1, title: 'Dune (unreleased)', release_date: '' },
      ],
    });

    it('keeps movies and shows in TMDB order and drops people', () => {
      const page = toMultiSearchPage(wire);

      expect(page.results.map((title) => [title.mediaType, title.id])).toEqual([
        ['movie', 438631],
        ['tv', 90228],
        ['movie', 1],
      ]);
      expect(page).toMatchObject({ page: 1, totalPages: 1, totalResults: 4 });
      expect(tmdbMultiSearchPageSchema.parse(page)).toEqual(page);
    });

    it('names a show by title like a movie and fills what TMDB left out', () => {
      const [, show, undated] = toMultiSearchPage(wire).results;

      expect(show).toEqual({
        mediaType: 'tv',
        id: 90228,
        title: 'Dune: Prophecy',
        originalTitle: 'Dune: Prophecy',
        originalLanguage: null,
        firstAirDate: '2024-11-17',
        year: 2024,
        originCountry: ['US'],
        overview: '',
        popularity: null,
        posterPath: null,
      });
      expect(undated).toMatchObject({ releaseDate: null, year: null, originalTitle: 'Dune (unreleased)' });
    });

    it('filters by year after the fact, undated titles never matching a year', () => {
      const page = toMultiSearchPage(wire);

      expect(withYear(page, 2021).results.map((title) => title.id)).toEqual([438631]);
      expect(withYear(page, 2024).results.map((title) => title.id)).toEqual([90228]);
      expect(withYear(page, undefined)).toBe(page);
    });

    it('rejects a movie result without its title rather than skipping it', () => {
      const broken = wireMultiSearchSchema.safeParse({ page: 1, total_pages: 1, total_results: 1, results: [{ media_type: 'movie', id: 5 }] });

      expect(broken.success).toBe(false);
    });
  });

  describe('movie', () => {
    it('takes the IMDb id from external_ids, the runtime and the alternative titles', () => {
      const movie = toMovie(
        wireMovieSchema.parse({
          id: 438631,
          imdb_id: 'tt1160419',
          title: 'Dune',
          original_title: 'Dune',
          original_language: 'en',
          release_date: '2021-09-15',
          runtime: 155,
          status: 'Released',
          overview: 'Paul Atreides…',
          external_ids: { imdb_id: 'tt1160419', wikidata_id: 'Q63985561' },
          alternative_titles: { titles: [{ iso_3166_1: 'US', title: 'Dune: Part One', type: '' }] },
        }),
      );

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
        overview: 'Paul Atreides…',
        alternativeTitles: [{ title: 'Dune: Part One', country: 'US', type: null }],
      });
      expect(tmdbMovieSchema.parse(movie)).toEqual(movie);
    });

    it('falls back to the top-level imdb_id, and reads "" and 0 as unknown', () => {
      const movie = toMovie(wireMovieSchema.parse({ id: 7, title: 'Untitled', imdb_id: 'tt0000007', release_date: '', runtime: 0, external_ids: { imdb_id: '' } }));

      expect(movie).toMatchObject({ imdbId: 'tt0000007', releaseDate: null, year: null, runtimeMinutes: null, alternativeTitles: [] });
    });

    it('refuses a malformed date or IMDb id', () => {
      expect(wireMovieSchema.safeParse({ id: 7, title: 'X', release_date: '15/09/2021' }).success).toBe(false);
      expect(wireMovieSchema.safeParse({ id: 7, title: 'X', imdb_id: '1160419' }).success).toBe(false);
    });
  });

  describe('tv', () => {
    it('keeps every season with its episode count, and the IMDb and TVDB ids', () => {
      const tv = toTv(
        wireTvSchema.parse({
          id: 1396,
          name: 'Breaking Bad',
          original_name: 'Breaking Bad',
          first_air_date: '2008-01-20',
          last_air_date: '2013-09-29',
          status: 'Ended',
          in_production: false,
          number_of_seasons: 5,
          number_of_episodes: 62,
          seasons: [
            { season_number: 0, name: 'Specials', episode_count: 9, air_date: '2009-02-17' },
            { season_number: 1, name: 'Season 1', episode_count: 7, air_date: '2008-01-20' },
            { season_number: 2, name: '', episode_count: 13, air_date: null },
          ],
          external_ids: { imdb_id: 'tt0903747', tvdb_id: 81189, tvrage_id: 18164 },
          alternative_titles: { results: [{ iso_3166_1: 'FR', title: 'Breaking Bad : la série', type: '' }] },
        }),
      );

      expect(tv).toMatchObject({ id: 1396, title: 'Breaking Bad', year: 2008, lastAirDate: '2013-09-29', imdbId: 'tt0903747', tvdbId: 81189, inProduction: false });
      expect(tv.seasons).toEqual([
        { seasonNumber: 0, title: 'Specials', episodeCount: 9, airDate: '2009-02-17' },
        { seasonNumber: 1, title: 'Season 1', episodeCount: 7, airDate: '2008-01-20' },
        { seasonNumber: 2, title: 'Season 2', episodeCount: 13, airDate: null },
      ]);
      expect(tv.alternativeTitles).toEqual([{ title: 'Breaking Bad : la série', country: 'FR', type: null }]);
      expect(tmdbTvSchema.parse(tv)).toEqual(tv);
    });

    it('has no external ids when TMDB did not append them', () => {
      expect(toTv(wireTvSchema.parse({ id: 2316, name: 'The Office' }))).toMatchObject({ imdbId: null, tvdbId: null, seasons: [], originCountry: [] });
    });
  });

  describe('season', () => {
    it('numbers, names and dates the episodes, naming the untitled ones', () => {
      const season = toSeason(
        1396,
        wireSeasonSchema.parse({
          season_number: 5,
          name: 'Season 5',
          air_date: '2012-07-15',
          episodes: [
            { episode_number: 14, season_number: 5, name: 'Ozymandias', air_date: '2013-09-15', runtime: 48, episode_type: 'standard' },
            { episode_number: 17, name: '', air_date: null },
          ],
        }),
      );

      expect(season).toEqual({
        tvId: 1396,
        seasonNumber: 5,
        title: 'Season 5',
        airDate: '2012-07-15',
        episodes: [
          { seasonNumber: 5, episodeNumber: 14, title: 'Ozymandias', airDate: '2013-09-15', runtimeMinutes: 48, episodeType: 'standard' },
          { seasonNumber: 5, episodeNumber: 17, title: 'Episode 17', airDate: null, runtimeMinutes: null, episodeType: null },
        ],
      });
      expect(tmdbSeasonSchema.parse(season)).toEqual(season);
    });
  });

  describe('find', () => {
    it('prefers the movie, then the show, else nothing', () => {
      const movie = { id: 841, title: 'Dune', release_date: '1984-12-14' };
      const show = { id: 2316, name: 'The Office', first_air_date: '2005-03-24' };

      expect(toFindResult(wireFindSchema.parse({ movie_results: [movie], tv_results: [show] }))).toMatchObject({ mediaType: 'movie', id: 841 });
      expect(toFindResult(wireFindSchema.parse({ movie_results: [], tv_results: [show] }))).toMatchObject({ mediaType: 'tv', id: 2316, year: 2005 });
      expect(toFindResult(wireFindSchema.parse({ movie_results: [], tv_results: [], person_results: [] }))).toBeNull();
    });
  });
});
