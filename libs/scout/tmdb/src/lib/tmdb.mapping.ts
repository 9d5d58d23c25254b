import type {
  WireAlternativeTitles,
  WireFind,
  WireMovie,
  WireMovieResult,
  WireMovieSearch,
  WireMultiSearch,
  WireSeason,
  WireTv,
  WireTvResult,
  WireTvSearch,
} from './tmdb.dto';
import type {
  TmdbAlternativeTitle,
  TmdbMovie,
  TmdbMovieSearchPage,
  TmdbMovieSummary,
  TmdbMultiSearchPage,
  TmdbSeason,
  TmdbTitleSummary,
  TmdbTv,
  TmdbTvSearchPage,
  TmdbTvSummary,
} from './tmdb.models';

/** TMDB writes "unknown" as "", null or nothing; Sokoul writes null. */
const orNull = (value: string | null | undefined): string | null => (value === undefined || value === null || value === '' ? null : value);
const yearOf = (date: string | null): number | null => (date === null ? null : Number(date.slice(0, 4)));

export function toMovieSummary(wire: WireMovieResult): TmdbMovieSummary {
  const releaseDate = orNull(wire.release_date);
  return {
    mediaType: 'movie',
    id: wire.id,
    title: wire.title,
    originalTitle: orNull(wire.original_title) ?? wire.title,
    originalLanguage: orNull(wire.original_language),
    releaseDate,
    year: yearOf(releaseDate),
    overview: wire.overview ?? '',
    popularity: wire.popularity ?? null,
    posterPath: orNull(wire.poster_path),
  };
}

export function toTvSummary(wire: WireTvResult): TmdbTvSummary {
  const firstAirDate = orNull(wire.first_air_date);
  return {
    mediaType: 'tv',
    id: wire.id,
    title: wire.name,
    originalTitle: orNull(wire.original_name) ?? wire.name,
    originalLanguage: orNull(wire.original_language),
    firstAirDate,
    year: yearOf(firstAirDate),
    originCountry: wire.origin_country ?? [],
    overview: wire.overview ?? '',
    popularity: wire.popularity ?? null,
    posterPath: orNull(wire.poster_path),
  };
}

export function toMovieSearchPage(wire: WireMovieSearch): TmdbMovieSearchPage {
  return { page: wire.page, totalPages: wire.total_pages, totalResults: wire.total_results, results: wire.results.map(toMovieSummary) };
}

export function toTvSearchPage(wire: WireTvSearch): TmdbTvSearchPage {
  return { page: wire.page, totalPages: wire.total_pages, totalResults: wire.total_results, results: wire.results.map(toTvSummary) };
}

/** Movies and shows in TMDB's order; people (and any other kind) are dropped. */
export function toMultiSearchPage(wire: WireMultiSearch): TmdbMultiSearchPage {
  const results: TmdbTitleSummary[] = [];
  for (const item of wire.results) {
    if ('id' in item) results.push(item.media_type === 'movie' ? toMovieSummary(item) : toTvSummary(item));
  }
  return { page: wire.page, totalPages: wire.total_pages, totalResults: wire.total_results, results };
}

/**
 * TMDB's multi search takes no year, so a year filters the page here: a movie by release
 * year, a show by first air year; titles without a date never match a year.
 */
export function withYear(page: TmdbMultiSearchPage, year: number | undefined): TmdbMultiSearchPage {
  return year === undefined ? page : { ...page, results: page.results.filter((title) => title.year === year) };
}

function toAlternativeTitles(wire: WireAlternativeTitles): TmdbAlternativeTitle[] {
  const titles = wire?.titles ?? wire?.results ?? [];
  return titles.map((title) => ({ title: title.title, country: orNull(title.iso_3166_1), type: orNull(title.type) }));
}

export function toMovie(wire: WireMovie): TmdbMovie {
  const releaseDate = orNull(wire.release_date);
  return {
    mediaType: 'movie',
    id: wire.id,
    imdbId: orNull(wire.external_ids?.imdb_id) ?? orNull(wire.imdb_id),
    title: wire.title,
    originalTitle: orNull(wire.original_title) ?? wire.title,
    originalLanguage: orNull(wire.original_language),
    releaseDate,
    year: yearOf(releaseDate),
    // TMDB says 0 when it does not know.
    runtimeMinutes: wire.runtime ? wire.runtime : null,
    status: orNull(wire.status),
    overview: wire.overview ?? '',
    alternativeTitles: toAlternativeTitles(wire.alternative_titles),
  };
}

export function toTv(wire: WireTv): TmdbTv {
  const firstAirDate = orNull(wire.first_air_date);
  return {
    mediaType: 'tv',
    id: wire.id,
    imdbId: orNull(wire.external_ids?.imdb_id),
    tvdbId: wire.external_ids?.tvdb_id ?? null,
    title: wire.name,
    originalTitle: orNull(wire.original_name) ?? wire.name,
    originalLanguage: orNull(wire.original_language),
    firstAirDate,
    year: yearOf(firstAirDate),
    lastAirDate: orNull(wire.last_air_date),
    status: orNull(wire.status),
    inProduction: wire.in_production ?? false,
    originCountry: wire.origin_country ?? [],
    numberOfSeasons: wire.number_of_seasons ?? null,
    numberOfEpisodes: wire.number_of_episodes ?? null,
    seasons: (wire.seasons ?? []).map((season) => ({
      seasonNumber: season.season_number,
      title: orNull(season.name) ?? (season.season_number === 0 ? 'Specials' : `Season ${season.season_number}`),
      episodeCount: season.episode_count ?? 0,
      airDate: orNull(season.air_date),
    })),
    overview: wire.overview ?? '',
    alternativeTitles: toAlternativeTitles(wire.alternative_titles),
  };
}

export function toSeason(tvId: number, wire: WireSeason): TmdbSeason {
  return {
    tvId,
    seasonNumber: wire.season_number,
    title: orNull(wire.name) ?? `Season ${wire.season_number}`,
    airDate: orNull(wire.air_date),
    episodes: wire.episodes.map((episode) => ({
      seasonNumber: episode.season_number ?? wire.season_number,
      episodeNumber: episode.episode_number,
      title: orNull(episode.name) ?? `Episode ${episode.episode_number}`,
      airDate: orNull(episode.air_date),
      runtimeMinutes: episode.runtime ? episode.runtime : null,
      episodeType: orNull(episode.episode_type),
    })),
  };
}

/** An IMDb id names one title: the movie if TMDB has one, else the show, else null. */
export function toFindResult(wire: WireFind): TmdbTitleSummary | null {
  const movie = wire.movie_results[0];
  if (movie) return toMovieSummary(movie);
  const show = wire.tv_results[0];
  return show ? toTvSummary(show) : null;
}
