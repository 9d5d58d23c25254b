import { z } from 'zod';

export const searchStatusSchema = z.enum(['queued', 'running', 'completed', 'failed']);
export type SearchStatus = z.infer<typeof searchStatusSchema>;

/** Command: find releases for what the user typed (and, later, a TMDB id). */
export const searchRequestedSchema = z.strictObject({
  searchId: z.uuid(),
  query: z.string().trim().min(1).max(200),
  requestedBy: z.uuid().nullable(),
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
