import { z } from 'zod';

/**
 * What the client returns: normalized, camelCase, TMDB's quirks removed (empty-string dates
 * become null, the IMDb id comes from external_ids). Each type is inferred from its schema;
 * the schemas also check what comes back from the cache, which may have been written by an
 * older version of this code.
 */

const isoDate = z.iso.date();
const tmdbId = z.number().int().positive();

export const tmdbMovieSummarySchema = z.object({
  mediaType: z.literal('movie'),
  id: tmdbId,
  title: z.string(),
  originalTitle: z.string(),
  originalLanguage: z.string().nullable(),
  /** `YYYY-MM-DD`, TMDB's primary release date. */
  releaseDate: isoDate.nullable(),
  year: z.number().int().nullable(),
  overview: z.string(),
  popularity: z.number().nullable(),
  posterPath: z.string().nullable(),
});
export type TmdbMovieSummary = z.infer<typeof tmdbMovieSummarySchema>;

export const tmdbTvSummarySchema = z.object({
  mediaType: z.literal('tv'),
  id: tmdbId,
  /** TMDB's `name`, called title here so movies and shows read alike. */
  title: z.string(),
  originalTitle: z.string(),
  originalLanguage: z.string().nullable(),
  firstAirDate: isoDate.nullable(),
  /** Year of the first air date. */
  year: z.number().int().nullable(),
  originCountry: z.array(z.string()),
  overview: z.string(),
  popularity: z.number().nullable(),
  posterPath: z.string().nullable(),
});
export type TmdbTvSummary = z.infer<typeof tmdbTvSummarySchema>;

export const tmdbTitleSummarySchema = z.discriminatedUnion('mediaType', [tmdbMovieSummarySchema, tmdbTvSummarySchema]);
export type TmdbTitleSummary = z.infer<typeof tmdbTitleSummarySchema>;

function searchPageSchema<T extends z.ZodType>(result: T) {
  return z.object({
    page: z.number().int(),
    totalPages: z.number().int(),
    /** As TMDB counts them (for a multi search: including people, before any year filter). */
    totalResults: z.number().int(),
    results: z.array(result),
  });
}

export const tmdbMovieSearchPageSchema = searchPageSchema(tmdbMovieSummarySchema);
export type TmdbMovieSearchPage = z.infer<typeof tmdbMovieSearchPageSchema>;
export const tmdbTvSearchPageSchema = searchPageSchema(tmdbTvSummarySchema);
export type TmdbTvSearchPage = z.infer<typeof tmdbTvSearchPageSchema>;
/** Movies and shows only: people are left out. */
export const tmdbMultiSearchPageSchema = searchPageSchema(tmdbTitleSummarySchema);
export type TmdbMultiSearchPage = z.infer<typeof tmdbMultiSearchPageSchema>;

export const tmdbAlternativeTitleSchema = z.object({
  title: z.string(),
  /** ISO 3166-1 country the title is used in. */
  country: z.string().nullable(),
  /** TMDB's free-text type ("romaji", "working title", …), null when empty. */
  type: z.string().nullable(),
});
export type TmdbAlternativeTitle = z.infer<typeof tmdbAlternativeTitleSchema>;

export const tmdbMovieSchema = z.object({
  mediaType: z.literal('movie'),
  id: tmdbId,
  imdbId: z.string().nullable(),
  title: z.string(),
  originalTitle: z.string(),
  originalLanguage: z.string().nullable(),
  releaseDate: isoDate.nullable(),
  year: z.number().int().nullable(),
  runtimeMinutes: z.number().int().nullable(),
  /** "Released", "Post Production", "In Production", "Planned", "Rumored", "Canceled". */
  status: z.string().nullable(),
  overview: z.string(),
  alternativeTitles: z.array(tmdbAlternativeTitleSchema),
});
export type TmdbMovie = z.infer<typeof tmdbMovieSchema>;

export const tmdbSeasonSummarySchema = z.object({
  /** 0 is TMDB's "Specials". */
  seasonNumber: z.number().int().nonnegative(),
  title: z.string(),
  episodeCount: z.number().int().nonnegative(),
  airDate: isoDate.nullable(),
});
export type TmdbSeasonSummary = z.infer<typeof tmdbSeasonSummarySchema>;

export const tmdbTvSchema = z.object({
  mediaType: z.literal('tv'),
  id: tmdbId,
  imdbId: z.string().nullable(),
  tvdbId: z.number().int().nullable(),
  title: z.string(),
  originalTitle: z.string(),
  originalLanguage: z.string().nullable(),
  firstAirDate: isoDate.nullable(),
  year: z.number().int().nullable(),
  lastAirDate: isoDate.nullable(),
  /** "Returning Series", "Ended", "Canceled", "In Production", "Planned", "Pilot". */
  status: z.string().nullable(),
  inProduction: z.boolean(),
  originCountry: z.array(z.string()),
  numberOfSeasons: z.number().int().nullable(),
  numberOfEpisodes: z.number().int().nullable(),
  /** Every season TMDB lists, Specials (season 0) included, in TMDB's order. */
  seasons: z.array(tmdbSeasonSummarySchema),
  overview: z.string(),
  alternativeTitles: z.array(tmdbAlternativeTitleSchema),
});
export type TmdbTv = z.infer<typeof tmdbTvSchema>;

export const tmdbEpisodeSchema = z.object({
  seasonNumber: z.number().int().nonnegative(),
  episodeNumber: z.number().int().nonnegative(),
  title: z.string(),
  airDate: isoDate.nullable(),
  runtimeMinutes: z.number().int().nullable(),
  /** "standard", "mid_season", "finale", or null when TMDB does not say. */
  episodeType: z.string().nullable(),
});
export type TmdbEpisode = z.infer<typeof tmdbEpisodeSchema>;

export const tmdbSeasonSchema = z.object({
  tvId: tmdbId,
  seasonNumber: z.number().int().nonnegative(),
  title: z.string(),
  airDate: isoDate.nullable(),
  episodes: z.array(tmdbEpisodeSchema),
});
export type TmdbSeason = z.infer<typeof tmdbSeasonSchema>;
