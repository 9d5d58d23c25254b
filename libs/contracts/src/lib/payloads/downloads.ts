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

export const downloadStatusSchema = z.enum(['queued', 'downloading', 'paused', 'completed', 'failed', 'cancelled']);

/**
 * Event: a download changed state (accepted, started, paused, completed, failed, cancelled).
 * Carries the watchlist item so the scout can grab the next best release after a failure.
 */
export const downloadUpdatedSchema = z.strictObject({
  downloadId: z.uuid(),
  requestId: z.string().min(1).max(200),
  requestedBy: z.uuid().nullable(),
  watchlistItemId: z.uuid().nullable(),
  releaseId: z.uuid().nullable(),
  infoHash: z.string().regex(/^[0-9a-f]{40}$/).nullable(),
  title: z.string().min(1).max(1000),
  status: downloadStatusSchema,
  /** Why it failed or was refused: a stable code (`executable`, `no-peers`, `wrong-title`…). */
  failureCode: z.string().max(40).nullable(),
  reason: z.string().max(1000).nullable(),
  /** Whether the release is now on the blocklist (refused file list, repeated failures). */
  blocklisted: z.boolean(),
  occurredAt: z.iso.datetime({ offset: true }),
});
export type DownloadUpdated = z.infer<typeof downloadUpdatedSchema>;

/** Event: a download's progress, at most once per second per download while it moves. */
export const downloadProgressSchema = z.strictObject({
  downloadId: z.uuid(),
  requestedBy: z.uuid().nullable(),
  status: downloadStatusSchema,
  downloadedBytes: z.number().int().nonnegative(),
  totalBytes: z.number().int().nonnegative(),
  /** 0…1 over the selected files. */
  progress: z.number().min(0).max(1),
  downloadSpeed: z.number().nonnegative(),
  uploadSpeed: z.number().nonnegative(),
  peers: z.number().int().nonnegative(),
  etaSeconds: z.number().int().nonnegative().nullable(),
  files: z
    .array(
      z.strictObject({
        index: z.number().int().nonnegative(),
        path: z.string().max(4096),
        length: z.number().int().nonnegative(),
        downloadedBytes: z.number().int().nonnegative(),
      }),
    )
    .max(1000),
  observedAt: z.iso.datetime({ offset: true }),
});
export type DownloadProgress = z.infer<typeof downloadProgressSchema>;
