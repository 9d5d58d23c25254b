import { z } from 'zod';

/** What a search was identified as (TMDB), or what its text said when metadata was unavailable. */
export const mediaSchema = z.strictObject({
  kind: z.enum(['movie', 'series']),
  title: z.string().min(1).max(300),
  year: z.number().int().min(1870).max(2200).nullable(),
  season: z.number().int().min(0).max(10_000).nullable(),
  episode: z.number().int().min(0).max(100_000).nullable(),
  tmdbId: z.number().int().positive().nullable(),
  imdbId: z.string().regex(/^tt\d{7,9}$/).nullable(),
  tvdbId: z.number().int().positive().nullable(),
});
export type Media = z.infer<typeof mediaSchema>;

/** Event: a search's releases are stored and ranked; the oracle judges them. */
export const releasesFoundSchema = z.strictObject({
  searchId: z.uuid(),
  requestedBy: z.uuid().nullable(),
  media: mediaSchema.nullable(),
  releases: z
    .array(
      z.strictObject({
        releaseId: z.uuid(),
        title: z.string().min(1).max(1000),
        infoHash: z.string().regex(/^[0-9a-f]{40}$/).nullable(),
        sizeBytes: z.number().int().nonnegative(),
        quality: z.string().max(20),
        score: z.number().int(),
        accepted: z.boolean(),
      }),
    )
    .max(1000),
});
export type ReleasesFound = z.infer<typeof releasesFoundSchema>;

/** Event: an admin created, changed or deleted a quality profile; stored releases are ranked again. */
export const qualityProfileChangedSchema = z.strictObject({
  profileId: z.uuid(),
  change: z.enum(['created', 'updated', 'deleted']),
  /** Whether it is (now) the default profile: searches without a profile follow the default. */
  isDefault: z.boolean(),
  changedAt: z.iso.datetime({ offset: true }),
});
export type QualityProfileChanged = z.infer<typeof qualityProfileChangedSchema>;
