import { z } from 'zod';

export const searchStatusSchema = z.enum(['queued', 'running', 'completed', 'failed']);
export type SearchStatus = z.infer<typeof searchStatusSchema>;

/** Command: find releases for what the user typed, optionally pinned to a TMDB title. */
export const searchRequestedSchema = z.strictObject({
  searchId: z.uuid(),
  query: z.string().trim().min(1).max(200),
  requestedBy: z.uuid().nullable(),
  /** When the client already knows the title (from a watchlist or a lookup). */
  tmdb: z.strictObject({ kind: z.enum(['movie', 'series']), id: z.number().int().positive() }).optional(),
  season: z.number().int().min(0).max(10_000).optional(),
  episode: z.number().int().min(0).max(100_000).optional(),
});
export type SearchRequested = z.infer<typeof searchRequestedSchema>;

/** Event: a search reached a final state; clients are told over WebSocket. */
export const searchCompletedSchema = z.strictObject({
  searchId: z.uuid(),
  status: z.enum(['completed', 'failed']),
  requestedBy: z.uuid().nullable(),
  releaseCount: z.number().int().nonnegative(),
  completedAt: z.iso.datetime({ offset: true }),
  error: z.string().max(1000).optional(),
});
export type SearchCompleted = z.infer<typeof searchCompletedSchema>;
