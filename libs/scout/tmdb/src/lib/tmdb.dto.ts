import { z } from 'zod';

/**
 * TMDB v3's JSON as it comes over the wire, only the fields Sokoul reads. Lenient where TMDB
 * is known to vary (fields missing or null, dates and IMDb ids as empty strings), strict
 * about what must be there (ids, titles, the shape of lists), so an API change is a
 * TmdbResponseError rather than `undefined` travelling through the system.
 */

const date = z.union([z.literal(''), z.iso.date()]).nullish();
const id = z.number().int().positive();
const text = z.string().nullish();
const imdbId = z.union([z.literal(''), z.string().regex(/^tt\d{7,}$/, 'expected an IMDb id like tt0133093')]).nullish();

export const wireMovieResultSchema = z.object({
  id,
  title: z.string(),
  original_title: text,
  original_language: text,
  release_date: date,
  overview: text,
  popularity: z.number().nullish(),
  poster_path: text,
});
export type WireMovieResult = z.infer<typeof wireMovieResultSchema>;

export const wireTvResultSchema = z.object({
  id,
  name: z.string(),
  original_name: text,
  original_language: text,
  first_air_date: date,
  origin_country: z.array(z.string()).nullish(),
  overview: text,
  popularity: z.number().nullish(),
  poster_path: text,
});
export type WireTvResult = z.infer<typeof wireTvResultSchema>;

function wirePageSchema<T extends z.ZodType>(result: T) {
  return z.object({
    page: z.number().int(),
    results: z.array(result),
    total_pages: z.number().int(),
    total_results: z.number().int(),
  });
}

export const wireMovieSearchSchema = wirePageSchema(wireMovieResultSchema);
export type WireMovieSearch = z.infer<typeof wireMovieSearchSchema>;
export const wireTvSearchSchema = wirePageSchema(wireTvResultSchema);
export type WireTvSearch = z.infer<typeof wireTvSearchSchema>;

/** A multi-search item: a movie, a show, or something else (a person) that is skipped. */
export const wireMultiResultSchema = z.union([
  wireMovieResultSchema.extend({ media_type: z.literal('movie') }),
  wireTvResultSchema.extend({ media_type: z.literal('tv') }),
  z.object({ media_type: z.string().refine((type) => type !== 'movie' && type !== 'tv', 'a movie or show without its required fields') }),
]);
export const wireMultiSearchSchema = wirePageSchema(wireMultiResultSchema);
export type WireMultiSearch = z.infer<typeof wireMultiSearchSchema>;

const wireAlternativeTitleSchema = z.object({ iso_3166_1: text, title: z.string(), type: text });
/** Movies list them under `titles`, shows under `results`. */
const wireAlternativeTitlesSchema = z
  .object({ titles: z.array(wireAlternativeTitleSchema).nullish(), results: z.array(wireAlternativeTitleSchema).nullish() })
  .nullish();
export type WireAlternativeTitles = z.infer<typeof wireAlternativeTitlesSchema>;

export const wireMovieSchema = z.object({
  id,
  imdb_id: imdbId,
  title: z.string(),
  original_title: text,
  original_language: text,
  release_date: date,
  runtime: z.number().int().nonnegative().nullish(),
  status: text,
  overview: text,
  external_ids: z.object({ imdb_id: imdbId }).nullish(),
  alternative_titles: wireAlternativeTitlesSchema,
});
export type WireMovie = z.infer<typeof wireMovieSchema>;

export const wireTvSchema = z.object({
  id,
  name: z.string(),
  original_name: text,
  original_language: text,
  first_air_date: date,
  last_air_date: date,
  status: text,
  in_production: z.boolean().nullish(),
  origin_country: z.array(z.string()).nullish(),
  number_of_seasons: z.number().int().nonnegative().nullish(),
  number_of_episodes: z.number().int().nonnegative().nullish(),
  overview: text,
  seasons: z
    .array(
      z.object({
        season_number: z.number().int().nonnegative(),
        name: text,
        episode_count: z.number().int().nonnegative().nullish(),
        air_date: date,
      }),
    )
    .nullish(),
  external_ids: z.object({ imdb_id: imdbId, tvdb_id: z.number().int().positive().nullish() }).nullish(),
  alternative_titles: wireAlternativeTitlesSchema,
});
export type WireTv = z.infer<typeof wireTvSchema>;

export const wireSeasonSchema = z.object({
  season_number: z.number().int().nonnegative(),
  name: text,
  air_date: date,
  episodes: z.array(
    z.object({
      episode_number: z.number().int().nonnegative(),
      season_number: z.number().int().nonnegative().nullish(),
      name: text,
      air_date: date,
      runtime: z.number().int().nonnegative().nullish(),
      episode_type: text,
    }),
  ),
});
export type WireSeason = z.infer<typeof wireSeasonSchema>;

export const wireFindSchema = z.object({
  movie_results: z.array(wireMovieResultSchema),
  tv_results: z.array(wireTvResultSchema),
});
export type WireFind = z.infer<typeof wireFindSchema>;

/** TMDB's error body. Every field optional: a proxy or CDN in front of TMDB may answer anything. */
export const wireErrorSchema = z.object({
  status_code: z.number().int().optional(),
  status_message: z.string().optional(),
});
