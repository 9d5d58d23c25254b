import { z } from 'zod';
import type { MetadataStatus, SearchEntity } from '@sokoul/persistence';

export const createSearchSchema = z
  .strictObject({
    query: z.string({ error: 'query is required and must be a string' }).trim().min(1, { error: 'query must not be empty' }).max(200, {
      error: 'query must be at most 200 characters',
    }),
    profileId: z.uuid({ error: 'profileId must be a quality profile id (UUID)' }).optional().describe('the quality profile to rank by; the default profile when absent'),
    tmdb: z
      .strictObject({
        kind: z.enum(['movie', 'series'], { error: 'tmdb.kind must be movie or series' }),
        id: z.int({ error: 'tmdb.id must be a whole number' }).positive({ error: 'tmdb.id must be positive' }).max(2_147_483_647, { error: 'tmdb.id is too large' }),
      })
      .optional()
      .describe('the title, when the client already knows it (from a watchlist or a lookup)'),
    season: z.int({ error: 'season must be a whole number' }).min(0, { error: 'season must be 0 or more' }).max(10_000, { error: 'season must be at most 10000' }).optional(),
    episode: z.int({ error: 'episode must be a whole number' }).min(0, { error: 'episode must be 0 or more' }).max(100_000, { error: 'episode must be at most 100000' }).optional(),
  })
  .superRefine((search, ctx) => {
    if (search.tmdb?.kind === 'movie') {
      for (const field of ['season', 'episode'] as const) {
        if (search[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: `a movie has no ${field}` });
      }
    }
    if (search.episode !== undefined && search.season === undefined) {
      ctx.addIssue({ code: 'custom', path: ['episode'], message: 'give the season of the episode too' });
    }
  });
export type CreateSearchDto = z.infer<typeof createSearchSchema>;

export const searchIdSchema = z.uuid({ error: 'expected a search id (UUID)' });

export const listSearchesSchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(200).optional(),
});
export type ListSearchesDto = z.infer<typeof listSearchesSchema>;

const mediaSchema = z
  .object({
    kind: z.enum(['movie', 'series']),
    tmdbId: z.number().int().nullable(),
    imdbId: z.string().nullable(),
    tvdbId: z.number().int().nullable(),
    title: z.string(),
    year: z.number().int().nullable(),
    season: z.number().int().nullable(),
    episode: z.number().int().nullable(),
  })
  .describe('what the search was identified as (TMDB)');

const indexerReportSchema = z.object({
  indexerId: z.uuid(),
  name: z.string(),
  outcome: z.enum(['ok', 'failed', 'skipped']),
  releases: z.number().int(),
  durationMs: z.number().int(),
  detail: z.string().optional().describe('why it failed or was skipped (timeout, backing off, rate limited …)'),
});

/** What clients see of a search; the entity never leaves the service layer. */
export const searchSchema = z.object({
  id: z.uuid(),
  query: z.string(),
  status: z.enum(['queued', 'running', 'completed', 'failed'] satisfies SearchEntity['status'][]),
  releaseCount: z.number().int(),
  error: z.string().nullable(),
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().nullable(),
  completedAt: z.iso.datetime().nullable(),
  profileId: z.uuid().nullable().describe('the quality profile ranking its releases; null: the default profile'),
  media: mediaSchema.nullable(),
  metadataStatus: z
    .enum(['identified', 'not-found', 'unavailable', 'not-configured'] satisfies MetadataStatus[])
    .nullable()
    .describe('how identification went; the search runs on the text alone when metadata is unavailable'),
  indexers: z.array(indexerReportSchema).nullable().describe('per indexer, how its query went; null until the search ran'),
});
export type SearchDto = z.infer<typeof searchSchema>;

export const searchPageSchema = z.object({
  items: z.array(searchSchema),
  nextCursor: z.string().nullable().describe('pass as `cursor` for the next page; null on the last page'),
});
export type SearchPageDto = z.infer<typeof searchPageSchema>;

export function toSearchDto(search: SearchEntity): SearchDto {
  return {
    id: search.id,
    query: search.query,
    status: search.status,
    releaseCount: search.releaseCount,
    error: search.error,
    createdAt: search.createdAt.toISOString(),
    startedAt: search.startedAt?.toISOString() ?? null,
    completedAt: search.completedAt?.toISOString() ?? null,
    profileId: search.profileId,
    media: search.media,
    metadataStatus: search.metadataStatus,
    indexers:
      search.indexerReport?.map((report) => ({
        indexerId: report.indexerId,
        name: report.name,
        outcome: report.outcome,
        releases: report.releases,
        durationMs: report.durationMs,
        ...(report.detail === undefined ? {} : { detail: withoutUrls(report.detail) }),
      })) ?? null,
  };
}

/** Indexer URLs are for admins (`/indexers`); a search's owner learns why, not where. */
function withoutUrls(text: string): string {
  return text.replace(/\s*\(?\bhttps?:\/\/[^\s)]*\)?/g, '');
}
