import {
  FAKE_TMDB_MOVIES,
  FAKE_TMDB_PEOPLE,
  FAKE_TMDB_SHOWS,
  type FakeTmdbMovie,
  type FakeTmdbPerson,
  type FakeTmdbSeason,
  type FakeTmdbShow,
} from './catalogue';

/** TMDB's page size for searches. */
const PAGE_SIZE = 20;
/** Pages above this are refused, as TMDB does. */
const MAX_PAGE = 500;

export interface FakeTmdbReply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** TMDB's error body: `{ success: false, status_code, status_message }`. */
export function tmdbError(status: number, statusCode: number, statusMessage: string, headers?: Record<string, string>): FakeTmdbReply {
  return { status, body: { success: false, status_code: statusCode, status_message: statusMessage }, headers };
}

export const notFound = (): FakeTmdbReply => tmdbError(404, 34, 'The resource you requested could not be found.');
export const invalidApiKey = (): FakeTmdbReply => tmdbError(401, 7, 'Invalid API key: You must be granted a valid key.');
export const invalidParameters = (): FakeTmdbReply => tmdbError(422, 5, 'Invalid parameters: Your request parameters are incorrect.');
export const internalError = (): FakeTmdbReply => tmdbError(500, 11, 'Internal error: Something went wrong, contact TMDB.');
export const rateLimited = (retryAfterSeconds: number): FakeTmdbReply =>
  tmdbError(429, 25, 'Your request count (#) is over the allowed limit of (40).', { 'Retry-After': String(retryAfterSeconds) });

/** Case-, diacritic- and punctuation-insensitive form: "Shōgun" and "shogun" meet, as do "Dune: Part Two" and "dune part two". */
export function searchable(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function matches(query: string, names: readonly string[]): boolean {
  const wanted = searchable(query);
  return wanted !== '' && names.some((name) => searchable(name).includes(wanted));
}

const yearOf = (date: string): number => Number(date.slice(0, 4));

/** A year filter: absent or empty means no filter; anything not a year matches nothing. */
function yearFilter(value: string | undefined): (date: string) => boolean {
  if (value === undefined || value === '') return () => true;
  const year = /^\d{4}$/.test(value) ? Number(value) : NaN;
  return (date) => yearOf(date) === year;
}

const byPopularity = <T extends { popularity: number }>(a: T, b: T): number => b.popularity - a.popularity;

function movieResult(movie: FakeTmdbMovie) {
  return {
    adult: false,
    backdrop_path: null,
    genre_ids: movie.genres.map((genre) => genre.id),
    id: movie.id,
    original_language: movie.original_language,
    original_title: movie.original_title,
    overview: movie.overview,
    popularity: movie.popularity,
    poster_path: movie.poster_path,
    release_date: movie.release_date,
    title: movie.title,
    video: false,
  };
}

function tvResult(show: FakeTmdbShow) {
  return {
    adult: false,
    backdrop_path: null,
    genre_ids: show.genres.map((genre) => genre.id),
    id: show.id,
    origin_country: show.origin_country,
    original_language: show.original_language,
    original_name: show.original_name,
    overview: show.overview,
    popularity: show.popularity,
    poster_path: show.poster_path,
    first_air_date: show.first_air_date,
    name: show.name,
  };
}

function personResult(person: FakeTmdbPerson) {
  return {
    adult: false,
    id: person.id,
    name: person.name,
    original_name: person.original_name,
    media_type: 'person',
    popularity: person.popularity,
    gender: 2,
    known_for_department: person.known_for_department,
    profile_path: null,
    known_for: [],
  };
}

function paged(items: readonly unknown[], pageParam: string | undefined): FakeTmdbReply {
  const page = pageParam === undefined ? 1 : Number(pageParam);
  if (!Number.isInteger(page) || page < 1 || page > MAX_PAGE) {
    return tmdbError(400, 22, `Invalid page: Pages start at 1 and max at ${MAX_PAGE}. They are expected to be an integer.`);
  }
  return {
    status: 200,
    body: {
      page,
      results: items.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE),
      total_pages: Math.max(1, Math.ceil(items.length / PAGE_SIZE)),
      total_results: items.length,
    },
  };
}

const movieNames = (movie: FakeTmdbMovie): string[] => [movie.title, movie.original_title, ...movie.alternative_titles.map((alt) => alt.title)];
const showNames = (show: FakeTmdbShow): string[] => [show.name, show.original_name, ...show.alternative_titles.map((alt) => alt.title)];

/** `/3/search/movie`: `query`, `year` and `primary_release_year` (both match the release year here), `page`. */
export function searchMovies(query: Readonly<Record<string, string>>): FakeTmdbReply {
  const text = query['query'] ?? '';
  const year = yearFilter(query['year']);
  const primaryYear = yearFilter(query['primary_release_year']);
  const found = FAKE_TMDB_MOVIES.filter((movie) => matches(text, movieNames(movie)) && year(movie.release_date) && primaryYear(movie.release_date));
  return paged([...found].sort(byPopularity).map(movieResult), query['page']);
}

/** `/3/search/tv`: `query`, `first_air_date_year` and `year`, `page`. */
export function searchShows(query: Readonly<Record<string, string>>): FakeTmdbReply {
  const text = query['query'] ?? '';
  const firstAirYear = yearFilter(query['first_air_date_year']);
  const year = yearFilter(query['year']);
  const found = FAKE_TMDB_SHOWS.filter((show) => matches(text, showNames(show)) && firstAirYear(show.first_air_date) && year(show.first_air_date));
  return paged([...found].sort(byPopularity).map(tvResult), query['page']);
}

/** `/3/search/multi`: movies, shows and people; like TMDB it takes no year filter. */
export function searchMulti(query: Readonly<Record<string, string>>): FakeTmdbReply {
  const text = query['query'] ?? '';
  const found = [
    ...FAKE_TMDB_MOVIES.filter((movie) => matches(text, movieNames(movie))).map((movie) => ({
      popularity: movie.popularity,
      result: { ...movieResult(movie), media_type: 'movie' },
    })),
    ...FAKE_TMDB_SHOWS.filter((show) => matches(text, showNames(show))).map((show) => ({
      popularity: show.popularity,
      result: { ...tvResult(show), media_type: 'tv' },
    })),
    ...FAKE_TMDB_PEOPLE.filter((person) => matches(text, [person.name])).map((person) => ({
      popularity: person.popularity,
      result: personResult(person),
    })),
  ];
  return paged(
    found.sort(byPopularity).map((entry) => entry.result),
    query['page'],
  );
}

const appended = (query: Readonly<Record<string, string>>): Set<string> =>
  new Set((query['append_to_response'] ?? '').split(',').map((part) => part.trim()));

const movieExternalIds = (movie: FakeTmdbMovie) => ({
  imdb_id: movie.imdb_id,
  wikidata_id: null,
  facebook_id: null,
  instagram_id: null,
  twitter_id: null,
});

const showExternalIds = (show: FakeTmdbShow) => ({
  imdb_id: show.imdb_id,
  freebase_mid: null,
  freebase_id: null,
  tvdb_id: show.tvdb_id,
  tvrage_id: null,
  wikidata_id: null,
  facebook_id: null,
  instagram_id: null,
  twitter_id: null,
});

/** Ids in paths are positive integers; anything else is "not found", as on TMDB. */
function idOf(segment: string): number | undefined {
  return /^[1-9]\d*$/.test(segment) ? Number(segment) : undefined;
}

export function movieDetails(idSegment: string, query: Readonly<Record<string, string>>): FakeTmdbReply {
  const movie = FAKE_TMDB_MOVIES.find((candidate) => candidate.id === idOf(idSegment));
  if (!movie) return notFound();
  const extras = appended(query);
  return {
    status: 200,
    body: {
      adult: false,
      backdrop_path: null,
      belongs_to_collection: null,
      genres: movie.genres,
      homepage: '',
      id: movie.id,
      imdb_id: movie.imdb_id,
      original_language: movie.original_language,
      original_title: movie.original_title,
      overview: movie.overview,
      popularity: movie.popularity,
      poster_path: movie.poster_path,
      release_date: movie.release_date,
      runtime: movie.runtime,
      status: movie.status,
      tagline: '',
      title: movie.title,
      video: false,
      ...(extras.has('external_ids') ? { external_ids: movieExternalIds(movie) } : {}),
      ...(extras.has('alternative_titles') ? { alternative_titles: { titles: movie.alternative_titles } } : {}),
    },
  };
}

export function movieExternalIdsReply(idSegment: string): FakeTmdbReply {
  const movie = FAKE_TMDB_MOVIES.find((candidate) => candidate.id === idOf(idSegment));
  return movie ? { status: 200, body: { id: movie.id, ...movieExternalIds(movie) } } : notFound();
}

const seasonId = (show: FakeTmdbShow, season: FakeTmdbSeason): number => show.id * 100 + season.season_number;

export function showDetails(idSegment: string, query: Readonly<Record<string, string>>): FakeTmdbReply {
  const show = FAKE_TMDB_SHOWS.find((candidate) => candidate.id === idOf(idSegment));
  if (!show) return notFound();
  const extras = appended(query);
  const regular = show.seasons.filter((season) => season.season_number > 0);
  return {
    status: 200,
    body: {
      adult: false,
      backdrop_path: null,
      episode_run_time: [],
      first_air_date: show.first_air_date,
      genres: show.genres,
      homepage: '',
      id: show.id,
      in_production: show.in_production,
      languages: [show.original_language],
      last_air_date: show.last_air_date,
      name: show.name,
      number_of_episodes: regular.reduce((sum, season) => sum + season.episode_count, 0),
      number_of_seasons: regular.length,
      origin_country: show.origin_country,
      original_language: show.original_language,
      original_name: show.original_name,
      overview: show.overview,
      popularity: show.popularity,
      poster_path: show.poster_path,
      seasons: show.seasons.map((season) => ({
        air_date: season.air_date,
        episode_count: season.episode_count,
        id: seasonId(show, season),
        name: season.name,
        overview: '',
        poster_path: null,
        season_number: season.season_number,
      })),
      status: show.status,
      tagline: '',
      type: 'Scripted',
      ...(extras.has('external_ids') ? { external_ids: showExternalIds(show) } : {}),
      ...(extras.has('alternative_titles') ? { alternative_titles: { results: show.alternative_titles } } : {}),
    },
  };
}

export function showExternalIdsReply(idSegment: string): FakeTmdbReply {
  const show = FAKE_TMDB_SHOWS.find((candidate) => candidate.id === idOf(idSegment));
  return show ? { status: 200, body: { id: show.id, ...showExternalIds(show) } } : notFound();
}

export function seasonDetails(idSegment: string, seasonSegment: string): FakeTmdbReply {
  const show = FAKE_TMDB_SHOWS.find((candidate) => candidate.id === idOf(idSegment));
  const number = /^\d+$/.test(seasonSegment) ? Number(seasonSegment) : undefined;
  const season = show?.seasons.find((candidate) => candidate.season_number === number);
  if (!show || !season?.episodes) return notFound();
  const episodes = season.episodes;
  return {
    status: 200,
    body: {
      _id: (show.id * 1_000 + season.season_number).toString(16).padStart(24, '0'),
      air_date: season.air_date,
      episodes: episodes.map(([name, airDate], index) => ({
        air_date: airDate,
        episode_number: index + 1,
        episode_type: index === episodes.length - 1 ? 'finale' : 'standard',
        id: show.id * 10_000 + season.season_number * 100 + index + 1,
        name,
        overview: '',
        production_code: '',
        runtime: null,
        season_number: season.season_number,
        show_id: show.id,
        still_path: null,
        vote_average: 0,
        vote_count: 0,
        crew: [],
        guest_stars: [],
      })),
      name: season.name,
      overview: '',
      id: seasonId(show, season),
      poster_path: null,
      season_number: season.season_number,
      vote_average: 0,
    },
  };
}

/** `/3/find/{id}?external_source=imdb_id|tvdb_id`: always 200, empty arrays when nothing matches. */
export function findByExternalId(externalId: string, query: Readonly<Record<string, string>>): FakeTmdbReply {
  const source = query['external_source'];
  if (source !== 'imdb_id' && source !== 'tvdb_id') return invalidParameters();
  const movies = source === 'imdb_id' ? FAKE_TMDB_MOVIES.filter((movie) => movie.imdb_id === externalId) : [];
  const shows = FAKE_TMDB_SHOWS.filter((show) => (source === 'imdb_id' ? show.imdb_id === externalId : String(show.tvdb_id) === externalId));
  return {
    status: 200,
    body: {
      movie_results: movies.map((movie) => ({ ...movieResult(movie), media_type: 'movie' })),
      person_results: [],
      tv_results: shows.map((show) => ({ ...tvResult(show), media_type: 'tv' })),
      tv_episode_results: [],
      tv_season_results: [],
    },
  };
}
