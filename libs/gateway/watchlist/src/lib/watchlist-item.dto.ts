import { z } from 'zod';
import type { WatchlistItemEntity, WatchlistStatus } from '@sokoul/persistence';

const kindSchema = z.enum(['movie', 'series'], { error: 'kind must be movie or series' });
const seasonSchema = z.int({ error: 'season must be a whole number' }).min(0, { error: 'season must be 0 or more' }).max(10_000, { error: 'season must be at most 10000' });
const episodeSchema = z.int({ error: 'episode must be a whole number' }).min(0, { error: 'episode must be 0 or more' }).max(100_000, { error: 'episode must be at most 100000' });
const profileIdSchema = z.uuid({ error: 'profileId must be a quality profile id (UUID)' });

/** Fields that name the title; with `searchId` they come from the search instead. */
const TITLE_FIELDS = ['kind', 'tmdbId', 'title', 'year', 'season', 'episode'] as const;
const REQUIRED_TITLE_FIELDS = ['kind', 'tmdbId', 'title'] as const;

/**
 * Either the title itself (`kind`, `tmdbId`, `title`, and `year`, `season`, `episode` when they
 * apply) or `searchId`: "watch what I just searched", the title taken from what that search was
 * identified as. One flat object rather than a union, so that each refusal names its field; the
 * `oneOf` tells the API reference which fields go together.
 */
export const createWatchlistItemSchema = z
  .strictObject({
    searchId: z
      .uuid({ error: 'searchId must be a search id (UUID)' })
      .optional()
      .describe('instead of kind, tmdbId, title, year, season and episode: take them from what this search of yours was identified as'),
    kind: kindSchema.optional().describe('required unless searchId is given'),
    tmdbId: z
      .int({ error: 'tmdbId must be a whole number' })
      .positive({ error: 'tmdbId must be positive' })
      .max(2_147_483_647, { error: 'tmdbId is too large' })
      .optional()
      .describe('the TMDB id of the film or series; required unless searchId is given'),
    title: z
      .string({ error: 'title must be a string' })
      .trim()
      .min(1, { error: 'title must not be empty' })
      .max(300, { error: 'title must be at most 300 characters' })
      .optional()
      .describe('what it is searched as (with the year for a film, SxxEyy for an episode); required unless searchId is given'),
    year: z.int({ error: 'year must be a whole number' }).min(1800, { error: 'year must be 1800 or later' }).max(3000, { error: 'year must be at most 3000' }).optional(),
    season: seasonSchema.optional().describe('series only: watch one season (or, with episode, one episode); the whole series when absent'),
    episode: episodeSchema.optional().describe('series only, with its season'),
    profileId: profileIdSchema
      .optional()
      .describe("the quality profile its releases are ranked by; when absent, the search's profile (with searchId), else the default profile"),
    autoDownload: z
      .boolean({ error: 'autoDownload must be true or false' })
      .default(true)
      .describe('download the best release once one meets the profile cutoff; false only searches'),
  })
  .superRefine((item, ctx) => {
    if (item.searchId !== undefined) {
      for (const field of TITLE_FIELDS) {
        if (item[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: `not with searchId: the ${field} comes from the search` });
      }
      return;
    }
    for (const field of REQUIRED_TITLE_FIELDS) {
      if (item[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: `${field} is required (or give searchId)` });
    }
    if (item.kind === 'movie') {
      for (const field of ['season', 'episode'] as const) {
        if (item[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: `a movie has no ${field}` });
      }
    } else if (item.episode !== undefined && item.season === undefined) {
      ctx.addIssue({ code: 'custom', path: ['episode'], message: 'give the season of the episode too' });
    }
  })
  .meta({ oneOf: [{ required: ['searchId'] }, { required: [...REQUIRED_TITLE_FIELDS] }] });
export type CreateWatchlistItemDto = z.infer<typeof createWatchlistItemSchema>;

export const updateWatchlistItemSchema = z.strictObject({
  profileId: profileIdSchema.nullable().optional().describe('null: rank by the default profile'),
  autoDownload: z.boolean({ error: 'autoDownload must be true or false' }).optional(),
  paused: z
    .boolean({ error: 'paused must be true or false' })
    .optional()
    .describe('true stops its scheduled searches, false resumes them; not once a download is under way (409)'),
});
export type UpdateWatchlistItemDto = z.infer<typeof updateWatchlistItemSchema>;

export const watchlistItemIdSchema = z.uuid({ error: 'expected a watchlist item id (UUID)' });

export const listWatchlistSchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(200).optional(),
});
export type ListWatchlistDto = z.infer<typeof listWatchlistSchema>;

const timestamp = (description: string) => z.iso.datetime().nullable().describe(description);

/** What clients see of a watchlist item; the entity never leaves the service layer. */
export const watchlistItemSchema = z.object({
  id: z.uuid(),
  userId: z.uuid().describe('whose list it is on (admins see everyone’s)'),
  kind: z.enum(['movie', 'series']),
  tmdbId: z.number().int(),
  title: z.string(),
  year: z.number().int().nullable(),
  season: z.number().int().nullable(),
  episode: z.number().int().nullable(),
  profileId: z.uuid().nullable().describe('the quality profile ranking its releases; null: the default profile'),
  autoDownload: z.boolean(),
  status: z
    .enum(['wanted', 'grabbing', 'grabbed', 'paused'] satisfies WatchlistStatus[])
    .describe('wanted: searched on schedule; grabbing: a release was chosen and its download requested; grabbed: the download was confirmed; paused: not searched'),
  nextSearchAt: timestamp('when it is next searched; null unless wanted'),
  lastSearchedAt: timestamp('when it was last searched'),
  lastSearchId: z.uuid().nullable().describe('its latest search (`/api/v1/searches/{id}`)'),
  grabbedReleaseId: z.uuid().nullable().describe('the release chosen for download'),
  grabbedAt: timestamp('when that release was chosen'),
  createdAt: z.iso.datetime(),
});
export type WatchlistItemDto = z.infer<typeof watchlistItemSchema>;

export const watchlistPageSchema = z.object({
  items: z.array(watchlistItemSchema),
  nextCursor: z.string().nullable().describe('pass as `cursor` for the next page; null on the last page'),
});
export type WatchlistPageDto = z.infer<typeof watchlistPageSchema>;

export function toWatchlistItemDto(item: WatchlistItemEntity): WatchlistItemDto {
  return {
    id: item.id,
    userId: item.userId,
    kind: item.kind,
    tmdbId: item.tmdbId,
    title: item.title,
    year: item.year,
    season: item.season,
    episode: item.episode,
    profileId: item.profileId,
    autoDownload: item.autoDownload,
    status: item.status,
    nextSearchAt: item.status === 'wanted' ? item.nextSearchAt.toISOString() : null,
    lastSearchedAt: item.lastSearchedAt?.toISOString() ?? null,
    lastSearchId: item.lastSearchId,
    grabbedReleaseId: item.grabbedReleaseId,
    grabbedAt: item.grabbedAt?.toISOString() ?? null,
    createdAt: item.createdAt.toISOString(),
  };
}
