import { z } from 'zod';
import { mediaSchema } from './releases';

/**
 * Command: download this release. `requestId` is stable for one decision (a watchlist item's
 * grab, a user's POST), so the hunter starts at most one download per request however often
 * the command is delivered.
 */
export const downloadRequestedSchema = z.strictObject({
  requestId: z.string().min(1).max(200),
  releaseId: z.uuid(),
  searchId: z.uuid(),
  requestedBy: z.uuid().nullable(),
  watchlistItemId: z.uuid().nullable(),
  infoHash: z.string().regex(/^[0-9a-f]{40}$/).nullable(),
  title: z.string().min(1).max(1000),
  media: mediaSchema.nullable(),
});
export type DownloadRequested = z.infer<typeof downloadRequestedSchema>;
