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

export const VERDICTS = ['match', 'mismatch', 'uncertain'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** The name a verdict made without any model carries as its judge. */
export const HEURISTIC_JUDGE = 'heuristic';

/** One release judged: is it really what was asked for, how sure, why, and what that does to its rank. */
export const releaseVerdictSchema = z.strictObject({
  releaseId: z.uuid(),
  verdict: z.enum(VERDICTS),
  /** 0 … 1: how sure the judge is of its verdict. */
  confidence: z.number().min(0).max(1),
  reasons: z.array(z.string().min(1).max(500)).max(8),
  /** Added to the profile's score when ranking: a confident mismatch sinks, a confident match rises a little. */
  scoreAdjustment: z.number().int().min(-10_000).max(10_000),
  /** The model that judged (`qwen2.5:3b`), or `heuristic`. */
  judgedBy: z.string().min(1).max(200),
});
export type ReleaseVerdict = z.infer<typeof releaseVerdictSchema>;

/** Event: the oracle judged a search's releases (the ones `releases.found` carried) and stored the verdicts. */
export const releasesValidatedSchema = z.strictObject({
  searchId: z.uuid(),
  requestedBy: z.uuid().nullable(),
  verdicts: z.array(releaseVerdictSchema).max(1000),
  validatedAt: z.iso.datetime({ offset: true }),
});
export type ReleasesValidated = z.infer<typeof releasesValidatedSchema>;

/** Event: an admin created, changed or deleted a quality profile; stored releases are ranked again. */
export const qualityProfileChangedSchema = z.strictObject({
  profileId: z.uuid(),
  change: z.enum(['created', 'updated', 'deleted']),
  /** Whether it is (now) the default profile: searches without a profile follow the default. */
  isDefault: z.boolean(),
  changedAt: z.iso.datetime({ offset: true }),
});
export type QualityProfileChanged = z.infer<typeof qualityProfileChangedSchema>;
